"""Consultation pages as a person sees them: radio groups, names of languages and options, the
preview of a draft, a window not yet open, and errors drawn beside the fields."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.builders import make_consultation, make_organisation, make_user, submit

pytestmark = pytest.mark.django_db


def test_each_radio_button_sits_beside_its_own_label(login, process, process_secretariat):
    html = login(process_secretariat).get(f"/processes/{process.slug}/consultations/new/")
    html = html.content.decode()
    options = re.findall(r'<div class="radio-option">(.*?)</div>', html, re.S)
    assert len(options) == 6  # three audiences, three identity modes
    for option in options:
        found = re.search(
            r'<input type="radio"[^>]* id="([^"]+)"[^>]*>\s*<label for="([^"]+)">', option
        )
        assert found and found.group(1) == found.group(2)
    assert ">Public: anyone may answer</label>" in html


def test_the_export_form_names_languages(login, process, process_secretariat):
    consultation = make_consultation(process)
    html = login(process_secretariat).get(f"/consultations/{consultation.slug}/export/")
    html = html.content.decode()
    assert '<option value="en">English</option>' in html
    assert '<option value="ar">Arabic</option>' in html


def test_the_responses_list_names_the_language_of_each(login, process, process_secretariat):
    consultation = make_consultation(process)
    submit(consultation, language="ar")
    html = login(process_secretariat).get(f"/consultations/{consultation.slug}/responses/")
    assert "<td>Arabic</td>" in html.content.decode()


def test_empty_options_read_as_words_with_a_capital(login, process, process_secretariat):
    consultation = make_consultation(process, identity="attributed")
    html = login(process_secretariat).get(f"/consultations/{consultation.slug}/results/")
    html = html.content.decode()
    for option in ("No breakdown", "All kinds", "All regions"):
        assert f">{option}</option>" in html
    member = make_user("member@example.org")
    make_organisation(member, name="Open Net Watch")
    client = login(member)
    page = client.get(f"/consultations/{consultation.slug}/?lang=en").content.decode()
    assert re.search(r'<option value=""( selected)?>Myself</option>', page)


class TestPreview:
    def test_the_secretariat_previews_a_draft_on_one_page(
        self, login, process, process_secretariat
    ):
        consultation = make_consultation(process, status="draft", layout="per_group")
        client = login(process_secretariat)
        page = client.get(f"/consultations/{consultation.slug}/").content.decode()
        assert "only the secretariat sees it" in page
        assert "?preview" in page
        preview = client.get(f"/consultations/{consultation.slug}/?preview").content.decode()
        assert "Preview of the form" in preview
        # Every question, the pages of the layout together, and nothing to send.
        assert "Your sector" in preview and "Comment" in preview
        assert 'value="submit"' not in preview and 'value="next"' not in preview

    def test_nobody_else_sees_a_draft_or_its_preview(self, client, login, process, stakeholder):
        consultation = make_consultation(process, status="draft")
        for who in (client, login(stakeholder)):
            response = who.get(f"/consultations/{consultation.slug}/?preview")
            assert response.status_code == 404

    def test_an_open_consultation_shows_no_preview_to_respondents(self, client, process):
        consultation = make_consultation(process)
        page = client.get(f"/consultations/{consultation.slug}/?preview").content.decode()
        assert "Preview of the form" not in page
        assert 'value="submit"' in page


def test_a_consultation_not_open_yet_says_when_it_opens(client, process):
    opens = timezone.now() + timedelta(days=3)
    consultation = make_consultation(process, opens_at=opens, closes_at=opens + timedelta(days=10))
    page = client.get(f"/consultations/{consultation.slug}/").content.decode()
    assert f"This consultation opens on {opens:%-d %B %Y, %H:%M} (UTC)." in page


def test_a_consultation_whose_window_ended_says_when_it_closed(client, process):
    closed = timezone.now() - timedelta(hours=1)
    consultation = make_consultation(
        process, opens_at=closed - timedelta(days=10), closes_at=closed
    )
    page = client.get(f"/consultations/{consultation.slug}/").content.decode()
    assert f"This consultation closed on {closed:%-d %B %Y, %H:%M} (UTC)." in page


def test_a_page_with_errors_answers_200_and_the_api_422(client, process):
    import json
    import uuid

    consultation = make_consultation(process)
    page = client.post(f"/consultations/{consultation.slug}/", {"_state": "{}", "_page": "0"})
    assert page.status_code == 200 and "Choose a sector" in page.content.decode()
    api = client.post(
        f"/api/v1/consultations/{consultation.slug}/responses",
        data=json.dumps({"instance_id": str(uuid.uuid4()), "answers": {}}),
        content_type="application/json",
    )
    assert api.status_code == 422


def test_a_radio_group_is_a_fieldset_named_by_its_legend(login, process, process_secretariat):
    html = login(process_secretariat).get(f"/processes/{process.slug}/consultations/new/")
    groups = re.findall(
        r'<fieldset class="field field-group">\s*<legend>(.*?)</legend>(.*?)</fieldset>',
        html.content.decode(),
        re.S,
    )
    assert len(groups) == 2  # audience and identity mode
    assert all('type="radio"' in body for _legend, body in groups)


def test_the_secretariat_finds_the_results_of_an_open_consultation(
    client, login, process, process_secretariat
):
    consultation = make_consultation(process)
    results = f'href="/consultations/{consultation.slug}/results/"'
    assert results not in client.get(f"/processes/{process.slug}/consultations/").content.decode()
    page = login(process_secretariat).get(f"/processes/{process.slug}/consultations/")
    assert results in page.content.decode()


def test_the_responses_list_names_kind_and_region(login, process, process_secretariat):
    consultation = make_consultation(process)
    submit(consultation, declared={"kind": "ngo", "region": "african"})
    html = login(process_secretariat).get(f"/consultations/{consultation.slug}/responses/")
    html = html.content.decode()
    assert "<td>NGO / civil society</td>" in html and "<td>African Group</td>" in html


def test_charts_are_mirrored_right_to_left(login, process, process_secretariat):
    consultation = make_consultation(process)
    submit(consultation)
    client = login(process_secretariat)
    client.cookies["django_language"] = "ar"
    html = client.get(f"/consultations/{consultation.slug}/results/").content.decode()
    assert "scale(-1 1)" in html and 'class="chart-label" transform="scale(-1 1)"' in html
    client.cookies["django_language"] = "en"
    assert (
        "scale(-1 1)"
        not in client.get(f"/consultations/{consultation.slug}/results/").content.decode()
    )
