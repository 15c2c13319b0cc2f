"""The home page's open calls for comments: revisions whose deadline is still ahead, for those
who may see their text."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from drafts.selectors import open_calls_for_home
from tests import builders

pytestmark = pytest.mark.django_db


def _titles(viewer):
    return [item.title for item in open_calls_for_home(viewer, 5)]


def test_an_open_call_is_on_the_home_page(client, revision):
    revision.deadline = timezone.now() + timedelta(days=3)
    revision.save()
    html = client.get("/").text
    assert "Calls for comments on draft texts" in html
    assert "Consolidated negotiating document" in html
    assert f"/texts/{revision.text.slug}/revisions/{revision.number}/" in html


def test_no_deadline_or_a_passed_one_is_not_an_open_call(revision):
    assert _titles(AnonymousUser()) == []
    revision.deadline = timezone.now() - timedelta(minutes=1)
    revision.save()
    assert _titles(AnonymousUser()) == []


def test_a_call_on_a_draft_text_shows_only_to_its_secretariat(
    process, process_secretariat, other_secretariat, stakeholder
):
    text = builders.make_text(process, status="draft")
    builders.make_revision(text, deadline=timezone.now() + timedelta(days=1))
    for viewer in (AnonymousUser(), stakeholder, other_secretariat):
        assert _titles(viewer) == []
    assert len(_titles(process_secretariat)) == 1


def test_calls_closing_soonest_come_first_and_the_limit_holds(process):
    text = builders.make_text(process)
    now = timezone.now()
    builders.make_revision(text, title="Later", deadline=now + timedelta(days=9))
    builders.make_revision(text, title="Sooner", deadline=now + timedelta(days=2))
    items = open_calls_for_home(AnonymousUser(), 5)
    assert [i.title.split(" — ")[1] for i in items] == ["Sooner", "Later"]
    assert len(open_calls_for_home(AnonymousUser(), 1)) == 1
