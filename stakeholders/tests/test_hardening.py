"""Findings of the last review, each pinned by a test: odd input, and what stays hidden."""

import io
from datetime import date

import pytest
from django.urls import reverse

from stakeholders import pipeline, services
from stakeholders.models import Organisation
from tests.builders import make_application, make_organisation, make_process, make_token, make_user


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user)}"}


@pytest.mark.django_db
def test_control_characters_are_refused_and_exports_survive_old_data(client, login, stakeholder):
    response = login(stakeholder).post(
        reverse("stakeholders:organisation_create"),
        {"name": "Page\x0bOrg", "kind": "ngo", "country": "FR", "ecosoc_status": "none"},
    )
    assert response.status_code == 400
    api = client.post(
        "/api/v1/organisations",
        {"name": "Evil\u0001Org", "kind": "ngo", "country": "FR"},
        content_type="application/json",
        **auth(stakeholder),
    )
    assert api.status_code == 422 and api.json()["errors"][0]["field"] == "name"
    assert not Organisation.objects.exists()
    # A row written before this rule (or by other means) must not break the spreadsheet.
    Organisation.objects.create(name="Old\x01Row", kind="ngo", country="FR")
    xlsx = client.get(reverse("stakeholders:directory_export", args=["xlsx"]))
    assert xlsx.status_code == 200

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=2).value == "OldRow"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "9" * 30, "-1", "1.0"])
def test_odd_ids_are_not_found_or_refused(login, platform_secretariat, process, value):
    client = login(platform_secretariat)
    assert client.post(reverse("stakeholders:thematic_areas"), {"area": value}).status_code == 404
    response = client.post(
        reverse("stakeholders:organisation_create"),
        {
            "name": "Odd",
            "kind": "ngo",
            "country": "FR",
            "ecosoc_status": "none",
            "thematic_areas": [value],
        },
    )
    assert response.status_code == 400
    edit = client.post(
        reverse("core:process_edit", args=[process.slug]),
        {
            "name": "x",
            "slug": process.slug,
            "convening_body": "GA",
            "status": "active",
            "predecessor": value,
        },
    )
    assert edit.status_code == 400


@pytest.mark.django_db
def test_nul_in_an_api_path_is_refused(client):
    assert client.get("/api/v1/processes/a%00b").status_code == 400


@pytest.mark.django_db
def test_an_unknown_state_filter_is_ignored(login, process, process_secretariat):
    page = login(process_secretariat).get(
        reverse("stakeholders:applications", args=[process.slug]), {"state": "bogus\x00"}
    )
    assert page.status_code == 200


@pytest.mark.django_db
def test_a_draft_predecessor_is_never_named_in_public(client):
    draft = make_process(slug="secret-next", name="Secret Next Session", status="draft")
    public = make_process(slug="open-one", name="Open One", predecessor=draft)
    for url in (
        "/processes/",
        f"/processes/{public.slug}/",
        "/api/v1/processes",
        f"/api/v1/processes/{public.slug}",
        f"/processes/{public.slug}/accreditation/",
    ):
        body = client.get(url).text
        assert "Secret Next Session" not in body and "secret-next" not in body, url


@pytest.mark.django_db
def test_a_delegate_learns_only_of_its_own_states_objection(client, process, delegate):
    services.update_accreditation_settings(
        process, actor=None, objection_transparency="secretariat"
    )
    application = make_application(process, make_organisation(), state="circulated")
    other = make_user("fr@mission.example", role="delegate", member_state="FR")
    services.record_objection(application, actor=other, member_state="FR", basis="b", disclose=True)
    body = client.get(f"/api/v1/applications/{application.pk}", **auth(delegate)).json()
    assert (
        body["state"] == "circulated" and body["allowed_actions"] == [] and body["objections"] == []
    )
    listed = client.get(
        f"/api/v1/processes/{process.slug}/applications", {"state": "objected"}, **auth(delegate)
    ).json()
    assert [i["state"] for i in listed["items"]] == ["circulated"]
    mine = client.get(f"/api/v1/applications/{application.pk}", **auth(other)).json()
    assert mine["state"] == "objected"


@pytest.mark.django_db
def test_a_lapsed_verification_sends_the_application_through_circulation(process, stakeholder):
    organisation = make_organisation(
        stakeholder, ecosoc_status="roster", ecosoc_verified_at=date(2024, 1, 1)
    )
    application = services.create_application(
        process, actor=stakeholder, organisation=organisation, statement="Our work."
    )
    services.update_organisation(organisation, actor=stakeholder, name="Renamed Org")
    application = services.submit_application(application, actor=stakeholder)
    application = services.review_application(application, actor=None)
    assert pipeline.allowed_actions(application) == ["withdraw", "return", "circulate"]
    assert application.track == "open"


@pytest.mark.django_db
def test_the_applicant_page_never_shows_a_secret_objection(login, process, delegate):
    admin = make_user("admin@quiet.example")
    organisation = make_organisation(admin, name="Quiet", country="FR")
    services.update_accreditation_settings(
        process, actor=None, objection_transparency="secretariat"
    )
    application = make_application(process, organisation, state="circulated")
    services.record_objection(
        application, actor=delegate, member_state="US", basis="b", disclose=True
    )
    client = login(admin)
    detail = client.get(reverse("stakeholders:application_detail", args=[application.pk])).text
    profile = client.get(
        reverse("stakeholders:organisation_detail", args=[organisation.public_id])
    ).text
    for text in (detail, profile):
        assert "objected" not in text.lower()
    refused = client.patch(
        f"/api/v1/applications/{application.pk}",
        {"statement": "x"},
        content_type="application/json",
        **auth(admin),
    )
    assert refused.status_code == 409 and "bject" not in refused.text


@pytest.mark.django_db
def test_the_accredited_list_orders_anonymised_organisations_by_nothing_hidden(client, process):
    for name in ("Zulu Hidden", "Alpha Hidden"):
        organisation = make_organisation(
            name=name,
            country="SY",
            public_as_region=True,
            ecosoc_status="general",
            ecosoc_verified_at=date(2024, 1, 1),
        )
        make_application(process, organisation, state="accredited")
    body = client.get(f"/api/v1/processes/{process.slug}/accredited").json()
    ids = [i["organisation_id"] for i in body["items"]]
    assert ids == sorted(ids)


@pytest.mark.django_db
def test_an_application_in_a_process_back_in_draft_is_hidden_from_its_applicant(login, process):
    admin = make_user("admin@x.example")
    organisation = make_organisation(admin)
    application = make_application(process, organisation)
    from core.services import update_process

    update_process(process, actor=None, status="draft", name="Renamed in draft")
    client = login(admin)
    assert (
        client.get(reverse("stakeholders:application_detail", args=[application.pk])).status_code
        == 404
    )
    assert (
        "Renamed in draft"
        not in client.get(
            reverse("stakeholders:organisation_detail", args=[organisation.public_id])
        ).text
    )


@pytest.mark.django_db
def test_a_refused_edit_is_explained_above_the_page(login, process):
    admin = make_user("admin@y.example")
    application = make_application(process, make_organisation(admin), state="submitted")
    page = login(admin).post(
        reverse("stakeholders:application_detail", args=[application.pk]),
        {"statement": "late edit"},
        follow=True,
    )
    assert "not possible" in page.text
