"""Who may reach every page and endpoint of the registry and of accreditation, generated from
one table per kind of request (tests/access.py): each row names who may, and every other role
must be refused. The lists must show exactly what their detail lets each role open, at a fixed
number of queries.

The objects are built once for the module (every case only reads them, or writes inside its
own rolled-back transaction): a public organisation (with an administrator and a
representative among the roles), one at risk, one shown only by region; in `process` an
application in each state, one objected to by the delegate's State; in `other_process` the
public organisation's withdrawn application.
"""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from stakeholders import services
from tests.access import (
    ROLES,
    Listing,
    access,
    assert_access,
    assert_constant_queries,
    assert_list_matches_details,
    cases,
    client_for,
    make_people,
    request,
)
from tests.builders import make_application, make_organisation, make_process, make_user

pytestmark = pytest.mark.django_db

# Besides the shared roles: the public organisation's administrator and its representative.
PEOPLE = (*ROLES, "org_admin", "org_rep")
EVERYONE = frozenset(PEOPLE)
SIGNED_IN = EVERYONE - {"anonymous"}
STAFF = frozenset({"process_secretariat", "platform_secretariat"})
OTHER_STAFF = frozenset({"other_secretariat", "platform_secretariat"})
PLATFORM = frozenset({"platform_secretariat"})
MEMBERS = frozenset({"org_admin", "org_rep"})
ADMINS = frozenset({"org_admin", "platform_secretariat"})
DELEGATE = frozenset({"delegate"})

# The applications in `process` (the public organisation's draft; the others' in every state)
# and `other` (the public organisation's, withdrawn, in `other_process`).
IN_PROCESS = (
    "draft",
    "submitted",
    "returned",
    "under_review",
    "circulated",
    "objected",
    "accredited",
    "not_accredited",
    "withdrawn",
)
APPLICATIONS = (*IN_PROCESS, "other")
# Delegates read circulated dossiers (and what followed, once circulated: the ECOSOC track's
# decision never was, so its refusal stays with the secretariat).
SEE = {name: STAFF for name in IN_PROCESS} | {
    "draft": STAFF | MEMBERS,
    "circulated": STAFF | DELEGATE,
    "objected": STAFF | DELEGATE,
    "accredited": STAFF | DELEGATE,
    "other": OTHER_STAFF | MEMBERS,
}
ORGANISATIONS = ("public", "protected", "regional")
MANAGE = {"public": ADMINS, "protected": PLATFORM, "regional": PLATFORM}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """(people, objects), built once and rolled back after the module."""
    from django.db import transaction

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield _build()
        transaction.set_rollback(True)


def _build():
    process = make_process(slug="access-accreditation", name="Access accreditation")
    other_process = make_process(slug="access-other", name="Another access process")
    people = make_people(process, other_process)
    objects = {"process": process, "other_process": other_process}
    objects.update(_organisations(people))
    objects.update(_applications(people, objects))
    return people, objects


def _organisations(people):
    admin = people["org_admin"] = make_user("access.org.admin@example.org")
    rep = people["org_rep"] = make_user("access.org.rep@example.org")
    public = make_organisation(admin, name="Open Access Org", country="KE")
    tokens = []
    services.invite_member(
        public, actor=admin, email=rep.email, role="representative", accept_url=tokens.append
    )
    membership = services.accept_invitation(tokens[0], actor=rep)
    return {
        "public": public,
        "rep_membership": membership,
        "protected": make_organisation(name="Quiet Access Org", country="FR", at_risk=True),
        "regional": make_organisation(
            name="Hidden Access Org", country="SY", public_as_region=True
        ),
    }


def _applications(people, objects):
    process, staff = objects["process"], people["process_secretariat"]
    found = {
        "draft": make_application(process, objects["public"], staff=staff),
        "circulated": make_application(process, objects["protected"], state="circulated"),
        "accredited": make_application(process, objects["regional"], state="accredited"),
        "other": make_application(objects["other_process"], objects["public"], state="withdrawn"),
    }
    for state in ("submitted", "returned", "under_review", "objected", "withdrawn"):
        organisation = make_organisation(name=f"Access {state} org", country="BR")
        found[state] = make_application(
            process, organisation, state="circulated" if state == "objected" else state
        )
    found["objection"] = services.record_objection(
        found["objected"], actor=people["delegate"], member_state="FR", basis="b", disclose=False
    )
    verified = make_organisation(
        name="Access refused org", ecosoc_status="general", ecosoc_verified_at=timezone.now().date()
    )
    refused = make_application(process, verified, state="under_review")
    found["not_accredited"] = services.decide_application(
        refused, actor=staff, decision="not_accredited", reason="Outside the mandate."
    )
    return found


# The tables --------------------------------------------------------------------------------------

API = "/api/v1"


def _per_application(name, url, who, **kwargs):
    return [access(f"{name}-{a}", url.replace("{a}", a), who[a], **kwargs) for a in APPLICATIONS]


def _per_organisation(name, url, who, **kwargs):
    return [access(f"{name}-{o}", url.replace("{o}", o), who[o], **kwargs) for o in ORGANISATIONS]


ORG = "/organisations/{{o}.public_id}/"
PAGES = [
    access("directory", "/organisations/", EVERYONE),
    access("directory-export", "/organisations/export.csv", EVERYONE),
    access("organisation-create", "/organisations/new/", SIGNED_IN),
    *_per_organisation("organisation", ORG, {o: EVERYONE for o in ORGANISATIONS}),
    *_per_organisation("organisation-edit", ORG + "edit/", MANAGE),
    *_per_organisation("people", ORG + "people/", MANAGE),
    access("invitation", "/invitations/not-a-token/", SIGNED_IN),
    access("thematic-areas", "/thematic-areas/", PLATFORM),
    access("accreditation", "/processes/{process.slug}/accreditation/", EVERYONE),
    access("accreditation-other", "/processes/{other_process.slug}/accreditation/", EVERYONE),
    access("accredited-export", "/processes/{process.slug}/accreditation/accredited.csv", EVERYONE),
    access("settings", "/processes/{process.slug}/accreditation/settings/", STAFF),
    access(
        "settings-other", "/processes/{other_process.slug}/accreditation/settings/", OTHER_STAFF
    ),
    access("applications", "/processes/{process.slug}/applications/", STAFF | DELEGATE),
    access(
        "applications-other",
        "/processes/{other_process.slug}/applications/",
        OTHER_STAFF | DELEGATE,
    ),
    access("apply", "/processes/{process.slug}/applications/new/", SIGNED_IN),
    *_per_application("application", "/applications/{{a}.pk}/", SEE),
]

ENDPOINTS = [
    access("api-organisations", API + "/organisations", EVERYONE, api=True),
    *_per_organisation(
        "api-organisation",
        API + "/organisations/{{o}.public_id}",
        {o: EVERYONE for o in ORGANISATIONS},
        api=True,
    ),
    access(
        "api-applications",
        API + "/processes/{process.slug}/applications",
        STAFF | DELEGATE,
        api=True,
    ),
    access(
        "api-applications-other",
        API + "/processes/{other_process.slug}/applications",
        OTHER_STAFF | DELEGATE,
        api=True,
    ),
    *_per_application("api-application", API + "/applications/{{a}.pk}", SEE, api=True),
    access("api-accredited", API + "/processes/{process.slug}/accredited", EVERYONE, api=True),
]

ORG_POST = {"name": "Open Access Org", "kind": "ngo", "country": "KE", "ecosoc_status": "none"}
# A write some may reach but whose form refuses them (choices they do not have).
FORM_REFUSES = frozenset({302, 400, 401, 403, 404})

WRITES = [
    access(
        "organisation-create-post",
        "/organisations/new/",
        SIGNED_IN,
        method="post",
        data={**ORG_POST, "name": "A new access org"},
    ),
    access(
        "organisation-edit-post",
        "/organisations/{public.public_id}/edit/",
        ADMINS,
        method="post",
        data=ORG_POST,
    ),
    access(
        "invite",
        "/organisations/{public.public_id}/people/",
        ADMINS,
        method="post",
        data={"email": "new.person@example.org", "role": "representative"},
    ),
    access(
        "remove-person",
        "/organisations/{public.public_id}/people/{rep_membership.pk}/remove/",
        ADMINS,
        method="post",
    ),
    access(
        "protect-person",
        "/organisations/{public.public_id}/people/{rep_membership.pk}/protection/",
        ADMINS,
        method="post",
        data={"at_risk": "1"},
    ),
    access(
        "add-area",
        "/thematic-areas/",
        PLATFORM,
        method="post",
        data={"slug": "access-area", "name": "Access area"},
    ),
    access(
        "settings-post",
        "/processes/{process.slug}/accreditation/settings/",
        STAFF,
        method="post",
        data={"objection_transparency": "public", "objection_days": "20"},
    ),
    access(
        "carry-over-all",
        "/processes/{process.slug}/accreditation/carry-over/",
        STAFF,
        method="post",
    ),
    access(
        "carry-over-own",
        "/processes/{process.slug}/accreditation/carry-over/",
        {"org_admin"},
        method="post",
        data={"organisation": "{public.public_id}"},
    ),
    access(
        "apply-post",
        "/processes/{other_process.slug}/applications/new/",
        MEMBERS,
        method="post",
        data={"organisation": "{public.public_id}", "statement": "Our work."},
        refused=FORM_REFUSES,
    ),
    access(
        "statement",
        "/applications/{draft.pk}/",
        MEMBERS,
        method="post",
        data={"statement": "Our work, again."},
    ),
    access("submit", "/applications/{draft.pk}/submit/", MEMBERS, method="post"),
    access("review", "/applications/{submitted.pk}/review/", STAFF, method="post"),
    access(
        "object",
        "/applications/{circulated.pk}/objections/",
        DELEGATE,
        method="post",
        data={"basis": "Concerns."},
    ),
    access(
        "withdraw-objection",
        "/objections/{objection.public_id}/withdraw/",
        DELEGATE,
        method="post",
    ),
]

API_WRITES = [
    access(
        "api-create-organisation",
        API + "/organisations",
        SIGNED_IN,
        method="post",
        data={"name": "An API access org", "kind": "ngo", "country": "FR"},
        api=True,
    ),
    access(
        "api-edit-organisation",
        API + "/organisations/{public.public_id}",
        ADMINS,
        method="patch",
        data={"acronym": "OAO"},
        api=True,
    ),
    access(
        "api-apply",
        API + "/processes/{other_process.slug}/applications",
        MEMBERS,
        method="post",
        data={"organisation_id": "{public.public_id}", "statement": "Our work."},
        api=True,
    ),
    access(
        "api-statement",
        API + "/applications/{draft.pk}",
        MEMBERS,
        method="patch",
        data={"statement": "Our work, again."},
        api=True,
    ),
    access("api-submit", API + "/applications/{draft.pk}/submit", MEMBERS, method="post", api=True),
    access(
        "api-review", API + "/applications/{submitted.pk}/review", STAFF, method="post", api=True
    ),
    access(
        "api-object",
        API + "/applications/{circulated.pk}/objections",
        DELEGATE,
        method="post",
        data={"basis": "Concerns."},
        api=True,
    ),
    access(
        "api-withdraw-objection",
        API + "/objections/{objection.public_id}/withdraw",
        DELEGATE,
        method="post",
        api=True,
    ),
]


def _filled(row, objects):
    """The row with the objects' ids put in its data (`{public.public_id}`)."""
    data = {
        k: v.format(**objects) if isinstance(v, str) else v for k, v in (row.data or {}).items()
    }
    return access(
        row.name, row.url, row.may, method=row.method, data=data, api=row.api, refused=row.refused
    )


@pytest.mark.parametrize(("row", "role"), cases(PAGES + ENDPOINTS, PEOPLE))
def test_who_may_read(row, role, world):
    people, objects = world
    assert_access(row, role, people, objects)


@pytest.mark.parametrize(("row", "role"), cases(WRITES + API_WRITES, PEOPLE))
def test_who_may_write(row, role, world):
    """As assert_access, except that a success may redirect (not to the sign-in page)."""
    people, objects = world
    row = _filled(row, objects)
    response = request(row, people[role], objects)
    if role in row.may:
        assert response.status_code < 400, f"{row.name}: {role} may, got {response.status_code}"
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"], row.name
    else:
        assert response.status_code in row.refused, (
            f"{row.name}: {role} may not, but got {response.status_code}"
        )
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], response["Location"]


# Documents: stored in each test's own media folder -----------------------------------------------


def _pdf():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("statement.pdf", buffer.getvalue(), content_type="application/pdf")


@pytest.fixture
def with_document(world):
    people, objects = world
    document = services.add_document(objects["draft"], actor=people["org_admin"], upload=_pdf())
    return people, {**objects, "document": document}


DOCUMENTS = [
    access("document", "/applications/{draft.pk}/documents/{document.pk}/", SEE["draft"]),
    access(
        "document-remove",
        "/applications/{draft.pk}/documents/{document.pk}/remove/",
        MEMBERS,
        method="post",
    ),
]


@pytest.mark.parametrize(("row", "role"), cases(DOCUMENTS, PEOPLE))
def test_who_may_read_and_remove_documents(row, role, with_document):
    people, objects = with_document
    response = request(row, people[role], objects)
    if role in row.may:
        assert response.status_code in (200, 302), f"{row.name}: {role} got {response.status_code}"
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"]
    else:
        assert response.status_code in row.refused, f"{row.name}: {role} got {response.status_code}"


@pytest.mark.parametrize("role", PEOPLE)
def test_uploading_is_for_the_applicants_people(role, world):
    people, objects = world
    client = client_for(people[role])
    response = client.post(f"/applications/{objects['draft'].pk}/documents/", {"file": _pdf()})
    if role in MEMBERS:
        assert response.status_code == 302 and objects["draft"].documents.count() == 1
    else:
        assert response.status_code in (302, 403, 404) and not objects["draft"].documents.exists()
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


# The lists show exactly what their details open --------------------------------------------------


def _details(prefix, names, marker):
    rows = {row.name: row for row in PAGES + ENDPOINTS}
    return tuple((marker.replace("{x}", name), rows[f"{prefix}-{name}"]) for name in names)


APPLICATION_LINK = "/applications/{{x}.pk}/"
API_APPLICATION_ID = '"id": {{x}.pk},'
IN_OTHER = ("other",)
LISTINGS = [
    (
        Listing(
            "directory",
            "/organisations/",
            _details("organisation", ORGANISATIONS, "/organisations/{{x}.public_id}/"),
        ),
        EVERYONE,
    ),
    (
        Listing(
            "api-organisations",
            API + "/organisations",
            _details("api-organisation", ORGANISATIONS, "{{x}.public_id}"),
            api=True,
        ),
        EVERYONE,
    ),
    (
        Listing(
            "applications",
            "/processes/{process.slug}/applications/",
            _details("application", IN_PROCESS, APPLICATION_LINK),
        ),
        STAFF | DELEGATE,
    ),
    (
        Listing(
            "applications-other",
            "/processes/{other_process.slug}/applications/",
            _details("application", IN_OTHER, APPLICATION_LINK),
        ),
        OTHER_STAFF | DELEGATE,
    ),
    (
        Listing(
            "api-applications",
            API + "/processes/{process.slug}/applications",
            _details("api-application", IN_PROCESS, API_APPLICATION_ID),
            api=True,
        ),
        STAFF | DELEGATE,
    ),
    (
        Listing(
            "api-applications-other",
            API + "/processes/{other_process.slug}/applications",
            _details("api-application", IN_OTHER, API_APPLICATION_ID),
            api=True,
        ),
        OTHER_STAFF | DELEGATE,
    ),
    # An organisation's page lists its applications that each viewer may open.
    (
        Listing(
            "organisation-public",
            "/organisations/{public.public_id}/",
            _details("application", ("draft", "other"), APPLICATION_LINK),
        ),
        EVERYONE,
    ),
    (
        Listing(
            "organisation-protected",
            "/organisations/{protected.public_id}/",
            _details("application", ("circulated",), APPLICATION_LINK),
        ),
        EVERYONE,
    ),
    (
        Listing(
            "organisation-regional",
            "/organisations/{regional.public_id}/",
            _details("application", ("accredited",), APPLICATION_LINK),
        ),
        EVERYONE,
    ),
    # The published list names every accredited organisation, each page open to all.
    (
        Listing(
            "accreditation",
            "/processes/{process.slug}/accreditation/",
            _details("organisation", ("regional",), "/organisations/{{x}.public_id}/"),
        ),
        EVERYONE,
    ),
]


@pytest.mark.parametrize(
    ("listing", "role"),
    [
        pytest.param(listing, role, id=f"{listing.name}-{role}")
        for listing, who in LISTINGS
        for role in PEOPLE
        if role in who
    ],
)
def test_a_list_shows_exactly_what_its_detail_opens(listing, role, world):
    people, objects = world
    assert_list_matches_details(listing, role, people, objects)


# Query counts ------------------------------------------------------------------------------------


def _more_organisations(objects):
    def grow():
        area = services.create_thematic_area(actor=None, slug="more-area", name="More area")
        for n in range(3):
            person = make_user(f"more.member{n}@example.org")
            organisation = make_organisation(
                person,
                name=f"More access org {n}",
                ecosoc_status="general",
                ecosoc_verified_at=timezone.now().date(),
            )
            organisation.thematic_areas.add(area)
            make_application(objects["process"], organisation, state="accredited")

    return grow


def _more_applications(objects):
    def grow():
        other_state = make_user("more.delegate@example.org", role="delegate", member_state="DE")
        for n, state in enumerate(("submitted", "circulated", "circulated", "under_review")):
            organisation = make_organisation(name=f"More applicant {n}", country="GH")
            application = make_application(objects["process"], organisation, state=state)
            if n == 2:
                services.record_objection(
                    application, actor=other_state, member_state="DE", basis="b", disclose=True
                )

    return grow


def _more_of_the_public_organisation(objects):
    def grow():
        for n in range(3):
            process = make_process(slug=f"more-process-{n}", name=f"More process {n}")
            make_application(process, objects["public"])
            person = make_user(f"more.rep{n}@example.org")
            objects["public"].memberships.create(user=person)

    return grow


LIST_QUERIES = [
    ("/organisations/", False, _more_organisations, ("anonymous", "platform_secretariat")),
    ("/organisations/export.csv", False, _more_organisations, ("anonymous", "org_admin")),
    (API + "/organisations", True, _more_organisations, ("anonymous", "process_secretariat")),
    (
        "/processes/{process.slug}/accreditation/",
        False,
        _more_organisations,
        ("anonymous", "process_secretariat", "org_admin"),
    ),
    (
        "/processes/{process.slug}/accreditation/accredited.csv",
        False,
        _more_organisations,
        ("anonymous",),
    ),
    (API + "/processes/{process.slug}/accredited", True, _more_organisations, ("anonymous",)),
    (
        "/processes/{process.slug}/applications/",
        False,
        _more_applications,
        ("process_secretariat", "delegate"),
    ),
    (
        API + "/processes/{process.slug}/applications",
        True,
        _more_applications,
        ("platform_secretariat", "delegate"),
    ),
    (
        "/organisations/{public.public_id}/",
        False,
        _more_of_the_public_organisation,
        ("anonymous", "org_rep", "platform_secretariat"),
    ),
    (
        "/organisations/{public.public_id}/people/",
        False,
        _more_of_the_public_organisation,
        ("org_admin",),
    ),
]


@pytest.mark.parametrize(
    ("url", "api", "grow", "role"),
    [
        pytest.param(url, api, grow, role, id=f"{url}-{role}")
        for url, api, grow, roles in LIST_QUERIES
        for role in roles
    ],
)
def test_the_lists_cost_the_same_queries_however_long(url, api, grow, role, world):
    people, objects = world
    client = client_for(people[role], api=api)
    assert_constant_queries(client, url.format(**objects), grow(objects))


def test_the_thematic_areas_cost_the_same_queries_however_many(world):
    people, _objects = world

    def grow():
        for n in range(4):
            services.create_thematic_area(actor=None, slug=f"area-{n}", name=f"Area {n}")

    client = client_for(people["platform_secretariat"])
    assert_constant_queries(client, "/thematic-areas/", grow)


# Rules that no table row shows on its own --------------------------------------------------------


def test_the_applications_page_declares_who_may_read_it():
    from stakeholders import views
    from stakeholders.api import list_applications

    assert views.applications.required_permission == "stakeholders.view_applications"
    assert list_applications.required_permission == "stakeholders.view_applications"


def test_no_page_of_the_registry_declares_only_being_signed_in():
    from django.urls import get_resolver

    from stakeholders import urls

    declared = {
        p.name: getattr(p.callback, "required_permission", None)
        for p in get_resolver(urls).url_patterns
    }
    assert "core.signed_in" not in declared.values()
    public = {n for n, permission in declared.items() if permission is None}
    assert public == {
        "directory",
        "directory_export",
        "organisation_detail",
        "accreditation",
        "accredited_export",
    }


def test_a_delegate_objects_for_its_own_state_whatever_it_posts(world):
    people, objects = world
    client = client_for(people["delegate"])
    url = f"/applications/{objects['circulated'].pk}/objections/"
    client.post(url, {"basis": "Concerns.", "member_state": "US"})
    assert list(objects["circulated"].objections.values_list("member_state", flat=True)) == ["FR"]


def test_a_deadline_passed_closes_the_period_the_page_offered(world):
    people, objects = world
    application = objects["circulated"]
    application.deadline = timezone.now().date() - timedelta(days=1)
    application.save(update_fields=["deadline"])
    response = client_for(people["delegate"]).post(
        f"/applications/{application.pk}/objections/", {"basis": "Late."}
    )
    assert response.status_code == 400 and not application.objections.exists()
