import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from stakeholders.models import Application, Objection, Organisation, ThematicArea
from tests.builders import make_application, make_organisation, make_user

ORG_POST = {
    "name": "Tech Policy Lab",
    "acronym": "TPL",
    "kind": "academia",
    "country": "BR",
    "website": "https://tpl.example",
    "description": "We *study* cybercrime law.",
    "ecosoc_status": "none",
}


def pdf_upload(name="statement.pdf"):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


@pytest.fixture
def admin(db):
    return make_user("admin@ngo.example")


@pytest.fixture
def organisation(admin):
    return make_organisation(admin, name="Open Net Watch", country="KE")


@pytest.fixture
def other_admin(db):
    user = make_user("other@ngo.example")
    make_organisation(user, name="Other Org", country="FR")
    return user


# Directory ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_directory_filters_sorts_and_pins_its_queries(client, django_assert_max_num_queries):
    for i, (country, kind) in enumerate([("KE", "ngo"), ("FR", "academia"), ("BR", "private")] * 5):
        make_organisation(name=f"Org {i:02d}", country=country, kind=kind)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("stakeholders:directory"), {"region": "african", "sort": "-name"})
    assert page.status_code == 200
    names = [r["organisation"].name for r in page.context["rows"]]
    assert names == sorted(names, reverse=True) and len(names) == 5


@pytest.mark.django_db
def test_directory_bad_filters_are_explained(client):
    page = client.get(reverse("stakeholders:directory"), {"kind": "pirates"})
    assert page.status_code == 400
    assert "Select a valid choice" in page.text


@pytest.mark.django_db
def test_directory_filters_by_accreditation_and_area(client, process):
    area = ThematicArea.objects.create(slug="ransomware", name="Ransomware")
    accredited = make_organisation(
        name="Accredited One", ecosoc_status="general", ecosoc_verified_at=timezone.now().date()
    )
    accredited.thematic_areas.add(area)
    make_application(process, accredited, state="accredited")
    make_organisation(name="Not Accredited", country="FR")
    page = client.get(reverse("stakeholders:directory"), {"accredited_to": process.slug})
    assert "Accredited One" in page.text and "Not Accredited" not in page.text
    page = client.get(reverse("stakeholders:directory"), {"area": "ransomware"})
    assert [r["organisation"].name for r in page.context["rows"]] == ["Accredited One"]


@pytest.mark.django_db
def test_csv_export_neutralises_formulas(client):
    make_organisation(name='=HYPERLINK("http://evil")', country="FR")
    make_organisation(name="@SUM(A1)", country="DE")
    text = client.get(reverse("stakeholders:directory_export", args=["csv"])).content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in text and "'@SUM" in text
    assert "\n=" not in text and ",=" not in text


@pytest.mark.django_db
def test_xlsx_export_stores_formulas_as_text(client):
    from openpyxl import load_workbook

    make_organisation(name="+cmd|' /C calc'!A0", country="FR")
    content = client.get(reverse("stakeholders:directory_export", args=["xlsx"])).content
    sheet = load_workbook(io.BytesIO(content)).active
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("'+")


@pytest.mark.django_db
def test_unknown_export_format_is_not_found(client):
    assert client.get("/organisations/export.exe").status_code == 404


# Registering and editing --------------------------------------------------------------------------


@pytest.mark.django_db
def test_registering_needs_login(client):
    assert client.get(reverse("stakeholders:organisation_create")).status_code == 302


@pytest.mark.django_db
def test_registering_an_organisation(login, stakeholder):
    client = login(stakeholder)
    assert client.get(reverse("stakeholders:organisation_create")).status_code == 200
    response = client.post(reverse("stakeholders:organisation_create"), ORG_POST)
    organisation = Organisation.objects.get(name="Tech Policy Lab")
    assert response["Location"] == reverse(
        "stakeholders:organisation_detail", args=[organisation.public_id]
    )
    assert organisation.region == "grulac"


@pytest.mark.django_db
def test_a_duplicate_is_refused_with_a_link_to_the_existing_one(login, stakeholder):
    existing = make_organisation(name="Tech Policy Lab", country="BR")
    response = login(stakeholder).post(reverse("stakeholders:organisation_create"), ORG_POST)
    assert response.status_code == 400
    assert reverse("stakeholders:organisation_detail", args=[existing.public_id]) in response.text
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_only_the_secretariat_records_ecosoc_verification(
    login, stakeholder, platform_secretariat, organisation, admin
):
    url = reverse("stakeholders:organisation_edit", args=[organisation.public_id])
    data = {
        **ORG_POST,
        "name": organisation.name,
        "country": "KE",
        "ecosoc_status": "special",
        "ecosoc_verified_at": "2024-03-01",
    }
    login(admin).post(url, data)
    organisation.refresh_from_db()
    assert organisation.ecosoc_status == "special" and organisation.ecosoc_verified_at is None
    login(platform_secretariat).post(url, data)
    organisation.refresh_from_db()
    assert str(organisation.ecosoc_verified_at) == "2024-03-01"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["stakeholder", "delegate", "other_admin"])
def test_others_cannot_edit_or_manage_people(request, login, organisation, who):
    client = login(request.getfixturevalue(who))
    for name in ("organisation_edit", "people"):
        assert (
            client.get(reverse(f"stakeholders:{name}", args=[organisation.public_id])).status_code
            == 403
        )
    response = client.post(
        reverse("stakeholders:people", args=[organisation.public_id]),
        {"email": "x@example.org", "role": "admin"},
    )
    assert response.status_code == 403
    assert not organisation.invitations.exists()


@pytest.mark.django_db
def test_admin_invites_and_the_invitee_joins(
    client, login, organisation, admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(admin).post(
            reverse("stakeholders:people", args=[organisation.public_id]),
            {"email": "new@ngo.example", "role": "representative"},
        )
    link = [w for w in mailoutbox[0].body.split() if "/invitations/" in w][0]
    invitee = make_user("new@ngo.example")
    client.force_login(invitee, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert organisation.memberships.filter(user=invitee).exists()


@pytest.mark.django_db
def test_admin_protects_and_removes_people(login, organisation, admin):
    person = make_user("p@ngo.example")
    membership = organisation.memberships.create(user=person)
    client = login(admin)
    client.post(
        reverse("stakeholders:protect_person", args=[organisation.public_id, membership.pk]),
        {"at_risk": "1"},
    )
    person.refresh_from_db()
    assert person.at_risk
    client.post(reverse("stakeholders:remove_person", args=[organisation.public_id, membership.pk]))
    assert not organisation.memberships.filter(user=person).exists()


@pytest.mark.django_db
def test_vocabulary_is_the_platform_secretariats(login, stakeholder, platform_secretariat):
    url = reverse("stakeholders:thematic_areas")
    assert login(stakeholder).get(url).status_code == 403
    client = login(platform_secretariat)
    assert client.post(url, {"slug": "ransomware", "name": "Ransomware"}).status_code == 302
    assert client.post(url, {"slug": "ransomware", "name": "Again"}).status_code == 400
    area = ThematicArea.objects.get()
    client.post(url, {"area": area.pk, "is_active": "0"})
    area.refresh_from_db()
    assert not area.is_active


# Accreditation through the pages ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_whole_pipeline_through_the_pages(
    client, login, process, admin, organisation, process_secretariat, delegate
):
    applicant = login(admin)
    response = applicant.post(
        reverse("stakeholders:apply", args=[process.slug]),
        {"organisation": organisation.public_id, "statement": "Our work."},
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("stakeholders:application_detail", args=[application.pk])
    applicant.post(
        reverse("stakeholders:upload_document", args=[application.pk]), {"file": pdf_upload()}
    )
    assert application.documents.count() == 1
    act = lambda c, action, data=None: c.post(  # noqa: E731
        reverse("stakeholders:application_action", args=[application.pk, action]), data or {}
    )
    act(applicant, "submit")
    staff = login(process_secretariat)
    assert staff.get(reverse("stakeholders:applications", args=[process.slug])).status_code == 200
    act(staff, "review")
    deadline = (timezone.now().date() + timedelta(days=10)).isoformat()
    act(staff, "circulate", {"deadline": deadline})
    application.refresh_from_db()
    assert application.state == "circulated" and application.deadline.isoformat() == deadline
    dele = login(delegate)
    assert dele.get(reverse("stakeholders:applications", args=[process.slug])).status_code == 200
    dele.post(
        reverse("stakeholders:object", args=[application.pk]),
        {"basis": "Concerns", "disclose": "on"},
    )
    application.refresh_from_db()
    assert application.state == "objected"
    dele.post(reverse("stakeholders:withdraw_objection", args=[Objection.objects.get().public_id]))
    application.refresh_from_db()
    assert application.state == "circulated"


@pytest.mark.django_db
def test_a_wrong_upload_is_refused_with_the_limits(login, process, admin, organisation):
    application = make_application(process, organisation)
    response = login(admin).post(
        reverse("stakeholders:upload_document", args=[application.pk]),
        {"file": SimpleUploadedFile("cv.pdf", b"not a pdf")},
    )
    assert response.status_code == 400
    assert "Only PDF files are accepted" in response.text
    assert not application.documents.exists()


@pytest.mark.django_db
def test_a_step_the_state_does_not_allow_is_explained(login, process, admin, organisation):
    application = make_application(process, organisation, state="submitted")
    client = login(admin)
    response = client.post(
        reverse("stakeholders:application_action", args=[application.pk, "submit"]), follow=True
    )
    assert "Allowed now" in response.text
    application.refresh_from_db()
    assert application.state == "submitted"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "stakeholder", "other_admin", "other_secretariat"])
def test_an_application_is_hidden_from_outsiders(
    request, client, login, process, organisation, who
):
    application = make_application(process, organisation, state="submitted")
    c = client if who == "anonymous" else login(request.getfixturevalue(who))
    response = c.get(reverse("stakeholders:application_detail", args=[application.pk]))
    assert response.status_code in (302, 404)


@pytest.mark.django_db
def test_a_delegate_cannot_read_an_application_before_circulation(
    login, process, organisation, delegate
):
    application = make_application(process, organisation, state="under_review")
    assert (
        login(delegate)
        .get(reverse("stakeholders:application_detail", args=[application.pk]))
        .status_code
        == 404
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, action",
    [
        ("admin", "review"),
        ("other_secretariat", "review"),
        ("delegate", "review"),
        ("process_secretariat", "submit"),
    ],
)
def test_each_side_takes_only_its_own_steps(request, login, process, organisation, who, action):
    application = make_application(
        process, organisation, state="submitted" if action == "review" else "draft"
    )
    before = application.state
    c = login(request.getfixturevalue(who))
    response = c.post(reverse("stakeholders:application_action", args=[application.pk, action]))
    assert response.status_code in (403, 404)
    application.refresh_from_db()
    assert application.state == before


@pytest.mark.django_db
def test_only_delegates_object(login, process, organisation, stakeholder, process_secretariat):
    application = make_application(process, organisation, state="circulated")
    for user in (stakeholder, process_secretariat):
        response = login(user).post(
            reverse("stakeholders:object", args=[application.pk]), {"basis": "x"}
        )
        assert response.status_code in (403, 404)
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_a_delegate_cannot_withdraw_another_states_objection(
    login, process, organisation, delegate
):
    from stakeholders.services import record_objection

    other = make_user("fr@example.org", role="delegate", member_state="FR")
    application = make_application(process, organisation, state="circulated")
    objection = record_objection(
        application, actor=other, member_state="FR", basis="b", disclose=False
    )
    response = login(delegate).post(
        reverse("stakeholders:withdraw_objection", args=[objection.public_id])
    )
    assert response.status_code == 404
    objection.refresh_from_db()
    assert objection.withdrawn_at is None


@pytest.mark.django_db
def test_published_list_and_exports(client, process):
    organisation = make_organisation(
        name="Listed", ecosoc_status="general", ecosoc_verified_at=timezone.now().date()
    )
    make_application(process, organisation, state="accredited")
    page = client.get(reverse("stakeholders:accreditation", args=[process.slug]))
    assert "Listed" in page.text
    csv_text = client.get(
        reverse("stakeholders:accredited_export", args=[process.slug, "csv"])
    ).content
    assert b"Listed" in csv_text


@pytest.mark.django_db
def test_settings_and_carry_over_are_the_process_secretariats(
    login, process, other_secretariat, process_secretariat
):
    url = reverse("stakeholders:accreditation_settings", args=[process.slug])
    assert login(other_secretariat).get(url).status_code == 403
    client = login(process_secretariat)
    response = client.post(url, {"objection_transparency": "public", "objection_days": 21})
    assert response.status_code == 302
    carry = client.post(reverse("stakeholders:carry_over", args=[process.slug]), follow=True)
    assert "no predecessor" in carry.text


@pytest.mark.django_db
def test_every_process_page_links_to_its_accreditation(client, process):
    page = client.get(reverse("core:process_detail", args=[process.slug]))
    assert reverse("stakeholders:accreditation", args=[process.slug]) in page.text


@pytest.mark.django_db
def test_ids_that_are_not_numbers_are_not_found(login, platform_secretariat, process):
    client = login(platform_secretariat)
    assert client.post(reverse("stakeholders:thematic_areas"), {"area": "abc"}).status_code == 404
    response = client.post(
        reverse("stakeholders:carry_over", args=[process.slug]), {"organisation": "abc"}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_an_area_no_longer_offered_is_kept_on_edit(login, admin, organisation):
    area = ThematicArea.objects.create(slug="old", name="Old area", is_active=False)
    organisation.thematic_areas.add(area)
    url = reverse("stakeholders:organisation_edit", args=[organisation.public_id])
    login(admin).post(
        url, {**ORG_POST, "name": organisation.name, "country": "KE", "thematic_areas": [area.pk]}
    )
    assert list(organisation.thematic_areas.all()) == [area]


@pytest.mark.django_db
def test_list_pages_and_exports_keep_a_fixed_number_of_queries(
    client, login, process, process_secretariat
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(c, url):
        with CaptureQueriesContext(connection) as queries:
            assert c.get(url).status_code == 200
        return len(queries)

    staff = login(process_secretariat)
    urls = [
        reverse("stakeholders:accreditation", args=[process.slug]),
        reverse("stakeholders:accredited_export", args=[process.slug, "csv"]),
        reverse("stakeholders:directory_export", args=["csv"]),
        f"/api/v1/processes/{process.slug}/accredited",
    ]
    few, many = [], []
    for target, n in ((few, 2), (many, 8)):
        for i in range(n):
            organisation = make_organisation(
                name=f"Org {len(few)}-{n}-{i}",
                country="FR",
                ecosoc_status="general",
                ecosoc_verified_at=timezone.now().date(),
            )
            make_application(process, organisation, state="accredited")
        target.extend(count(staff, url) for url in urls)
        target.append(count(staff, reverse("stakeholders:applications", args=[process.slug])))
    assert few == many
