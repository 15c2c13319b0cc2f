"""Who may reach every page and endpoint of deliberations (tests/access.py), from both sides:
anonymous, wrong role, right role, right role on another process's deliberation."""

import pytest
from django.test import override_settings

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
from tests.builders import make_deliberation, make_process, make_user

pytestmark = pytest.mark.django_db

PEOPLE = (*ROLES, "invitee")
EVERYONE = frozenset(PEOPLE)
STAFF = frozenset({"process_secretariat", "platform_secretariat"})
OTHER_STAFF = frozenset({"other_secretariat", "platform_secretariat"})
DELIBERATIONS = ("open", "draft", "closed", "invited", "other_draft")
SEE = {d: EVERYONE for d in DELIBERATIONS} | {"draft": STAFF, "other_draft": OTHER_STAFF}
RUN = {d: STAFF for d in DELIBERATIONS} | {"other_draft": OTHER_STAFF}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
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
    other = make_process(slug="access-other", name="Another access process")
    people = make_people(process, other)
    people["invitee"] = make_user("access.invitee@example.org")
    objects = {"process": process, "other_process": other}
    for name, where, fields in (
        ("open", process, {}),
        ("draft", process, {"status": "draft"}),
        ("closed", process, {"status": "closed"}),
        ("invited", process, {"audience": "invited", "identity": "confidential"}),
        ("other_draft", other, {"status": "draft"}),
    ):
        objects[name] = make_deliberation(where, slug=f"d-{name.replace('_', '-')}", **fields)
    objects["invited"].invitees.create(email="access.invitee@example.org")
    return people, objects


def _each(name, url, who, **kwargs):
    return [access(f"{name}-{d}", url.replace("{d}", d), who[d], **kwargs) for d in DELIBERATIONS]


API = "/api/v1"
PAGES = [
    access("list", "/processes/{process.slug}/deliberations/", EVERYONE),
    access("create", "/processes/{process.slug}/deliberations/new/", STAFF),
    access("create-other", "/processes/{other_process.slug}/deliberations/new/", OTHER_STAFF),
    *_each("detail", "/deliberations/{{d}.slug}/", SEE),
    *_each("map", "/deliberations/{{d}.slug}/map/", SEE),
    *_each("moderate", "/deliberations/{{d}.slug}/moderate/", RUN),
    *_each("export", "/deliberations/{{d}.slug}/export/votes.csv", RUN),
    *_each("export-groups", "/deliberations/{{d}.slug}/export/participants-votes.csv", RUN),
]
ENDPOINTS = [
    access("api-list", API + "/processes/{process.slug}/deliberations", EVERYONE, api=True),
    *_each("api-detail", API + "/deliberations/{{d}.slug}", SEE, api=True),
    *_each("api-statements", API + "/deliberations/{{d}.slug}/statements", SEE, api=True),
    *_each("api-groups", API + "/deliberations/{{d}.slug}/opinion-groups", SEE, api=True),
]
VOTERS = {"open": EVERYONE, "invited": frozenset({"invitee"})}
VOTES = [
    *[
        access(
            f"api-vote-{d}",
            API + f"/deliberations/{{{d}.slug}}/votes",
            VOTERS.get(d, frozenset()),
            api=True,
            method="post",
            data={"statement": 0, "vote": "agree"},
            refused=frozenset({401, 403, 404, 409}),
        )
        for d in DELIBERATIONS
    ],
]
WRITES = [
    *_each(
        "status", "/deliberations/{{d}.slug}/status/", RUN, method="post", data={"status": "open"}
    ),
    *_each(
        "moderate-post",
        "/deliberations/{{d}.slug}/moderate/",
        RUN,
        method="post",
        data={"statement": 0, "status": "rejected"},
    ),
]


@pytest.mark.parametrize(("row", "role"), cases(PAGES + ENDPOINTS + VOTES, PEOPLE))
def test_who_may_read_and_vote(row, role, world):
    people, objects = world
    assert_access(row, role, people, objects)


@pytest.mark.parametrize(("row", "role"), cases(WRITES, PEOPLE))
def test_who_may_write(row, role, world):
    people, objects = world
    response = request(row, people[role], objects)
    if role in row.may:
        assert response.status_code < 400, f"{row.name}: {role} got {response.status_code}"
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"], row.name
    else:
        assert response.status_code in row.refused, f"{row.name}: {role} got {response.status_code}"


def _details(prefix, names):
    rows = {row.name: row for row in PAGES + ENDPOINTS}
    return tuple((f"/deliberations/{{{d}.slug}}/", rows[f"{prefix}-{d}"]) for d in names)


IN_PROCESS = [d for d in DELIBERATIONS if d != "other_draft"]
LISTINGS = [
    Listing("list", "/processes/{process.slug}/deliberations/", _details("detail", IN_PROCESS)),
    Listing(
        "api-list",
        API + "/processes/{process.slug}/deliberations",
        _details("api-detail", IN_PROCESS),
        api=True,
    ),
]


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.name)
@pytest.mark.parametrize("role", PEOPLE)
def test_a_list_shows_exactly_what_its_detail_opens(listing, role, world):
    people, objects = world
    assert_list_matches_details(listing, role, people, objects)


@pytest.mark.parametrize("role", ["anonymous", "process_secretariat"])
@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("/processes/{process.slug}/deliberations/", False),
        (API + "/processes/{process.slug}/deliberations", True),
    ],
    ids=["page", "api"],
)
def test_the_lists_cost_the_same_queries_however_long(url, api, role, world):
    people, objects = world

    def grow():
        for n in range(4):
            make_deliberation(
                objects["process"], slug=f"more-{n}", status="draft" if n % 2 else "open"
            )

    assert_constant_queries(client_for(people[role], api=api), url.format(**objects), grow)
