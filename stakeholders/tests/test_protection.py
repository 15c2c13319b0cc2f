"""People at risk: their names appear nowhere outside the secretariat, path by path."""

import json

import pytest
from django.urls import reverse

from accounts.services import create_api_token
from stakeholders import services
from tests.builders import make_application, make_organisation, make_user

SECRET_NAME = "Amina Protected"
OPEN_NAME = "Omar Visible"


@pytest.fixture
def admin(db):
    user = make_user("admin@ngo.example")
    user.display_name = "Org Admin"
    user.save()
    return user


@pytest.fixture
def at_risk_org(admin):
    organisation = make_organisation(admin, name="Digital Rights Collective", country="EG")
    person = make_user("amina@ngo.example")
    person.display_name = SECRET_NAME
    person.save()
    organisation.memberships.create(user=person, role="representative")
    services.update_organisation(organisation, actor=admin, at_risk=True)
    return organisation


@pytest.fixture
def at_risk_person_org(db):
    organisation = make_organisation(name="Cyber Law Clinic", country="KE", kind="academia")
    for email, name, risk in (
        ("amina@clinic.example", SECRET_NAME, True),
        ("omar@clinic.example", OPEN_NAME, False),
    ):
        user = make_user(email)
        user.display_name, user.at_risk = name, risk
        user.save()
        organisation.memberships.create(user=user, role="representative")
    return organisation


@pytest.fixture
def anonymised_org(admin):
    return make_organisation(
        admin, name="Hidden Voices Network", country="SY", at_risk=True, public_as_region=True
    )


def viewers(request, *names):
    return [request.getfixturevalue(n) if n != "anonymous" else None for n in names]


OUTSIDERS = ["anonymous", "stakeholder", "delegate", "process_secretariat_of_nothing"]


@pytest.fixture
def process_secretariat_of_nothing(db):
    # Any secretariat grant makes its holder secretariat, so the "outsider" here is a moderator.
    return make_user("moderator@example.org", role="moderator")


def get_as(client, login, user, url, **extra):
    if user is not None:
        client = login(user)
    return client.get(url, **extra)


@pytest.mark.django_db
@pytest.mark.parametrize("who", OUTSIDERS)
def test_organisation_page_hides_protected_names_from_outsiders(
    request, client, login, who, at_risk_org, at_risk_person_org
):
    (user,) = viewers(request, who)
    page = get_as(
        client, login, user, reverse("stakeholders:organisation_detail", args=[at_risk_org.pk])
    )
    assert SECRET_NAME not in page.text and "Org Admin" not in page.text
    page = get_as(
        client,
        login,
        user,
        reverse("stakeholders:organisation_detail", args=[at_risk_person_org.pk]),
    )
    assert SECRET_NAME not in page.text and OPEN_NAME in page.text


@pytest.mark.django_db
def test_secretariat_and_own_admin_see_protected_names(
    client, login, platform_secretariat, admin, at_risk_org
):
    url = reverse("stakeholders:organisation_detail", args=[at_risk_org.pk])
    assert SECRET_NAME in login(platform_secretariat).get(url).text
    assert SECRET_NAME in login(admin).get(url).text


@pytest.mark.django_db
@pytest.mark.parametrize("who", OUTSIDERS)
def test_api_hides_protected_names(request, client, who, at_risk_org, at_risk_person_org):
    (user,) = viewers(request, who)
    headers = {}
    if user is not None:
        _t, raw = create_api_token(user, actor=user, name="t")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    for org in (at_risk_org, at_risk_person_org):
        body = client.get(f"/api/v1/organisations/{org.pk}", **headers).text
        assert SECRET_NAME not in body
    listing = client.get("/api/v1/organisations?page_size=100", **headers).text
    assert SECRET_NAME not in listing
    assert OPEN_NAME in listing


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_exports_carry_no_person_and_no_anonymised_name(
    client, fmt, at_risk_org, at_risk_person_org, anonymised_org
):
    response = client.get(reverse("stakeholders:directory_export", args=[fmt]))
    assert response.status_code == 200
    content = response.content
    if fmt == "xlsx":
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content)).active
        content = json.dumps(
            [[c for c in row] for row in sheet.iter_rows(values_only=True)]
        ).encode()
    text = content.decode("utf-8-sig")
    assert SECRET_NAME not in text and OPEN_NAME not in text
    assert "Hidden Voices Network" not in text
    assert "An organisation based in Asia and the Pacific" in text
    assert "Digital Rights Collective" in text


@pytest.mark.django_db
@pytest.mark.parametrize("who", OUTSIDERS)
def test_search_never_finds_a_protected_person_or_an_anonymised_name(
    request, client, login, who, at_risk_org, at_risk_person_org, anonymised_org
):
    (user,) = viewers(request, who)
    url = reverse("stakeholders:directory")
    assert "Cyber Law Clinic" not in get_as(client, login, user, url, data={"q": "Amina"}).text
    assert "Cyber Law Clinic" in get_as(client, login, user, url, data={"q": "Omar"}).text
    assert (
        "An organisation based in"
        not in get_as(client, login, user, url, data={"q": "Hidden"}).text
    )
    api = client.get("/api/v1/organisations", {"q": "Amina"}).json()
    assert api["count"] == 0


@pytest.mark.django_db
def test_the_secretariat_finds_protected_people(login, platform_secretariat, at_risk_person_org):
    page = login(platform_secretariat).get(reverse("stakeholders:directory"), {"q": "Amina"})
    assert "Cyber Law Clinic" in page.text


@pytest.mark.django_db
def test_anonymised_organisation_shows_only_its_region(client, anonymised_org):
    page = client.get(reverse("stakeholders:organisation_detail", args=[anonymised_org.pk])).text
    assert "Hidden Voices Network" not in page
    assert "An organisation based in Asia and the Pacific" in page
    body = client.get(f"/api/v1/organisations/{anonymised_org.pk}").json()
    assert body["anonymised"] is True and body["country"] == "" and "Hidden" not in json.dumps(body)


@pytest.mark.django_db
def test_delegates_dossiers_hide_protected_people(
    login, process, delegate, at_risk_org, at_risk_person_org
):
    for organisation in (at_risk_org, at_risk_person_org):
        application = make_application(process, organisation, state="circulated")
        page = login(delegate).get(
            reverse("stakeholders:application_detail", args=[application.pk])
        )
        assert page.status_code == 200
        assert SECRET_NAME not in page.text


@pytest.mark.django_db
def test_gender_is_never_shown_publicly(client, at_risk_person_org):
    member = at_risk_person_org.memberships.get(user__display_name=OPEN_NAME).user
    member.gender = "non_binary"
    member.save()
    page = client.get(
        reverse("stakeholders:organisation_detail", args=[at_risk_person_org.pk])
    ).text
    api = client.get(f"/api/v1/organisations/{at_risk_person_org.pk}").text
    export = client.get(reverse("stakeholders:directory_export", args=["json"])).text
    for text in (page, api, export):
        assert "non_binary" not in text and "Non-binary" not in text


@pytest.mark.django_db
def test_an_anonymised_organisation_is_listed_last_not_at_its_initial(client, anonymised_org):
    make_organisation(name="Zeta Rights", country="FR")
    rows = client.get(reverse("stakeholders:directory")).context["rows"]
    assert [r["anonymised"] for r in rows] == [False, True]


@pytest.mark.django_db
def test_public_objections_do_not_name_an_anonymised_organisation(
    client, process, anonymised_org, delegate
):
    services.update_accreditation_settings(process, actor=None, objection_transparency="public")
    application = make_application(process, anonymised_org, state="circulated")
    services.record_objection(
        application, actor=delegate, member_state="US", basis="b", disclose=True
    )
    page = client.get(reverse("stakeholders:accreditation", args=[process.slug])).text
    assert "Hidden Voices Network" not in page
    assert "An organisation based in Asia and the Pacific" in page
