"""Who may reach every page and endpoint of the knowledge base, generated from one table
(tests/access.py): each row names who may, and every other role is refused. The lists show
exactly what their detail lets each role open, at a fixed number of queries.

The world, built once for the module: in `process` a published record (by its secretariat), a
record awaiting moderation and a withdrawn one (both by a stakeholder); in `other_process` a
record awaiting moderation by the same stakeholder; a published record outside any process;
and a published record in a draft process, which only the platform's secretariat may see.
"""

import pytest
from django.test import override_settings

from knowledge import services
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
from tests.builders import make_organisation, make_process, make_record, make_user

pytestmark = pytest.mark.django_db

# Besides the shared roles: a stakeholder whose organisation contributed, and the process's
# moderator.
PEOPLE = (*ROLES, "contributor", "moderator")
EVERYONE = frozenset(PEOPLE)
SIGNED_IN = EVERYONE - {"anonymous"}
PLATFORM = frozenset({"platform_secretariat"})
MODERATE = frozenset({"moderator", "process_secretariat", "platform_secretariat"})
OTHER_MODERATE = frozenset({"other_secretariat", "platform_secretariat"})
CONTRIBUTORS = frozenset(
    {"contributor", "moderator", "process_secretariat", "other_secretariat", "platform_secretariat"}
)
QUEUE = MODERATE | OTHER_MODERATE

RECORDS = ("published", "pending", "withdrawn", "other_pending", "platform", "hidden")
SEE = {
    "published": EVERYONE,
    "platform": EVERYONE,
    "pending": MODERATE | {"contributor"},
    "withdrawn": MODERATE | {"contributor"},
    "other_pending": OTHER_MODERATE | {"contributor"},
    "hidden": PLATFORM,
}
CHANGE = {
    "published": MODERATE,
    "platform": PLATFORM,
    "pending": MODERATE | {"contributor"},
    "withdrawn": MODERATE,
    "other_pending": OTHER_MODERATE | {"contributor"},
    "hidden": PLATFORM,
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
    process = make_process(slug="kb-process", name="Knowledge process")
    other_process = make_process(slug="kb-other", name="Another knowledge process")
    draft = make_process(slug="kb-draft", name="A draft process", status="draft")
    people = make_people(process, other_process)
    people["contributor"] = make_user("kb.contributor@example.org")
    organisation = make_organisation(people["contributor"], name="Contributing NGO")
    people["moderator"] = make_user("kb.moderator@example.org", role="moderator", process=process)
    lead = make_organisation(None, name="Lead CERT", kind="igo", country="KE")
    staff, platform, contributor = (
        people["process_secretariat"],
        people["platform_secretariat"],
        people["contributor"],
    )
    objects = {"process": process, "other_process": other_process}
    objects["published"] = make_record(
        staff, lead, title="Published ransomware policy", process=process
    )
    objects["pending"] = make_record(
        contributor, lead, title="Pending ransomware study", process=process
    )
    objects["withdrawn"] = make_record(
        contributor, lead, title="Withdrawn ransomware note", process=process
    )
    services.publish_version(objects["withdrawn"].versions.get(), actor=people["moderator"])
    services.withdraw_record(objects["withdrawn"], actor=people["moderator"], reason="Duplicate")
    objects["other_pending"] = make_record(
        contributor, lead, title="Other ransomware training", process=other_process
    )
    objects["platform"] = make_record(platform, lead, title="Platform ransomware report")
    objects["hidden"] = make_record(platform, lead, title="Hidden ransomware draft", process=draft)
    objects["organisation"] = organisation
    return people, objects


def _per_record(name, url, who, **kwargs):
    return [access(f"{name}-{r}", url.replace("{r}", r), who[r], **kwargs) for r in RECORDS]


PAGES = [
    access("search", "/knowledge/", EVERYONE),
    access("search-words", "/knowledge/?q=ransomware&type=cvd_policy", EVERYONE),
    access("process-search", "/processes/{process.slug}/knowledge/", EVERYONE),
    access("open-data-csv", "/knowledge/open-data.csv", EVERYONE),
    access("open-data-json", "/knowledge/open-data.json", EVERYONE),
    access("contribute", "/knowledge/new/", CONTRIBUTORS),
    access("mine", "/knowledge/mine/", SIGNED_IN),
    access("queue", "/knowledge/moderation/", QUEUE),
    *_per_record("detail", "/knowledge/{{r}.public_id}/", SEE),
    *_per_record("versions", "/knowledge/{{r}.public_id}/versions/", SEE),
    *_per_record(
        "edit",
        "/knowledge/{{r}.public_id}/edit/",
        {**CHANGE, "withdrawn": frozenset()} | {"withdrawn": MODERATE},
    ),
    # A version's page: its contributor reads it; its moderators also decide there.
    access("version-pending", "/knowledge/{pending.public_id}/versions/1/", SEE["pending"]),
    access(
        "version-other", "/knowledge/{other_pending.public_id}/versions/1/", SEE["other_pending"]
    ),
    access("version-published", "/knowledge/{published.public_id}/versions/1/", EVERYONE),
]

API = "/api/v1/knowledge"
ENDPOINTS = [
    access("api-search", API + "/records?q=ransomware", EVERYONE, api=True),
    access("api-facets", API + "/facets?q=ransomware", EVERYONE, api=True),
    access("api-export", API + "/export?format=csv", EVERYONE, api=True),
    access("api-queue", API + "/moderation", QUEUE, api=True),
    *_per_record("api-detail", API + "/records/{{r}.public_id}", SEE, api=True),
    *_per_record("api-versions", API + "/records/{{r}.public_id}/versions", SEE, api=True),
]

WRITES = [
    access(
        "publish-pending",
        API + "/records/{pending.public_id}/versions/1/publish",
        MODERATE,
        method="post",
        api=True,
    ),
    access(
        "publish-other",
        API + "/records/{other_pending.public_id}/versions/1/publish",
        OTHER_MODERATE,
        method="post",
        api=True,
    ),
    access(
        "reject-pending",
        API + "/records/{pending.public_id}/versions/1/reject",
        MODERATE,
        method="post",
        data={"reason": "No source."},
        api=True,
    ),
    access(
        "withdraw-published",
        API + "/records/{published.public_id}/withdraw",
        MODERATE,
        method="post",
        data={"reason": "Out of date."},
        api=True,
    ),
    access(
        "change-published",
        API + "/records/{published.public_id}",
        MODERATE,
        method="patch",
        data={"title": "A new title"},
        api=True,
    ),
    access(
        "change-pending-by-api",
        API + "/records/{other_pending.public_id}",
        OTHER_MODERATE | {"contributor"},
        method="patch",
        data={"title": "A new title"},
        api=True,
        # The contributor's first version still awaits moderation: 409, after the check.
        refused=frozenset({401, 403, 404}),
    ),
    access(
        "withdraw-page",
        "/knowledge/{published.public_id}/withdraw/",
        MODERATE,
        method="post",
        data={"reason": "Out of date."},
    ),
    access(
        "moderate-page",
        "/knowledge/{pending.public_id}/versions/1/",
        MODERATE,
        method="post",
        data={"decision": "reject", "reason": "No source."},
    ),
]


@pytest.mark.parametrize(("row", "role"), cases(PAGES + ENDPOINTS, PEOPLE))
def test_who_may_read(row, role, world):
    people, objects = world
    assert_access(row, role, people, objects)


@pytest.mark.parametrize(("row", "role"), cases(WRITES, PEOPLE))
def test_who_may_write(row, role, world):
    """A success may redirect (not to the sign-in page); 409 is a refusal by the rules, after the
    permission let the caller through."""
    people, objects = world
    response = request(row, people[role], objects)
    if role in row.may:
        assert response.status_code < 400 or response.status_code == 409, (
            f"{row.name}: {role} may, got {response.status_code}"
        )
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"], row.name
    else:
        assert response.status_code in row.refused, (
            f"{row.name}: {role} may not, but got {response.status_code}"
        )
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"], response["Location"]


def test_errors_have_the_one_shape(world):
    people, objects = world
    client = client_for(people["moderator"], api=True)
    for response in (
        client.get(API + "/records/zzzzzzzzzzzz"),
        client.get(API + "/records?q=%21%21%21"),
        client.post(
            API + f"/records/{objects['pending'].public_id}/versions/1/reject",
            data="{}",
            content_type="application/json",
        ),
    ):
        body = response.json()
        assert response.status_code in (404, 422) and set(body) == {"detail", "errors"}, body


def _details(prefix, names):
    rows = {row.name: row for row in PAGES + ENDPOINTS}
    return tuple((f"/knowledge/{{{r}.public_id}}/", rows[f"{prefix}-{r}"]) for r in names)


PUBLISHED = ("published", "platform", "hidden")
# The queue lists what the viewer moderates (its contributor reads a version, but not there).
QUEUE_DETAILS = (
    access("moderate-pending", "/knowledge/{pending.public_id}/versions/1/", MODERATE),
    access("moderate-other", "/knowledge/{other_pending.public_id}/versions/1/", OTHER_MODERATE),
)
LISTINGS = [
    (Listing("search", "/knowledge/?q=ransomware", _details("detail", PUBLISHED)), EVERYONE),
    (Listing("browse", "/knowledge/", _details("detail", PUBLISHED)), EVERYONE),
    (
        Listing(
            "api-search", API + "/records?q=ransomware", _details("api-detail", PUBLISHED), api=True
        ),
        EVERYONE,
    ),
    (
        Listing(
            "queue",
            "/knowledge/moderation/",
            (
                ("/knowledge/{pending.public_id}/versions/1/", QUEUE_DETAILS[0]),
                ("/knowledge/{other_pending.public_id}/versions/1/", QUEUE_DETAILS[1]),
            ),
        ),
        QUEUE,
    ),
]


@pytest.mark.parametrize(
    ("listing", "role"),
    [(listing, role) for listing, who in LISTINGS for role in sorted(who)],
    ids=lambda value: getattr(value, "name", value),
)
def test_a_list_shows_exactly_what_its_detail_opens(listing, role, world):
    people, objects = world
    assert_list_matches_details(listing, role, people, objects)


def _more_records(objects, people):
    def grow():
        staff = people["process_secretariat"]
        for n in range(4):
            make_record(staff, title=f"More ransomware guidance {n}", process=objects["process"])

    return grow


@pytest.mark.parametrize("role", ["anonymous", "contributor", "platform_secretariat"])
@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("/knowledge/?q=ransomware", False),
        ("/knowledge/", False),
        (API + "/records?q=ransomware", True),
        ("/knowledge/moderation/", False),
    ],
    ids=["search", "browse", "api", "queue"],
)
def test_the_lists_cost_the_same_queries_however_long(url, api, role, world):
    people, objects = world
    if "moderation" in url and role != "platform_secretariat":
        pytest.skip("the queue is for moderators")
    client = client_for(people[role], api=api)
    assert_constant_queries(client, url, _more_records(objects, people))
