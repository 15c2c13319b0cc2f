"""Personal data rights: a person downloads what Consulta holds about them, deletes their
account, and processes forget what their retention periods say has expired."""

import json
from typing import Any

import pytest
from django.urls import reverse

from accounts.services import update_profile
from tests import builders
from tests.builders import GOOD_ANSWERS, PASSWORD

pytestmark = pytest.mark.django_db


def _answers(comment: str) -> dict[str, Any]:
    return {**GOOD_ANSWERS, "comment": comment}


def _written(revision: Any, person: Any, organisation: Any, body: str, *, publish: Any = None):
    from drafts import services
    from drafts.services.submissions import Draft

    draft = Draft(
        kind="written",
        speaks_for=f"org:{organisation.public_id}",
        language="en",
        title=body.title(),
        body=body,
    )
    submission = services.create_submission(revision, actor=person, draft=draft)
    if publish is not None:
        submission = services.submit_submission(submission, actor=person)
        submission = services.moderate_submission(submission, actor=publish, decision="publish")
    return submission


def _people(process: Any, other_process: Any) -> dict[str, Any]:
    person, organisation = builders.make_accredited_representative(
        process, "amina@example.org", name="Digital Rights Watch"
    )
    update_profile(person, actor=person, display_name="Amina Diallo")
    other, other_organisation = builders.make_accredited_representative(
        process, "other@example.org", name="Other Voices", country="FR"
    )
    update_profile(other, actor=other, display_name="Oscar Other")
    written = builders.make_application(other_process, organisation, actor=person)
    return {
        "person": person,
        "organisation": organisation,
        "other": other,
        "other_organisation": other_organisation,
        "application": written,
    }


def _consultations(process: Any, people: dict[str, Any]) -> dict[str, Any]:
    confidential = builders.make_consultation(process, slug="confidential-survey")
    anonymous = builders.make_consultation(
        process, slug="anonymous-survey", title="Anonymous survey", identity="anonymous"
    )
    person, other = people["person"], people["other"]
    return {
        "confidential": confidential,
        "anonymous": anonymous,
        "response": builders.submit(
            confidential, actor=person, answers=_answers("MY-CONFIDENTIAL-ANSWER")
        ),
        "other_response": builders.submit(
            confidential, actor=other, answers=_answers("OTHER-PERSON-ANSWER")
        ),
        "anonymous_response": builders.submit(
            anonymous, actor=person, answers=_answers("ANONYMOUS-SECRET-ANSWER")
        ),
    }


def _events(process: Any, people: dict[str, Any]) -> dict[str, Any]:
    from events import services

    person, organisation = people["person"], people["organisation"]
    event = builders.make_event(process)
    registration, _ = services.register(
        event, actor=person, organisation_id=organisation.pk, consent=True
    )
    session = builders.make_event(process, slug="formal", kind="formal_session", capacity=None)
    item = services.add_agenda_item(session, actor=None, number="1", title="Opening")
    floor = services.request_floor(
        item,
        actor=person,
        organisation_id=organisation.pk,
        spokesperson="Amina Diallo",
        topic="Safeguards for journalists",
    )
    return {"event": event, "registration": registration, "floor": floor}


def _drafts(process: Any, people: dict[str, Any]) -> dict[str, Any]:
    revision = builders.make_revision(builders.make_text(process))
    moderator = builders.make_user("moderator@example.org", role="moderator", process=process)
    person, organisation = people["person"], people["organisation"]
    return {
        "revision": revision,
        "published": _written(
            revision, person, organisation, "published submission body", publish=moderator
        ),
        "draft": _written(revision, person, organisation, "unsent draft body"),
        "others": _written(
            revision, people["other"], people["other_organisation"], "other person body"
        ),
    }


@pytest.fixture
def world(process, other_process):
    """A person with something in every app, and another person with the same kinds of thing."""
    people = _people(process, other_process)
    return {
        "process": process,
        **people,
        **_consultations(process, people),
        **_events(process, people),
        **_drafts(process, people),
    }


def _download(client: Any, person: Any) -> dict[str, Any]:
    client.force_login(person)
    response = client.get(reverse("accounts:personal_data_download"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return json.loads(response.content)


# Download ---------------------------------------------------------------------------------------


def test_a_person_downloads_what_every_app_holds_about_them(client, world):
    held = _download(client, world["person"])["data"]
    assert held["accounts"]["profile"]["email"] == "amina@example.org"
    assert held["accounts"]["profile"]["display_name"] == "Amina Diallo"
    assert [m["organisation"] for m in held["stakeholders"]["memberships"]] == [
        "Digital Rights Watch"
    ]
    assert [a["process"] for a in held["stakeholders"]["applications_written"]] == ["other-test"]
    responses = held["consultations"]["responses"]
    assert [r["answers"]["comment"] for r in responses] == ["MY-CONFIDENTIAL-ANSWER"]
    assert held["events"]["registrations"][0]["event_slug"] == "side-event"
    assert held["events"]["floor_requests"][0]["topic"] == "Safeguards for journalists"
    bodies = sorted(s["body"] for s in held["drafts"]["submissions"])
    assert bodies == ["published submission body", "unsent draft body"]
    actions = {e["action"] for e in held["audit"]["entries"]}
    assert {"accounts.user.created", "accounts.profile.updated"} <= actions
    assert "drafts.submission.created" in actions


def test_the_download_holds_nothing_of_anyone_else(client, world):
    text = json.dumps(_download(client, world["person"]), ensure_ascii=False)
    for theirs in ("other@example.org", "Oscar Other", "OTHER-PERSON-ANSWER", "other person body"):
        assert theirs not in text
    assert "Other Voices" not in text


def test_anonymous_answers_are_not_in_the_download_and_the_page_says_why(client, world):
    held = _download(client, world["person"])
    text = json.dumps(held, ensure_ascii=False)
    assert "ANONYMOUS-SECRET-ANSWER" not in text
    assert world["anonymous_response"].reference not in text
    answered = held["data"]["consultations"]["anonymous_consultations_answered"]
    assert answered == [
        {"consultation": "Anonymous survey", "consultation_slug": "anonymous-survey"}
    ]
    page = client.get(reverse("accounts:personal_data"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Anonymous answers are not here" in content
    assert "stored with no link to you, by design" in content
    assert "MY-CONFIDENTIAL-ANSWER" in content and "ANONYMOUS-SECRET-ANSWER" not in content
    assert "Oscar Other" not in content


def test_the_page_names_fields_by_their_labels_and_the_download_keeps_the_keys(client, world):
    profile = _download(client, world["person"])["data"]["accounts"]["profile"]
    assert {"at_risk", "last_login", "display_name"} <= set(profile)
    content = client.get(reverse("accounts:personal_data")).content.decode()
    # Read from the key alone, these would be "At risk" and "Last login".
    assert "<dt>At risk of reprisals</dt>" in content and "<dt>At risk</dt>" not in content
    assert "<dt>Last signed in</dt>" in content and "<dt>Last login</dt>" not in content
    # A dotted path: each part it knows under its label, the others as stored.
    assert "<dt>Details › Track</dt>" in content
    assert "<dt>Answers › comment</dt>" in content


def test_in_french_the_page_translates_field_labels_but_not_the_download(client, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    profile = _download(client, world["person"])["data"]["accounts"]["profile"]
    assert {"gender", "language"} <= set(profile)
    content = client.get(reverse("accounts:personal_data")).content.decode()
    assert "<dt>Genre</dt>" in content and "<dt>Langue</dt>" in content
    assert "<dt>Gender</dt>" not in content and "<dt>Language</dt>" not in content


def test_the_profile_links_to_the_data_page(client, stakeholder):
    client.force_login(stakeholder)
    content = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:personal_data") in content
    assert reverse("accounts:personal_data_download") in content


def test_the_api_gives_the_same_to_a_token(client, world):
    token = builders.make_token(world["person"])
    response = client.get("/api/v1/me/data", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["format"] == "consulta.personal-data/1"
    assert body["data"]["consultations"]["responses"][0]["answers"]["comment"] == (
        "MY-CONFIDENTIAL-ANSWER"
    )
    assert "OTHER-PERSON-ANSWER" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in_or_refused(client, db):
    for name in ("accounts:personal_data", "accounts:personal_data_download"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response["Location"]
    assert client.get("/api/v1/me/data").status_code == 401


def test_password_is_never_in_the_download(client, stakeholder):
    text = json.dumps(_download(client, stakeholder))
    assert stakeholder.password not in text and PASSWORD not in text


# Erasure ----------------------------------------------------------------------------------------


def _erase(client: Any, person: Any, password: str = PASSWORD) -> Any:
    client.force_login(person)
    return client.post(reverse("accounts:delete_account"), {"password": password})


def _audit_text() -> str:
    from core.models import AuditEntry

    rows = AuditEntry.objects.values_list("object_repr", "data", "personal")
    return json.dumps(list(rows), ensure_ascii=False, default=str)


def test_erasure_keeps_the_record_under_the_organisation_and_deletes_the_rest(client, world):
    from django.contrib.auth import get_user_model

    from drafts.models import Submission
    from events.models import FloorRequest, Registration
    from stakeholders.models import Application, Membership

    person, organisation = world["person"], world["organisation"]
    response = _erase(client, person)
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert not get_user_model().objects.filter(pk=person.pk).exists()
    application = Application.objects.get(pk=world["application"].pk)
    assert application.created_by is None and application.organisation == organisation
    published = Submission.objects.get(pk=world["published"].pk)
    assert published.author is None and published.organisation == organisation
    assert published.body == "published submission body" and published.state == "published"
    assert not Submission.objects.filter(pk=world["draft"].pk).exists()
    assert Submission.objects.get(pk=world["others"].pk).author == world["other"]
    kept = world["response"].__class__.objects.get(pk=world["response"].pk)
    assert kept.respondent is None and kept.answers["comment"] == "MY-CONFIDENTIAL-ANSWER"
    assert not Registration.objects.filter(pk=world["registration"].pk).exists()
    floor = FloorRequest.objects.get(pk=world["floor"].pk)
    assert floor.requested_by is None and floor.spokesperson == ""
    assert floor.organisation == organisation
    assert not Membership.objects.filter(user_id=person.pk).exists()
    assert world["other"].memberships.exists()


def test_erasure_logs_the_person_out_and_revokes_their_tokens(client, world):
    token = builders.make_token(world["person"], name="Amina's laptop")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    _erase(client, world["person"])
    assert client.get(reverse("accounts:profile")).status_code == 302
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_after_erasure_the_audit_log_verifies_and_names_no_one(client, world, capsys):
    from django.core.management import call_command

    from core.models import AuditEntry

    person = world["person"]
    builders.make_token(person, name="Amina's laptop")
    assert "Amina's laptop" in _audit_text()
    _erase(client, person)
    call_command("verify_audit")
    assert "entries verified" in capsys.readouterr().out
    text = _audit_text()
    assert "Amina" not in text and "amina@" not in text
    erased = AuditEntry.objects.get(action="accounts.user.erased")
    assert erased.object_id == str(person.pk) and erased.actor_id == person.pk
    assert erased.data["erased"]["drafts"] == {"submissions_kept_unlinked": 1, "submissions": 1}
    token_entry = AuditEntry.objects.get(action="accounts.token.created", actor_id=person.pk)
    assert token_entry.personal == {} and token_entry.personal_digest


def test_after_erasure_tampering_is_still_detected(client, world):
    from django.core.management import CommandError, call_command
    from django.db import connection

    from core import audit
    from core.models import AuditEntry

    other_token = builders.make_token(world["other"], name="Oscar's phone")
    assert other_token
    _erase(client, world["person"])
    assert audit.find_first_broken()[1] is None
    table = AuditEntry._meta.db_table
    kept = AuditEntry.objects.get(action="accounts.token.created", actor_id=world["other"].pk)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET personal = %s WHERE id = %s", ['{"name": "forged"}', kept.pk]
        )
    broken = audit.find_first_broken()[1]
    assert broken is not None and broken.seq == kept.seq and "personal values" in broken.reason
    with pytest.raises(CommandError, match=rf"entry #{kept.seq}: its personal values"):
        call_command("verify_audit")
    erased = AuditEntry.objects.get(action="accounts.user.erased")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET personal = %s WHERE id = %s", ["{}", kept.pk])
        cursor.execute(f"UPDATE {table} SET data = %s WHERE id = %s", ["{}", erased.pk])
    broken = audit.find_first_broken()[1]
    assert broken is not None and broken.seq == erased.seq


def test_a_wrong_password_is_refused_and_nothing_changes(client, world):
    from core.models import AuditEntry

    person = world["person"]
    token = builders.make_token(person)
    before = (AuditEntry.objects.count(), _audit_text())
    response = _erase(client, person, password="not my password")
    assert response.status_code == 400
    assert "The password is not correct. Nothing was deleted." in response.content.decode()
    person.refresh_from_db()
    assert person.memberships.exists() and person.event_registrations.exists()
    assert (AuditEntry.objects.count(), _audit_text()) == before
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_last_administrator_of_an_organisation_with_members_is_refused(client, world):
    person, organisation = world["person"], world["organisation"]
    organisation.memberships.create(user=builders.make_user("colleague@example.org"))
    client.force_login(person)
    page = client.get(reverse("accounts:delete_account")).content.decode()
    assert "You are the last administrator of Digital Rights Watch" in page
    response = _erase(client, person)
    assert response.status_code == 409
    person.refresh_from_db()
    assert person.is_active and person.memberships.exists()


def test_the_only_member_of_an_organisation_may_go_and_the_organisation_stays(client, world):
    from stakeholders.models import Organisation

    _erase(client, world["person"])
    organisation = Organisation.objects.get(pk=world["organisation"].pk)
    assert not organisation.memberships.exists() and organisation.applications.exists()


def test_the_api_deletes_the_account_with_the_password(client, world):
    token = builders.make_token(world["person"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}
    wrong = client.delete("/api/v1/me", json.dumps({"password": "nope"}), **auth)
    assert wrong.status_code == 403 and "not correct" in wrong.json()["detail"]
    assert client.delete("/api/v1/me", "{}", **auth).status_code == 422
    done = client.delete("/api/v1/me", json.dumps({"password": PASSWORD}), **auth)
    assert done.status_code == 200 and done.json()["deleted"] is True
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_anonymous_visitors_cannot_delete_anything(client, db):
    response = client.get(reverse("accounts:delete_account"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert (
        client.post(reverse("accounts:delete_account"), {"password": PASSWORD}).status_code == 302
    )
    deleted = client.delete("/api/v1/me", json.dumps({"password": PASSWORD}), "application/json")
    assert deleted.status_code == 401


# Retention --------------------------------------------------------------------------------------


@pytest.fixture
def closed(world, process_secretariat):
    """The world's process, with a saved draft of answers, closed with short periods."""
    from consultations.services import save_draft
    from core.services import update_process

    later = builders.make_consultation(world["process"], slug="later-survey")
    world["saved"] = save_draft(later, actor=world["person"], answers=_answers("HALF-WRITTEN"))
    world["process"] = update_process(
        world["process"],
        actor=process_secretariat,
        status="concluded",
        retain_drafts_days=10,
        retain_registrations_days=50,
        retain_identities_days=100,
    )
    return world


def _apply(world: Any, days: int) -> dict[str, Any]:
    from datetime import timedelta

    from core.services import apply_retention

    return apply_retention(now=world["process"].closed_at + timedelta(days=days))


def _state(world: Any) -> dict[str, Any]:
    from consultations.models import Draft, Response
    from drafts.models import Submission
    from events.models import Registration

    return {
        "saved": Draft.objects.filter(pk=world["saved"].pk).exists(),
        "draft": Submission.objects.filter(pk=world["draft"].pk).exists(),
        "published": Submission.objects.get(pk=world["published"].pk).author_id,
        "registration": Registration.objects.filter(pk=world["registration"].pk).exists(),
        "respondent": Response.objects.get(pk=world["response"].pk).respondent_id,
        "organisation": Response.objects.get(pk=world["response"].pk).organisation_id,
    }


def test_closing_a_process_starts_the_retention_clock(closed):
    from core.services import update_process

    assert closed["process"].closed_at is not None
    reopened = update_process(closed["process"], actor=None, status="active")
    assert reopened.closed_at is None


def test_retention_removes_what_has_expired_and_keeps_what_has_not(closed):
    person = closed["person"]
    assert _apply(closed, 5) == {}
    assert _state(closed) == {
        "saved": True,
        "draft": True,
        "published": person.pk,
        "registration": True,
        "respondent": person.pk,
        "organisation": None,
    }
    # The two submissions never sent (the person's, and the other person's).
    assert _apply(closed, 20) == {"ahc-test": {"consultations": 1, "drafts": 2}}
    after_drafts = _state(closed)
    assert (after_drafts["saved"], after_drafts["draft"], after_drafts["registration"]) == (
        False,
        False,
        True,
    )
    assert after_drafts["respondent"] == person.pk
    assert _apply(closed, 60) == {"ahc-test": {"events": 1}}
    assert not _state(closed)["registration"] and _state(closed)["respondent"] == person.pk
    _apply(closed, 101)
    final = _state(closed)
    assert final["respondent"] is None and final["published"] == person.pk


def test_each_application_of_retention_is_audited_and_the_log_verifies(closed):
    from core import audit
    from core.models import AuditEntry

    _apply(closed, 20)
    _apply(closed, 20)  # nothing more to remove: no second entry
    entries = AuditEntry.objects.filter(action="core.retention.applied")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.object_id == str(closed["process"].pk) and entry.actor_id is None
    assert entry.data == {"removed": {"consultations": 1, "drafts": 2}}
    assert audit.find_first_broken()[1] is None


def test_open_processes_keep_everything(world):
    from datetime import timedelta

    from django.utils import timezone

    from core.services import apply_retention
    from drafts.models import Submission
    from events.models import Registration

    assert apply_retention(now=timezone.now() + timedelta(days=10_000)) == {}
    assert Registration.objects.filter(pk=world["registration"].pk).exists()
    assert Submission.objects.filter(pk=world["draft"].pk).exists()


def test_the_task_applies_retention_and_is_on_the_beat_schedule(settings, closed):
    from config.celery import app
    from core.tasks import apply_retention

    schedule = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    assert schedule["task"] == "core.tasks.apply_retention" and schedule["task"] in app.tasks
    assert apply_retention.delay().get() == {}  # closed just now: nothing has expired


def test_the_secretariat_sets_the_periods_where_it_edits_the_process(client, process_secretariat):
    from core.models import AuditEntry, Process

    process = Process.objects.get(slug="ahc-test")
    url = reverse("core:process_edit", args=[process.slug])
    client.force_login(process_secretariat)
    page = client.get(url).content.decode()
    assert 'name="retain_drafts_days"' in page and 'value="90"' in page
    form = {
        "name": process.name,
        "slug": process.slug,
        "convening_body": process.convening_body,
        "status": process.status,
        "retain_drafts_days": "7",
        "retain_identities_days": "",
        "retain_registrations_days": "30",
    }
    assert client.post(url, form).status_code == 302
    process.refresh_from_db()
    assert (process.retain_drafts_days, process.retain_identities_days) == (7, 365)
    assert process.retain_registrations_days == 30
    entry = AuditEntry.objects.filter(action="core.process.updated").latest("seq")
    assert entry.data["changes"]["retain_drafts_days"] == [90, 7]
    refused = client.post(url, {**form, "retain_drafts_days": "-1"})
    assert refused.status_code == 400


def test_only_the_process_secretariat_edits_the_periods(client, process, stakeholder):
    url = reverse("core:process_edit", args=[process.slug])
    client.force_login(stakeholder)
    assert client.post(url, {"retain_drafts_days": "0"}).status_code == 403
    process.refresh_from_db()
    assert process.retain_drafts_days == 90


def test_erasure_forgets_anonymous_participation_without_counting_it(client, world):
    from consultations.models import Participation, Response
    from core.models import AuditEntry

    anonymous = world["anonymous"]
    assert Participation.objects.filter(consultation=anonymous).count() == 1
    _erase(client, world["person"])
    assert not Participation.objects.filter(consultation=anonymous).exists()
    assert Response.objects.filter(pk=world["anonymous_response"].pk).exists()
    erased = AuditEntry.objects.get(action="accounts.user.erased")
    assert "participations" not in json.dumps(erased.data)


def test_files_given_in_answers_are_listed_and_lose_their_names_on_erasure(client, world):
    from django.utils import timezone

    from consultations.models import Attachment

    response = world["response"]
    attachment = Attachment.objects.create(
        consultation=response.consultation,
        response=response,
        question="comment",
        name="r4nd0m",
        file=f"consultations/{response.consultation_id}/r4nd0m",
        content_type="application/pdf",
        size=1234,
        original_name="amina-diallo-cv.pdf",
        received_on=timezone.now().date(),
    )
    held = _download(client, world["person"])["data"]["consultations"]["responses"][0]
    assert held["files"] == [
        {
            "question": "comment",
            "file_name": "amina-diallo-cv.pdf",
            "content_type": "application/pdf",
            "size": 1234,
        }
    ]
    _erase(client, world["person"])
    attachment.refresh_from_db()
    assert attachment.response_id == response.pk and attachment.original_name == ""


@pytest.mark.django_db(transaction=True)
def test_two_administrators_deleting_their_accounts_at_once_leave_one(monkeypatch):
    """Both see another administrator; the organisation's lock lets only one of them go."""
    import contextlib
    import threading

    from django.db import connection, connections

    from accounts import services
    from accounts.exceptions import AccountNotErasable
    from stakeholders.choices import MemberRole

    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections are exercised on PostgreSQL")
    first = builders.make_user("first@example.org")
    second = builders.make_user("second@example.org")
    organisation = builders.make_organisation(first)
    organisation.memberships.create(user=second, role=MemberRole.ADMIN)
    organisation.memberships.create(user=builders.make_user("member@example.org"))
    # Hold each erasure just after its check, so that without a lock both checks pass first.
    barrier = threading.Barrier(2, timeout=3)
    revoke = services.revoke_all_api_tokens

    def held(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        return revoke(*args, **kwargs)

    monkeypatch.setattr(services, "revoke_all_api_tokens", held)
    outcome: dict[str, str] = {}

    def erase(user):
        try:
            services.erase_account(user, actor=user, password=PASSWORD)
            outcome[user.email] = "erased"
        except AccountNotErasable:
            outcome[user.email] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=erase, args=(u,)) for u in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcome.values()) == ["erased", "refused"]
    assert organisation.memberships.filter(role=MemberRole.ADMIN).count() == 1
