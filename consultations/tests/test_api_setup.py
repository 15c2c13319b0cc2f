"""Setting consultations up through the API: the secretariat's, with the page's rules."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from consultations.models import Consultation
from tests.builders import SMALL_FORM, make_consultation, make_token, submit

pytestmark = pytest.mark.django_db

NEW = {
    "slug": "ppp-survey",
    "title": "Partnerships survey",
    "opens_at": "2027-01-10T09:00:00Z",
    "closes_at": "2027-02-10T09:00:00Z",
    "audience": "public",
    "identity": "anonymous",
}


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user)}"} if user else {}


def create(client, process, user, fields=None, form=SMALL_FORM, name="form.md"):
    data = {**NEW, **(fields or {})}
    if form is not None:
        data["form_file"] = SimpleUploadedFile(name, form.encode())
    return client.post(f"/api/v1/processes/{process.slug}/consultations", data, **bearer(user))


def patch(client, consultation, user, body):
    return client.patch(
        f"/api/v1/consultations/{consultation.slug}",
        json.dumps(body),
        content_type="application/json",
        **bearer(user),
    )


def status(client, consultation, user, wanted):
    return client.post(
        f"/api/v1/consultations/{consultation.slug}/status",
        json.dumps({"status": wanted}),
        content_type="application/json",
        **bearer(user),
    )


def test_the_secretariat_sets_a_consultation_up_and_opens_it(client, process, process_secretariat):
    created = create(client, process, process_secretariat)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["identity"], body["process"]) == (
        "draft",
        "anonymous",
        process.slug,
    )
    consultation = Consultation.objects.get(slug="ppp-survey")
    assert consultation.versions.count() == 1
    changed = patch(
        client,
        consultation,
        process_secretariat,
        {"title": "PPP survey", "audience": "invited", "invitees": ["a@example.org"]},
    )
    assert changed.status_code == 200, changed.json()
    consultation.refresh_from_db()
    # What was not sent is as it was.
    assert (consultation.title, consultation.identity) == ("PPP survey", "anonymous")
    assert list(consultation.invitees.values_list("email", flat=True)) == ["a@example.org"]
    again = patch(client, consultation, process_secretariat, {"description": "More"})
    assert again.status_code == 200
    assert list(consultation.invitees.values_list("email", flat=True)) == ["a@example.org"]
    upload = client.post(
        f"/api/v1/consultations/{consultation.slug}/form",
        {"form_file": SimpleUploadedFile("v2.md", SMALL_FORM.encode())},
        **bearer(process_secretariat),
    )
    assert upload.status_code == 200 and consultation.versions.count() == 2
    opened = status(client, consultation, process_secretariat, "open")
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    refused = status(client, consultation, process_secretariat, "published")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "status"


def test_bad_setup_input_names_the_field_and_stores_nothing(client, process, process_secretariat):
    cases = [
        ({"closes_at": "2027-01-01T00:00:00Z"}, SMALL_FORM, "form.md", 422),
        ({"identity": "secret"}, SMALL_FORM, "form.md", 422),
        ({}, "| survey |\n| --- |\n| nonsense |", "form.md", 422),
        ({}, SMALL_FORM, "form.exe", 422),
        ({}, None, "", 422),
    ]
    for fields, form, name, code in cases:
        response = create(client, process, process_secretariat, fields, form, name)
        assert response.status_code == code, (fields, name, response.content)
        assert "detail" in response.json()
    assert not Consultation.objects.exists()
    make_consultation(process, slug=NEW["slug"])
    taken = create(client, process, process_secretariat)
    assert taken.status_code == 409 and taken.json()["errors"][0]["field"] == "slug"
    consultation = Consultation.objects.get()
    before = (consultation.title, consultation.closes_at)
    bad = patch(
        client,
        consultation,
        process_secretariat,
        {"title": "New", "closes_at": "2000-01-01T00:00:00Z"},
    )
    assert bad.status_code == 422
    bad_invitees = patch(client, consultation, process_secretariat, {"invitees": ["nobody"]})
    assert bad_invitees.status_code == 422
    assert bad_invitees.json()["errors"][0]["field"] == "invitees"
    consultation.refresh_from_db()
    assert (consultation.title, consultation.closes_at) == before


def test_identity_and_form_are_fixed_once_answered(client, process, process_secretariat):
    consultation = make_consultation(process, identity="confidential")
    submit(consultation)
    locked = patch(client, consultation, process_secretariat, {"identity": "attributed"})
    assert locked.status_code == 409
    upload = client.post(
        f"/api/v1/consultations/{consultation.slug}/form",
        {"form_file": SimpleUploadedFile("v2.md", SMALL_FORM.encode())},
        **bearer(process_secretariat),
    )
    assert upload.status_code == 409
    consultation.refresh_from_db()
    assert consultation.identity == "confidential" and consultation.versions.count() == 1


def test_only_the_secretariat_of_the_process_sets_up(
    client, process, other_secretariat, stakeholder, process_secretariat
):
    for user, code in ((None, 401), (stakeholder, 403), (other_secretariat, 403)):
        assert create(client, process, user).status_code == code
    assert not Consultation.objects.exists()
    consultation = make_consultation(process, status="draft")
    for user, code in ((None, 401), (stakeholder, 404), (other_secretariat, 404)):
        # A draft is hidden from those who do not run it: they cannot tell it is there.
        assert patch(client, consultation, user, {"title": "Mine"}).status_code == code
        assert status(client, consultation, user, "open").status_code == code
    open_one = make_consultation(process, slug="open-one")
    for user, code in ((None, 401), (stakeholder, 403), (other_secretariat, 403)):
        assert patch(client, open_one, user, {"title": "Mine"}).status_code == code
        assert status(client, open_one, user, "closed").status_code == code
    assert not Consultation.objects.filter(title="Mine").exists()
