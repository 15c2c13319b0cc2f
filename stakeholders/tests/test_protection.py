"""People at risk: their names appear nowhere outside the secretariat, path by path."""

import json
from datetime import date

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
        client,
        login,
        user,
        reverse("stakeholders:organisation_detail", args=[at_risk_org.public_id]),
    )
    assert SECRET_NAME not in page.text and "Org Admin" not in page.text
    page = get_as(
        client,
        login,
        user,
        reverse("stakeholders:organisation_detail", args=[at_risk_person_org.public_id]),
    )
    assert SECRET_NAME not in page.text and OPEN_NAME in page.text


@pytest.mark.django_db
def test_secretariat_and_own_admin_see_protected_names(
    client, login, platform_secretariat, admin, at_risk_org
):
    url = reverse("stakeholders:organisation_detail", args=[at_risk_org.public_id])
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
        body = client.get(f"/api/v1/organisations/{org.public_id}", **headers).text
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
    page = client.get(
        reverse("stakeholders:organisation_detail", args=[anonymised_org.public_id])
    ).text
    assert "Hidden Voices Network" not in page
    assert "An organisation based in Asia and the Pacific" in page
    body = client.get(f"/api/v1/organisations/{anonymised_org.public_id}").json()
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
        reverse("stakeholders:organisation_detail", args=[at_risk_person_org.public_id])
    ).text
    api = client.get(f"/api/v1/organisations/{at_risk_person_org.public_id}").text
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


# Organisations shown only by region: nothing hidden may be filtered or sorted on -----------------


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"country": "SY"}, {"ecosoc_status": "none"}, {"q": "Voices"}])
def test_hidden_attributes_cannot_find_an_anonymised_organisation(client, anonymised_org, params):
    page = client.get(reverse("stakeholders:directory"), params)
    assert all(not r["anonymised"] for r in page.context["rows"])
    api = client.get("/api/v1/organisations", params).json()
    assert all(not item["anonymised"] for item in api["items"])


@pytest.mark.django_db
def test_an_area_or_an_acronym_does_not_find_an_anonymised_organisation(client, admin):
    area = services.create_thematic_area(actor=None, slug="surveillance", name="Surveillance")
    make_organisation(
        admin,
        name="Hidden Voices Network",
        acronym="HVN",
        country="SY",
        public_as_region=True,
        thematic_areas=[area],
    )
    for params in ({"area": "surveillance"}, {"q": "HVN"}):
        assert client.get("/api/v1/organisations", params).json()["count"] == 0
        export = client.get(reverse("stakeholders:directory_export", args=["json"]), params)
        assert "An organisation based in" not in export.text


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["name", "-name", "country", "kind", "newest"])
def test_every_sort_lists_anonymised_organisations_last(client, anonymised_org, sort):
    for name, country in (("Alpha", "AF"), ("Zed", "ZW"), ("Syrian Centre", "SY")):
        make_organisation(name=name, country=country)
    rows = client.get(reverse("stakeholders:directory"), {"sort": sort}).context["rows"]
    assert [r["anonymised"] for r in rows] == [False, False, False, True]


@pytest.mark.django_db
def test_searching_a_representative_does_not_find_an_anonymised_organisation(
    client, anonymised_org
):
    person = make_user("layla@hidden.example")
    person.display_name = "Layla Open"
    person.save()
    anonymised_org.memberships.create(user=person)
    assert client.get("/api/v1/organisations", {"q": "Layla"}).json()["count"] == 0


# A guess of the name of an organisation shown only by region must get the answer a new name gets --


HIDDEN_NAME = "Hidden Voices Network"


def _register_by_api(client, user, name, country="SY"):
    return client.post(
        "/api/v1/organisations",
        {"name": name, "kind": "ngo", "country": country},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {create_api_token(user, actor=user, name='t')[1]}",
    )


@pytest.mark.django_db
def test_a_right_guess_registers_through_the_api_exactly_like_a_new_name(
    client, stakeholder, anonymised_org
):
    guess = _register_by_api(client, stakeholder, HIDDEN_NAME.lower())
    fresh = _register_by_api(client, stakeholder, "Some Brand New Network")
    assert guess.status_code == fresh.status_code == 201
    assert guess.json().keys() == fresh.json().keys()
    assert guess.json()["name"] == HIDDEN_NAME.lower() and guess.json()["anonymised"] is False


@pytest.mark.django_db
def test_a_right_guess_registers_through_the_form_exactly_like_a_new_name(
    login, stakeholder, anonymised_org
):
    client = login(stakeholder)
    post = {"kind": "ngo", "country": "SY", "ecosoc_status": "none"}
    guess = client.post(reverse("stakeholders:organisation_create"), {**post, "name": HIDDEN_NAME})
    fresh = client.post(reverse("stakeholders:organisation_create"), {**post, "name": "New One"})
    assert guess.status_code == fresh.status_code == 302
    page = client.get(guess["Location"]).text
    assert reverse("stakeholders:organisation_detail", args=[anonymised_org.public_id]) not in page
    assert "already registered" not in page


@pytest.mark.django_db
def test_renaming_to_a_right_guess_is_saved_like_any_new_name(client, anonymised_org):
    admin = make_user("other.admin@example.org")
    mine = make_organisation(admin, name="Guessers", country="SY")
    response = client.patch(
        f"/api/v1/organisations/{mine.public_id}",
        {"name": HIDDEN_NAME},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {create_api_token(admin, actor=admin, name='t')[1]}",
    )
    assert response.status_code == 200 and response.json()["name"] == HIDDEN_NAME


@pytest.mark.django_db
def test_a_duplicate_the_caller_may_see_by_name_is_still_refused_with_a_link(
    client, admin, anonymised_org
):
    # Its own administrator sees the name, so is told it exists, as for any organisation.
    response = _register_by_api(client, admin, HIDDEN_NAME)
    assert response.status_code == 409
    assert response.json()["errors"][0]["message"].endswith(f"/{anonymised_org.public_id}")


@pytest.mark.django_db
def test_a_public_twin_does_not_lock_the_hidden_organisation_out_of_its_profile(
    stakeholder, admin, anonymised_org
):
    twin = make_organisation(stakeholder, name=HIDDEN_NAME, country="SY")
    services.update_organisation(anonymised_org, actor=admin, description="Still ours.")
    services.update_organisation(twin, actor=stakeholder, description="Ours too.")
    # Going public under a name another public organisation holds is refused, naming that one.
    with pytest.raises(services.organisations.DuplicateOrganisation) as caught:
        services.update_organisation(anonymised_org, actor=admin, public_as_region=False)
    assert caught.value.existing == twin


@pytest.mark.django_db
def test_the_secretariat_is_told_of_a_possible_duplicate_at_review(
    login, process, stakeholder, platform_secretariat, other_secretariat, anonymised_org
):
    twin = make_organisation(stakeholder, name=HIDDEN_NAME, country="SY")
    application = make_application(process, twin, state="submitted")
    url = reverse("stakeholders:application_detail", args=[application.pk])
    hidden_link = reverse("stakeholders:organisation_detail", args=[anonymised_org.public_id])
    page = login(platform_secretariat).get(url).text
    assert "Possible duplicate" in page and hidden_link in page
    profile = login(platform_secretariat).get(
        reverse("stakeholders:organisation_detail", args=[twin.public_id])
    )
    assert hidden_link in profile.text
    # Neither the applicant nor staff who may not see the hidden name are told.
    for viewer in (stakeholder, other_secretariat):
        for path in (url, reverse("stakeholders:organisation_detail", args=[twin.public_id])):
            text = login(viewer).get(path).text
            assert "Possible duplicate" not in text and hidden_link not in text


@pytest.mark.django_db
def test_delegates_read_the_applicants_name_in_its_dossier_but_never_protected_people(
    login, process, delegate, anonymised_org
):
    person = make_user("r@hidden.example")
    person.display_name = SECRET_NAME
    person.save()
    anonymised_org.memberships.create(user=person)
    application = make_application(process, anonymised_org, state="circulated")
    page = login(delegate).get(reverse("stakeholders:application_detail", args=[application.pk]))
    assert "Hidden Voices Network" in page.text
    assert SECRET_NAME not in page.text


@pytest.mark.django_db
def test_staff_of_an_unrelated_process_do_not_see_protected_names(
    login, at_risk_org, other_secretariat, process
):
    url = reverse("stakeholders:organisation_detail", args=[at_risk_org.public_id])
    assert SECRET_NAME not in login(other_secretariat).get(url).text
    staff = make_user("staff.of.applied@example.org", role="secretariat", process=process)
    make_application(process, at_risk_org)
    assert SECRET_NAME in login(staff).get(url).text


# Where objections stay with the secretariat, the applicant learns nothing of them ----------------


@pytest.fixture
def secret_objection(process, admin, delegate, django_capture_on_commit_callbacks, mailoutbox):
    services.update_accreditation_settings(
        process, actor=None, objection_transparency="secretariat"
    )
    organisation = make_organisation(admin, name="Quiet Org", country="FR")
    application = make_application(process, organisation, state="circulated")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        objection = services.record_objection(
            application, actor=delegate, member_state="US", basis="secret basis", disclose=True
        )
        services.withdraw_objection(objection, actor=delegate)
        services.record_objection(
            application, actor=delegate, member_state="US", basis="again", disclose=True
        )
    return application


@pytest.mark.django_db
def test_no_email_tells_the_applicant_of_a_secret_objection(secret_objection, mailoutbox):
    assert all(
        "objection" not in m.body.lower() and "objected" not in m.body.lower() for m in mailoutbox
    )


@pytest.mark.django_db
def test_the_applicants_view_of_the_steps_gives_nothing_away(
    client, login, admin, secret_objection
):
    _t, raw = create_api_token(admin, actor=admin, name="t")
    body = client.get(
        f"/api/v1/applications/{secret_objection.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    ).json()
    assert body["state"] == "circulated" and body["allowed_actions"] == ["withdraw"]
    refused = client.post(
        f"/api/v1/applications/{secret_objection.pk}/submit",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert refused.status_code == 409
    assert "bject" not in refused.text and "decide" not in refused.text


@pytest.mark.django_db
def test_a_second_objection_is_told_where_the_process_allows(
    process, admin, delegate, mailoutbox, django_capture_on_commit_callbacks
):
    organisation = make_organisation(admin, name="Told Org", country="FR")
    application = make_application(process, organisation, state="circulated")
    other = make_user("do@example.org", role="delegate", member_state="DO")
    with django_capture_on_commit_callbacks(execute=True):
        services.record_objection(
            application, actor=delegate, member_state="US", basis="a", disclose=True
        )
        services.record_objection(
            application, actor=other, member_state="DO", basis="b", disclose=True
        )
    assert sum("objected" in m.body for m in mailoutbox) == 2


@pytest.mark.django_db
def test_a_removed_member_hears_no_more(
    process, admin, django_capture_on_commit_callbacks, mailoutbox
):
    organisation = make_organisation(admin, name="Moving Org", country="FR")
    starter = make_user("starter@example.org")
    membership = organisation.memberships.create(user=starter)
    application = services.create_application(
        process, actor=starter, organisation=organisation, statement="s"
    )
    services.remove_member(membership, actor=admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application, actor=admin)
    assert all("starter@example.org" not in m.to for m in mailoutbox)


# Drafts stay with their staff ---------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_about_a_draft_process_reaches_the_public_or_delegates(
    client, login, delegate, draft_process
):
    organisation = make_organisation(
        name="Drafted Org", ecosoc_status="general", ecosoc_verified_at=date(2024, 1, 1)
    )
    make_application(draft_process, organisation, state="accredited")
    application = make_application(
        draft_process, make_organisation(name="Circ", country="FR"), state="circulated"
    )
    assert (
        draft_process.slug
        not in client.get(reverse("stakeholders:directory_export", args=["json"])).text
    )
    assert (
        draft_process.slug not in client.get(f"/api/v1/organisations/{organisation.public_id}").text
    )
    assert (
        client.get("/api/v1/organisations", {"accredited_to": draft_process.slug}).json()["count"]
        == 0
    )
    assert (
        login(delegate)
        .get(reverse("stakeholders:application_detail", args=[application.pk]))
        .status_code
        == 404
    )
