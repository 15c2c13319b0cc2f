"""Who may reach every page and endpoint of consultations, generated from one table per kind of
request (tests/access.py): each row names who may, and every other role must be refused. The
lists must show exactly what their detail lets each role open, at a fixed number of queries.

The objects are built once for the module (they are many, and every case only reads them or
writes inside its own rolled-back transaction): in `process` a draft, an open public, an open
accredited-only, an invited-only, a closed and a published consultation; in `other_process` a
draft, which only that process's secretariat (and the platform's) may see.
"""

import uuid

import pytest
from django.test import override_settings

from consultations.models import ExportJob
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
from tests.builders import (
    GOOD_ANSWERS,
    copy_consultation,
    make_application,
    make_consultation,
    make_organisation,
    make_process,
    make_user,
    submit,
)

pytestmark = pytest.mark.django_db

# Besides the shared roles: a member of an organisation accredited to the process, and someone
# on the invited consultation's list.
PEOPLE = (*ROLES, "accredited", "invitee")
EVERYONE = frozenset(PEOPLE)
STAFF = frozenset({"process_secretariat", "platform_secretariat"})
OTHER_STAFF = frozenset({"other_secretariat", "platform_secretariat"})
NOBODY: frozenset[str] = frozenset()

CONSULTATIONS = ("draft", "open", "accredited", "invited", "closed", "published", "other_draft")
SEE = {name: EVERYONE for name in CONSULTATIONS} | {"draft": STAFF, "other_draft": OTHER_STAFF}
RUN = {name: STAFF for name in CONSULTATIONS} | {"other_draft": OTHER_STAFF}
RESULTS = RUN | {"published": EVERYONE}
ANSWER = {
    "draft": NOBODY,
    "open": EVERYONE,
    "accredited": frozenset({"accredited"}),
    "invited": frozenset({"invitee"}),
    "closed": EVERYONE,
    "published": EVERYONE,
    "other_draft": NOBODY,
}


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
    process = make_process(slug="access-process", name="Access process")
    other_process = make_process(slug="access-other", name="Another access process")
    people = make_people(process, other_process)
    people["accredited"] = make_user("access.member@example.org")
    organisation = make_organisation(people["accredited"], name="Accredited Lab", country="CH")
    make_application(process, organisation, state="accredited")
    people["invitee"] = make_user("access.invitee@example.org")
    first = make_consultation(process, slug="c-open", title="Open survey")
    objects = {"process": process, "other_process": other_process, "open": first}
    for name, process_of, fields in (
        ("draft", process, {"status": "draft"}),
        ("accredited", process, {"audience": "accredited"}),
        ("invited", process, {"audience": "invited"}),
        ("closed", process, {"status": "closed"}),
        ("published", process, {"status": "published"}),
        ("other_draft", other_process, {"status": "draft"}),
    ):
        slug = f"c-{name.replace('_', '-')}"
        objects[name] = copy_consultation(first, process_of, slug=slug, **fields)
    objects["invited"].invitees.create(email="access.invitee@example.org")
    objects["job"] = ExportJob.objects.create(
        consultation=first, requested_by=people["process_secretariat"], format="csv", total=0
    )
    return people, objects


def _per_consultation(name, url, who, **kwargs):
    return [access(f"{name}-{c}", url.replace("{c}", c), who[c], **kwargs) for c in CONSULTATIONS]


ANSWERING_POST = {"_state": "{}", "_page": "0", "_action": "refresh"}
EXPORT_POST = {"format": "csv", "labels": "names", "language": "en"}

PAGES = [
    access("list", "/processes/{process.slug}/consultations/", EVERYONE),
    access("list-other", "/processes/{other_process.slug}/consultations/", EVERYONE),
    access("create", "/processes/{process.slug}/consultations/new/", STAFF),
    access("create-other", "/processes/{other_process.slug}/consultations/new/", OTHER_STAFF),
    *_per_consultation("detail", "/consultations/{{c}.slug}/", SEE),
    *_per_consultation("receipt", "/consultations/{{c}.slug}/receipt/", SEE),
    *_per_consultation("form", "/consultations/{{c}.slug}/form/", SEE),
    *_per_consultation("edit", "/consultations/{{c}.slug}/edit/", RUN),
    *_per_consultation("results", "/consultations/{{c}.slug}/results/", RESULTS),
    *_per_consultation("responses", "/consultations/{{c}.slug}/responses/", RUN),
    *_per_consultation("export", "/consultations/{{c}.slug}/export/", RUN),
    access("export-job", "/consultations/{open.slug}/exports/{job.pk}/", {"process_secretariat"}),
]

# Requests that write, or would: a success may redirect to the page it changed.
WRITES = [
    *_per_consultation(
        "answer", "/consultations/{{c}.slug}/", ANSWER, method="post", data=ANSWERING_POST
    ),
    *_per_consultation(
        "check", "/consultations/{{c}.slug}/check/", ANSWER, method="post", data=ANSWERING_POST
    ),
    access(
        "status-draft",
        "/consultations/{draft.slug}/status/",
        STAFF,
        method="post",
        data={"status": "open"},
    ),
    access(
        "status-other",
        "/consultations/{other_draft.slug}/status/",
        OTHER_STAFF,
        method="post",
        data={"status": "open"},
    ),
    access(
        "export-now", "/consultations/{open.slug}/export/", STAFF, method="post", data=EXPORT_POST
    ),
]

API = "/api/v1"
RESPONSE = {"instance_id": str(uuid.UUID(int=7)), "language": "en", "answers": GOOD_ANSWERS}
# A consultation not taking answers says so (409) to those who may see it.
NOT_TAKEN = frozenset({401, 403, 404, 409})
SUBMITTERS = {c: ANSWER[c] for c in ("open", "accredited", "invited")} | {
    c: NOBODY for c in ("draft", "closed", "published", "other_draft")
}

ENDPOINTS = [
    access("api-list", API + "/processes/{process.slug}/consultations", EVERYONE, api=True),
    access(
        "api-list-other", API + "/processes/{other_process.slug}/consultations", EVERYONE, api=True
    ),
    *_per_consultation("api-detail", API + "/consultations/{{c}.slug}", SEE, api=True),
    *_per_consultation("api-results", API + "/consultations/{{c}.slug}/results", RESULTS, api=True),
    *_per_consultation("api-export", API + "/consultations/{{c}.slug}/export", RUN, api=True),
    *_per_consultation(
        "api-submit",
        API + "/consultations/{{c}.slug}/responses",
        SUBMITTERS,
        api=True,
        method="post",
        data=RESPONSE,
        refused=NOT_TAKEN,
    ),
]


@pytest.mark.parametrize(("row", "role"), cases(PAGES + ENDPOINTS, PEOPLE))
def test_who_may_read(row, role, world):
    people, objects = world
    assert_access(row, role, people, objects)


@pytest.mark.parametrize(("row", "role"), cases(WRITES, PEOPLE))
def test_who_may_write(row, role, world):
    """As assert_access, except that a success may redirect (not to the sign-in page)."""
    people, objects = world
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


def _details(prefix, names):
    rows = {row.name: row for row in PAGES + ENDPOINTS}
    return tuple((f"/consultations/{{{c}.slug}}/", rows[f"{prefix}-{c}"]) for c in names)


IN_PROCESS = [c for c in CONSULTATIONS if c != "other_draft"]
LISTINGS = [
    Listing("list", "/processes/{process.slug}/consultations/", _details("detail", IN_PROCESS)),
    Listing(
        "list-other",
        "/processes/{other_process.slug}/consultations/",
        _details("detail", ["other_draft"]),
    ),
    Listing(
        "api-list",
        API + "/processes/{process.slug}/consultations",
        _details("api-detail", IN_PROCESS),
        api=True,
    ),
    Listing(
        "api-list-other",
        API + "/processes/{other_process.slug}/consultations",
        _details("api-detail", ["other_draft"]),
        api=True,
    ),
]


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.name)
@pytest.mark.parametrize("role", PEOPLE)
def test_a_list_shows_exactly_what_its_detail_opens(listing, role, world):
    people, objects = world
    assert_list_matches_details(listing, role, people, objects)


def _more_consultations(objects):
    def grow():
        for n in range(4):
            for name in ("draft", "published"):
                copy_consultation(
                    objects["open"], objects["process"], slug=f"more-{name}-{n}", status=name
                )

    return grow


@pytest.mark.parametrize("role", ["anonymous", "stakeholder", "process_secretariat"])
@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("/processes/{process.slug}/consultations/", False),
        (API + "/processes/{process.slug}/consultations", True),
    ],
    ids=["page", "api"],
)
def test_the_lists_cost_the_same_queries_however_long(url, api, role, world):
    people, objects = world
    client = client_for(people[role], api=api)
    assert_constant_queries(client, url.format(**objects), _more_consultations(objects))


def test_the_responses_page_costs_the_same_queries_however_many(world):
    people, objects = world
    consultation = objects["open"]
    submit(consultation, make_user("first.respondent@example.org"))

    def grow():
        for n in range(5):
            person = make_user(f"respondent{n}@example.org")
            organisation = make_organisation(person, name=f"Respondent organisation {n}")
            submit(consultation, person, organisation_id=organisation.pk)

    client = client_for(people["process_secretariat"])
    assert_constant_queries(client, f"/consultations/{consultation.slug}/responses/", grow)
