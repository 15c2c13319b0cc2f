"""Every page and endpoint of negotiating texts, from both sides: who may, who may not, and
the right role on another process's object (tests/access.py turns each row into tests)."""

import pytest

from drafts import services
from drafts.services import Draft
from tests import builders
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
)

EVERYONE = set(ROLES) | {"representative", "moderator"}
STAFF = {"process_secretariat", "platform_secretariat"}
MODERATORS = STAFF | {"moderator"}
WRITERS = {"representative", "delegate"}
ALL_ROLES = (*ROLES, "representative", "moderator")


@pytest.fixture
def world(process, other_process):
    people = make_people(process, other_process)
    representative, organisation = builders.make_accredited_representative(process)
    people["representative"] = representative
    people["moderator"] = builders.make_user(
        "access.mod@example.org", role="moderator", process=process
    )
    text = builders.make_text(process)
    first = builders.make_revision(text)
    second = builders.make_revision(text, title="Revised draft text")
    hidden = builders.make_text(process, slug="hidden-text", title="Hidden text", status="draft")
    builders.make_revision(hidden, title="Staff only")
    elsewhere = builders.make_text(
        other_process, slug="elsewhere", title="Elsewhere", status="draft"
    )
    builders.make_revision(elsewhere, title="Other staff only")
    draft = Draft(
        kind="written",
        speaks_for=f"org:{organisation.public_id}",
        language="en",
        title="Pending words",
        body="Please protect researchers.",
    )
    pending = services.submit_submission(
        services.create_submission(first, actor=representative, draft=draft), actor=representative
    )
    draft.title = "Published words"
    published = services.submit_submission(
        services.create_submission(first, actor=representative, draft=draft), actor=representative
    )
    services.moderate_submission(published, actor=people["process_secretariat"], decision="publish")
    objects = {
        "process": process,
        "text": text,
        "first": first,
        "second": second,
        "hidden": hidden,
        "elsewhere": elsewhere,
        "pending": pending,
        "published": published,
    }
    return people, objects


R = "/texts/{text.slug}/revisions/1/"
TABLE = [
    access("texts", "/processes/{process.slug}/texts/", EVERYONE),
    access("text", "/texts/{text.slug}/", EVERYONE),
    access("hidden-text", "/texts/{hidden.slug}/", STAFF),
    access(
        "other-process-text",
        "/texts/{elsewhere.slug}/",
        {"platform_secretariat", "other_secretariat"},
    ),
    access("revision", R, EVERYONE),
    access("hidden-revision", "/texts/{hidden.slug}/revisions/1/", STAFF),
    access("export-akn", R + "export.akn", EVERYONE),
    access("export-md", R + "export.md", EVERYONE),
    access("export-html", R + "export.html", EVERYONE),
    access("diff", "/texts/{text.slug}/diff/1/2/", EVERYONE),
    access("hidden-diff", "/texts/{hidden.slug}/diff/1/1/", STAFF),
    access("compilation", R + "compilation/", EVERYONE),
    access("compilation-csv", R + "compilation.csv", EVERYONE),
    access("influence", "/texts/{text.slug}/revisions/2/influence/", EVERYONE),
    access("write", R + "submissions/new/", WRITERS),
    access("moderation", R + "moderation/", MODERATORS),
    access("pending", "/submissions/{pending.public_id}/", MODERATORS | {"representative"}),
    access("published", "/submissions/{published.public_id}/", EVERYONE),
    access("edit-sent", "/submissions/{pending.public_id}/edit/", set()),
    # The API
    access("api-texts", "/api/v1/processes/{process.slug}/texts", EVERYONE, api=True),
    access("api-text", "/api/v1/texts/{text.slug}", EVERYONE, api=True),
    access("api-hidden-text", "/api/v1/texts/{hidden.slug}", STAFF, api=True),
    access("api-revision", "/api/v1/revisions/{first.pk}", EVERYONE, api=True),
    access("api-export", "/api/v1/revisions/{first.pk}/export?format=akn", EVERYONE, api=True),
    access("api-diff", "/api/v1/revisions/{first.pk}/diff/{second.pk}", EVERYONE, api=True),
    access("api-submissions", "/api/v1/revisions/{first.pk}/submissions", EVERYONE, api=True),
    access(
        "api-pending",
        "/api/v1/submissions/{pending.public_id}",
        MODERATORS | {"representative"},
        api=True,
    ),
    access("api-compilation", "/api/v1/revisions/{first.pk}/compilation", EVERYONE, api=True),
    access("api-influence", "/api/v1/revisions/{second.pk}/influence", EVERYONE, api=True),
    access("api-queue", "/api/v1/revisions/{first.pk}/moderation", MODERATORS, api=True),
]


@pytest.mark.parametrize(("row", "role"), cases(TABLE, ALL_ROLES))
def test_access(row, role, world):
    people, objects = world
    assert_access(row, role, people, objects)


LISTINGS = [
    Listing(
        "texts",
        "/processes/{process.slug}/texts/",
        (
            ("Hidden text", access("h", "/texts/{hidden.slug}/", STAFF)),
            ("Draft convention", access("t", "/texts/{text.slug}/", EVERYONE)),
        ),
    ),
    Listing(
        "api-submissions",
        "/api/v1/revisions/{first.pk}/submissions",
        (
            (
                "Pending words",
                access("p", "/api/v1/submissions/{pending.public_id}", set(), api=True),
            ),
            (
                "Published words",
                access("q", "/api/v1/submissions/{published.public_id}", set(), api=True),
            ),
        ),
        api=True,
    ),
]


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.name)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_lists_show_what_details_open(listing, role, world):
    people, objects = world
    assert_list_matches_details(listing, role, people, objects)


@pytest.mark.parametrize(
    "url",
    [
        "/texts/draft-convention/revisions/1/compilation/",
        "/texts/draft-convention/revisions/1/",
        "/api/v1/revisions/{first.pk}/submissions",
        "/api/v1/revisions/{first.pk}/compilation",
    ],
)
def test_lists_cost_a_fixed_number_of_queries(url, world, delegate):
    people, objects = world
    first = objects["first"]

    def grow():
        for n in range(6):
            draft = Draft(
                kind="written",
                speaks_for="state:US",
                language="es",
                title=f"Más {n}",
                body="Apoyamos el artículo.",
                articles=["chp_2__art_3"] if n % 2 else [],
            )
            services.submit_submission(
                services.create_submission(first, actor=delegate, draft=draft), actor=delegate
            )

    assert_constant_queries(client_for(people["moderator"]), url.format(**objects), grow)
