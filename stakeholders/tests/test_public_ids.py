"""Organisations are named in URLs and the API by a random id, never by their sequential key."""

import json

import pytest
from django.urls import reverse

from stakeholders import services
from stakeholders.models import PUBLIC_ID_ALPHABET, Organisation
from tests.builders import make_application, make_organisation, make_token, make_user

pytestmark = pytest.mark.django_db


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {make_token(user)}"}


@pytest.fixture
def admin(db):
    return make_user("admin@ngo.example")


@pytest.fixture
def hidden(admin):
    return make_organisation(
        admin, name="Hidden Voices Network", country="SY", public_as_region=True
    )


def test_every_organisation_gets_its_own_random_public_id(hidden):
    others = [make_organisation(name=f"Org {n}", country="FR") for n in range(5)]
    ids = [o.public_id for o in [hidden, *others]]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 12 and set(i) <= set(PUBLIC_ID_ALPHABET) for i in ids)
    assert not any(i.isdecimal() for i in ids)


def test_the_profile_and_its_pages_are_found_by_public_id_only(client, login, admin, hidden):
    url = reverse("stakeholders:organisation_detail", args=[hidden.public_id])
    assert url == f"/organisations/{hidden.public_id}/"
    assert client.get(url).status_code == 200
    assert client.get(f"/organisations/{hidden.pk}/").status_code == 404
    page = login(admin).get(url).text
    assert f"/organisations/{hidden.public_id}/edit/" in page
    assert f"/organisations/{hidden.public_id}/people/" in page
    assert login(admin).get(f"/organisations/{hidden.pk}/edit/").status_code == 404


def test_the_directory_and_its_exports_link_by_public_id(client, hidden):
    page = client.get(reverse("stakeholders:directory")).text
    assert f"/organisations/{hidden.public_id}/" in page
    assert f"/organisations/{hidden.pk}/" not in page
    rows = json.loads(client.get(reverse("stakeholders:directory_export", args=["json"])).text)
    rows = rows if isinstance(rows, list) else rows.get("rows", rows)
    assert hidden.public_id in json.dumps(rows)


def test_the_api_names_organisations_by_public_id(client, admin, hidden):
    body = client.get(f"/api/v1/organisations/{hidden.public_id}").json()
    assert body["id"] == hidden.public_id
    assert client.get(f"/api/v1/organisations/{hidden.pk}").status_code == 404
    listing = client.get("/api/v1/organisations").json()
    assert [item["id"] for item in listing["items"]] == [hidden.public_id]
    patched = client.patch(
        f"/api/v1/organisations/{hidden.public_id}",
        {"acronym": "HVN"},
        content_type="application/json",
        **auth(admin),
    )
    assert patched.status_code == 200 and patched.json()["id"] == hidden.public_id


def test_applications_name_their_organisation_by_public_id(client, process, admin):
    organisation = make_organisation(admin, name="Open Net Watch", country="KE")
    response = client.post(
        f"/api/v1/processes/{process.slug}/applications",
        {"organisation_id": organisation.public_id, "statement": "s"},
        content_type="application/json",
        **auth(admin),
    )
    assert response.status_code == 201
    assert response.json()["organisation_id"] == organisation.public_id
    refused = client.post(
        f"/api/v1/processes/{process.slug}/applications",
        {"organisation_id": str(organisation.pk), "statement": "s"},
        content_type="application/json",
        **auth(admin),
    )
    assert refused.status_code == 404


def test_accredited_lists_name_organisations_by_public_id(client, process):
    organisation = make_organisation(name="Open Net Watch", country="KE")
    make_application(process, organisation, state="accredited")
    items = client.get(f"/api/v1/processes/{process.slug}/accredited").json()["items"]
    assert [i["organisation_id"] for i in items] == [organisation.public_id]
    page = client.get(reverse("stakeholders:accreditation", args=[process.slug])).text
    assert f"/organisations/{organisation.public_id}/" in page
    export = client.get(
        reverse("stakeholders:accredited_export", args=[process.slug, "csv"])
    ).content.decode("utf-8-sig")
    assert organisation.public_id in export


def test_a_duplicate_links_to_the_existing_one_by_public_id(client, login, stakeholder):
    existing = make_organisation(name="Open Net Watch", country="KE")
    response = client.post(
        "/api/v1/organisations",
        {"name": "open net watch", "kind": "ngo", "country": "KE"},
        content_type="application/json",
        **auth(stakeholder),
    )
    assert response.json()["errors"][0]["message"] == f"/api/v1/organisations/{existing.public_id}"


def test_applying_and_carrying_over_name_the_organisation_by_public_id(login, process, admin):
    organisation = make_organisation(admin, name="Open Net Watch", country="KE")
    client = login(admin)
    form = client.get(reverse("stakeholders:apply", args=[process.slug])).text
    assert f'value="{organisation.public_id}"' in form
    response = client.post(
        reverse("stakeholders:apply", args=[process.slug]),
        {"organisation": organisation.public_id, "statement": "We work on it."},
    )
    assert response.status_code == 302
    assert organisation.applications.count() == 1


def test_the_hidden_ones_are_not_ordered_by_age(client):
    # Listed last, in an order drawn from their random ids, not from when they registered.
    hidden = [
        make_organisation(name=f"Hidden {n}", country="SY", public_as_region=True) for n in range(6)
    ]
    rows = client.get(reverse("stakeholders:directory")).context["rows"]
    listed = [r["organisation"].pk for r in rows]
    assert listed == [o.pk for o in sorted(hidden, key=lambda o: o.public_id)]


def test_the_public_id_cannot_be_changed_through_the_services(admin, hidden):
    before = hidden.public_id
    with pytest.raises(TypeError):
        services.update_organisation(hidden, actor=admin, public_id="chosen")
    assert Organisation.objects.get(pk=hidden.pk).public_id == before


def test_objections_are_named_by_a_random_id_that_counts_nothing(client, login, process, delegate):
    # A State reading its own objections' ids must not learn how many others were lodged.
    application = make_application(process, make_organisation(), state="circulated")
    lodged = client.post(
        f"/api/v1/applications/{application.pk}/objections",
        {"basis": "B"},
        content_type="application/json",
        **auth(delegate),
    ).json()
    objection = application.objections.get()
    assert lodged["id"] == objection.public_id and not str(lodged["id"]).isdecimal()
    assert (
        client.post(f"/api/v1/objections/{objection.pk}/withdraw", **auth(delegate)).status_code
        == 404
    )
    page = login(delegate).get(reverse("stakeholders:application_detail", args=[application.pk]))
    assert f"/objections/{objection.public_id}/withdraw/" in page.text
    withdrawn = client.post(f"/api/v1/objections/{objection.public_id}/withdraw", **auth(delegate))
    assert withdrawn.status_code == 200 and withdrawn.json()["id"] == objection.public_id
