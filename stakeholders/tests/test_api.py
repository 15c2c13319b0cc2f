from datetime import timedelta

import pytest
from django.utils import timezone

from stakeholders.models import Application, Organisation
from tests.builders import make_application, make_organisation, make_token, make_user


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user)}"}


def post(client, url, user, data=None):
    return client.post(url, data or {}, content_type="application/json", **auth(user))


@pytest.fixture
def admin(db):
    return make_user("admin@ngo.example")


@pytest.fixture
def organisation(admin):
    return make_organisation(admin, name="Open Net Watch", country="KE")


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_the_page(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(12):
        organisation = make_organisation(name=f"Org {i:02d}", country="KE")
        organisation.memberships.create(user=make_user(f"p{i}@example.org"))
    counts = []
    for size in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/organisations", {"page_size": size}).json()
        assert len(body["items"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_list_is_paginated_filtered_and_pinned(client, django_assert_max_num_queries):
    for i in range(12):
        make_organisation(name=f"Org {i:02d}", country="KE" if i % 2 else "FR")
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/organisations", {"region": "african", "page_size": 4}).json()
    assert body["count"] == 6 and body["pages"] == 2 and len(body["items"]) == 4
    assert client.get("/api/v1/organisations", {"kind": "pirates"}).status_code == 422


@pytest.mark.django_db
def test_register_and_edit_through_the_api(client, stakeholder):
    response = post(
        client,
        "/api/v1/organisations",
        stakeholder,
        {"name": "Lab", "kind": "academia", "country": "br"},
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    assert response.json()["region"] == "grulac"
    patched = client.patch(
        f"/api/v1/organisations/{pk}",
        {"acronym": "LB"},
        content_type="application/json",
        **auth(stakeholder),
    )
    assert patched.status_code == 200 and patched.json()["acronym"] == "LB"


@pytest.mark.django_db
def test_a_duplicate_is_409_with_a_link(client, stakeholder, organisation):
    response = post(
        client,
        "/api/v1/organisations",
        stakeholder,
        {"name": "open net watch", "kind": "ngo", "country": "KE"},
    )
    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"field": "name", "message": f"/api/v1/organisations/{organisation.public_id}"}
    ]


@pytest.mark.django_db
def test_bad_organisation_input_is_422_and_writes_nothing(client, stakeholder):
    response = post(
        client,
        "/api/v1/organisations",
        stakeholder,
        {"name": "", "kind": "ngo", "country": "ZZZ", "thematic_areas": ["nope"]},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"name", "country"}
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_others_cannot_patch_or_verify(client, organisation, stakeholder, admin):
    response = client.patch(
        f"/api/v1/organisations/{organisation.public_id}",
        {"name": "Hijack"},
        content_type="application/json",
        **auth(stakeholder),
    )
    assert response.status_code == 403
    response = client.patch(
        f"/api/v1/organisations/{organisation.public_id}",
        {"ecosoc_verified_at": "2024-01-01"},
        content_type="application/json",
        **auth(admin),
    )
    assert response.status_code == 403
    assert (
        client.patch(
            f"/api/v1/organisations/{organisation.public_id}",
            {"name": "x"},
            content_type="application/json",
        ).status_code
        == 401
    )


@pytest.mark.django_db
def test_pipeline_through_the_api(
    client, process, admin, organisation, process_secretariat, delegate
):
    created = post(
        client,
        f"/api/v1/processes/{process.slug}/applications",
        admin,
        {"organisation_id": organisation.public_id, "statement": "Our work."},
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert post(client, f"/api/v1/applications/{pk}/submit", admin).json()["state"] == "submitted"
    conflict = post(client, f"/api/v1/applications/{pk}/circulate", process_secretariat)
    assert conflict.status_code == 409
    assert conflict.json()["errors"] == [{"field": "action", "message": "withdraw, return, review"}]
    post(client, f"/api/v1/applications/{pk}/review", process_secretariat)
    deadline = (timezone.now().date() + timedelta(days=5)).isoformat()
    body = post(
        client, f"/api/v1/applications/{pk}/circulate", process_secretariat, {"deadline": deadline}
    ).json()
    assert body["state"] == "circulated" and body["deadline"] == deadline
    objection = post(
        client, f"/api/v1/applications/{pk}/objections", delegate, {"basis": "B", "disclose": False}
    )
    assert objection.status_code == 201
    assert client.get(f"/api/v1/applications/{pk}", **auth(admin)).json()["state"] == "objected"
    withdrawn = post(client, f"/api/v1/objections/{objection.json()['id']}/withdraw", delegate)
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn"] is True


@pytest.mark.django_db
def test_objection_after_the_deadline_is_409_with_the_deadline(
    client, process, organisation, delegate, monkeypatch
):
    application = make_application(process, organisation, state="circulated")
    later = timezone.now() + timedelta(days=20)
    monkeypatch.setattr("stakeholders.services.accreditation.timezone.now", lambda: later)
    response = post(
        client, f"/api/v1/applications/{application.pk}/objections", delegate, {"basis": "late"}
    )
    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"field": "deadline", "message": application.deadline.isoformat()}
    ]


@pytest.mark.django_db
def test_decide_takes_a_decision_and_a_reason(client, process, process_secretariat):
    organisation = make_organisation(
        name="ECOSOC org", ecosoc_status="special", ecosoc_verified_at=timezone.now().date()
    )
    application = make_application(process, organisation, state="under_review")
    bad = post(
        client,
        f"/api/v1/applications/{application.pk}/decide",
        process_secretariat,
        {"decision": "maybe"},
    )
    assert bad.status_code == 422
    ok = post(
        client,
        f"/api/v1/applications/{application.pk}/decide",
        process_secretariat,
        {"decision": "accredited", "reason": ""},
    )
    assert ok.json()["state"] == "accredited"
    listed = client.get(f"/api/v1/processes/{process.slug}/accredited").json()
    assert [i["name"] for i in listed["items"]] == ["ECOSOC org"]


@pytest.mark.django_db
def test_applications_are_hidden_from_outsiders_in_the_api(
    client, process, organisation, stakeholder, other_secretariat
):
    application = make_application(process, organisation, state="submitted")
    for user in (stakeholder, other_secretariat):
        assert client.get(f"/api/v1/applications/{application.pk}", **auth(user)).status_code == 404
    assert client.get(f"/api/v1/applications/{application.pk}").status_code == 401


@pytest.mark.django_db
def test_only_members_apply_for_their_organisation(client, process, organisation, stakeholder):
    response = post(
        client,
        f"/api/v1/processes/{process.slug}/applications",
        stakeholder,
        {"organisation_id": organisation.public_id},
    )
    assert response.status_code == 403
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_applicant_does_not_learn_of_objections_where_the_process_keeps_them(
    client, process, admin, organisation, delegate
):
    from stakeholders.services import record_objection, update_accreditation_settings

    update_accreditation_settings(process, actor=None, objection_transparency="secretariat")
    application = make_application(process, organisation, state="circulated")
    record_objection(application, actor=delegate, member_state="US", basis="secret", disclose=True)
    body = client.get(f"/api/v1/applications/{application.pk}", **auth(admin)).json()
    assert body["state"] == "circulated" and body["objections"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["query", "body"])
def test_a_nul_character_is_refused_with_the_error_shape(client, stakeholder, how):
    if how == "query":
        response = client.get("/api/v1/organisations", {"q": "a\x00b"})
    else:
        response = post(
            client,
            "/api/v1/organisations",
            stakeholder,
            {"name": "Bad\u0000Name", "kind": "ngo", "country": "FR"},
        )
    # api/middleware.py refuses NUL in every body, query and path before ninja reads it.
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Organisation.objects.filter(name__startswith="Bad").exists()


@pytest.mark.django_db
def test_patch_with_nulls_changes_nothing_and_does_not_fail(client, organisation, admin):
    response = client.patch(
        f"/api/v1/organisations/{organisation.public_id}",
        {"name": None, "country": None, "website": None},
        content_type="application/json",
        **auth(admin),
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Open Net Watch"


@pytest.mark.django_db
def test_statement_and_documents_through_the_api(client, process, admin, organisation):
    import io

    from pypdf import PdfWriter

    application = make_application(process, organisation, statement="")
    edited = client.patch(
        f"/api/v1/applications/{application.pk}",
        {"statement": "Our work."},
        content_type="application/json",
        **auth(admin),
    )
    assert edited.json()["statement"] == "Our work."
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    buffer.name = "report.pdf"
    buffer.seek(0)
    uploaded = client.post(
        f"/api/v1/applications/{application.pk}/documents", {"file": buffer}, **auth(admin)
    )
    assert uploaded.status_code == 201 and uploaded.json()["documents"] == ["report.pdf"]
    bad = io.BytesIO(b"not a pdf")
    bad.name = "cv.pdf"
    refused = client.post(
        f"/api/v1/applications/{application.pk}/documents", {"file": bad}, **auth(admin)
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "file"


@pytest.mark.django_db
def test_process_applications_list_for_staff_and_delegates_only(
    client, process, organisation, process_secretariat, delegate, stakeholder, other_secretariat
):
    make_application(process, organisation, state="under_review")
    make_application(process, make_organisation(name="Circ", country="FR"), state="circulated")
    url = f"/api/v1/processes/{process.slug}/applications"
    assert client.get(url, **auth(process_secretariat)).json()["count"] == 2
    assert [i["organisation"] for i in client.get(url, **auth(delegate)).json()["items"]] == [
        "Circ"
    ]
    for user in (stakeholder, other_secretariat):
        assert client.get(url, **auth(user)).status_code == 403


@pytest.mark.django_db
def test_accredited_list_of_an_unknown_process_is_a_documented_404(client):
    # Found by the fuzzer (tests/test_fuzz.py): the 404 was answered but not in the schema.
    response = client.get("/api/v1/processes/no-such-process/accredited")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}
    schema = client.get("/api/v1/openapi.json").json()
    answers = schema["paths"]["/api/v1/processes/{slug}/accredited"]["get"]["responses"]
    assert answers["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }


@pytest.mark.django_db
def test_protection_settings_are_returned_to_those_who_may_set_them(
    client, organisation, admin, stakeholder, platform_secretariat, process_secretariat
):
    url = f"/api/v1/organisations/{organisation.public_id}"
    body = client.patch(
        url, {"at_risk": True}, content_type="application/json", **auth(admin)
    ).json()
    assert (body["at_risk"], body["public_as_region"]) == (True, False)
    for who in (admin, platform_secretariat):
        body = client.get(url, **auth(who)).json()
        assert (body["at_risk"], body["public_as_region"]) == (True, False)
        listed = client.get("/api/v1/organisations", **auth(who)).json()["items"]
        assert [o["at_risk"] for o in listed if o["id"] == organisation.public_id] == [True]
    # Anyone else learns nothing from the field: null, as for an organisation not at risk.
    for headers in ({}, auth(stakeholder), auth(process_secretariat)):
        body = client.get(url, **headers).json()
        assert (body["at_risk"], body["public_as_region"]) == (None, None)
        listed = client.get("/api/v1/organisations", **headers).json()["items"]
        assert {o["at_risk"] for o in listed} == {None}


@pytest.mark.django_db
def test_list_stays_pinned_for_an_administrator_of_several(client, admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(12):
        make_organisation(admin if i % 2 else None, name=f"Org {i:02d}", country="KE")
    counts = []
    for size in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/organisations", {"page_size": size}, **auth(admin)).json()
        assert len(body["items"]) == size
        assert {o["at_risk"] for o in body["items"]} == {False, None}
        counts.append(len(queries))
    assert counts[0] == counts[1]
