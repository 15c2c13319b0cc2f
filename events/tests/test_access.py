"""Who reaches which page and endpoint of events, generated from one table per kind of request;
lists that show exactly what their details open; query counts that do not grow with the rows;
an audit entry for every service that writes.

The people are those of tests/access.py, and two of events' own: the administrator of an
organisation that organises the draft event, and a participant, administrator of an accredited
organisation that holds a place, waits with a second place and asked for the floor.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.models import AuditEntry
from events import services
from events.exceptions import WrongState
from events.models import Event, FloorRequest, ProcessTargets, Registration
from tests.access import (
    ROLES,
    Listing,
    access,
    assert_access,
    assert_constant_queries,
    assert_list_matches_details,
    audited,
    cases,
    client_for,
    make_people,
)
from tests.builders import make_application, make_event, make_organisation, make_user

pytestmark = pytest.mark.django_db

EVERYONE_ROLES = (*ROLES, "organiser_admin", "participant")
EVERYONE = frozenset(EVERYONE_ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
RUN_PROCESS = frozenset({"process_secretariat", "platform_secretariat"})
RUN_DRAFT = RUN_PROCESS | {"organiser_admin"}  # its organiser's administrator runs it too
RUN_OTHER = frozenset({"other_secretariat", "platform_secretariat"})

# Each event of the fixture: who sees it, and who runs it.
EVENTS = {
    "draft": (RUN_DRAFT, RUN_DRAFT),
    "published": (EVERYONE, RUN_PROCESS),
    "cancelled": (EVERYONE, RUN_PROCESS),
    "other": (RUN_OTHER, RUN_OTHER),  # a draft of another process
}


def _world(process: Any, other_process: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    people = make_people(process, other_process)
    people["organiser_admin"] = make_user("access.organiser@example.org")
    people["participant"] = make_user("access.participant@example.org")
    organiser = make_organisation(people["organiser_admin"], name="Organising Network")
    voices = make_organisation(people["participant"], name="Voices", country="KE")
    speaker = make_user("access.speaker@example.org")
    others = make_organisation(speaker, name="Other Voices", country="BR")
    for organisation in (voices, others):
        make_application(process, organisation, state="accredited")
    series = services.create_series(process, actor=None, slug="access-series", title="Series")
    draft = make_event(process, slug="ev-draft", title="Draft event", status="draft", series=series)
    services.add_organiser(draft, organiser, actor=None)
    published = make_event(
        process, slug="ev-published", kind="formal_session", series=series, organisation_cap=1
    )
    objects = {
        "process": process,
        "other_process": other_process,
        "series": series,
        "voices": voices,
        "draft": draft,
        "published": published,
        "cancelled": make_event(process, slug="ev-cancelled", status="cancelled"),
        "other": make_event(other_process, slug="ev-other", status="draft"),
        "speaker": services.add_speaker(published, actor=None, name="Ana", role="speaker"),
    }
    services.add_organiser(published, others, actor=None, role="co_sponsor")
    objects |= _registrations(published, voices, people["participant"])
    objects |= _floor(published, draft, people["participant"], speaker)
    return people, objects


def _registrations(event: Event, voices: Any, participant: Any) -> dict[str, Any]:
    """The participant's confirmed place and, over the cap of one, a colleague waiting."""
    colleague = make_user("access.colleague@example.org")
    voices.memberships.create(user=colleague)
    held, _ = services.register(event, actor=participant, organisation_id=voices.pk, consent=True)
    waiting, _ = services.register(event, actor=colleague, organisation_id=voices.pk)
    assert (held.state, waiting.state) == ("confirmed", "waiting")
    return {"registration": held, "waiting": waiting}


def _floor(event: Event, draft: Event, participant: Any, speaker: Any) -> dict[str, Any]:
    item = services.add_agenda_item(event, actor=None, number="1", title="Opening")
    published_item = services.add_agenda_item(event, actor=None, number="2", title="Debate")
    services.publish_speakers_list(published_item, actor=None)

    def ask(person: Any) -> FloorRequest:
        return services.request_floor(
            item, actor=person, organisation_id=None, spokesperson="Amina", topic="Safeguards"
        )

    return {
        "item": item,
        "published_item": published_item,
        "draft_item": services.add_agenda_item(draft, actor=None, number="1", title="Draft"),
        "own_request": ask(participant),
        "others_request": ask(speaker),
    }


@pytest.fixture(scope="module")
def stored_world(django_db_setup, django_db_blocker):
    """The world is built once for the module, in a transaction each test's own nests in and
    rolls back to; the tests read it afresh, so that no test sees another's writes."""
    from django.db import transaction
    from django.test import override_settings

    from tests.builders import make_process

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic(), fast:
        people, objects = _world(
            make_process(slug="ahc-test", status="active"),
            make_process(slug="other-test", name="Another process", status="active"),
        )
        yield (
            {role: user.pk if user else None for role, user in people.items()},
            {key: (type(obj), obj.pk) for key, obj in objects.items()},
        )
        transaction.set_rollback(True)


@pytest.fixture
def world(stored_world, db):
    from accounts.models import User

    people, objects = stored_world
    return (
        {role: User.objects.get(pk=pk) if pk else None for role, pk in people.items()},
        {key: model.objects.get(pk=pk) for key, (model, pk) in objects.items()},
    )


# Pages and endpoints that answer 200 to those who may --------------------------------------------


def _event_rows(key: str, viewers: frozenset[str], managers: frozenset[str]) -> list[Any]:
    page = f"/events/{{{key}.slug}}/"
    api = f"/api/v1/events/{{{key}.pk}}"
    return [
        access(f"detail-{key}", page, viewers),
        access(f"ics-{key}", page + "event.ics", viewers),
        access(f"manage-{key}", page + "manage/", managers),
        access(f"edit-{key}", page + "edit/", managers),
        access(f"api-detail-{key}", api, viewers, api=True),
        access(f"api-ics-{key}", api + ".ics", viewers, api=True),
    ]


# Registering for what does not take registrations is refused, with the reason (400, 409).
NOT_TAKEN = frozenset({302, 400, 401, 403, 404, 409})

PAGES = [
    row
    for key, (viewers, managers) in EVENTS.items()
    for row in _event_rows(key, viewers, managers)
] + [
    access("list", "/events/", EVERYONE),
    access("process-list", "/processes/{process.slug}/events/", EVERYONE),
    access("other-process-list", "/processes/{other_process.slug}/events/", EVERYONE),
    access("series-list", "/events/?series={series.slug}", EVERYONE),
    access("process-feed", "/processes/{process.slug}/calendar.ics", EVERYONE),
    access("series-feed", "/series/{series.slug}/calendar.ics", EVERYONE),
    access("create", "/processes/{process.slug}/events/new/", RUN_PROCESS),
    access("check-in", "/events/{published.slug}/check-in/{registration.token}/", RUN_PROCESS),
    access("qr-code", "/registrations/{registration.pk}/qr.svg", {"participant"}),
    access("agenda-item", "/agenda-items/{item.pk}/", EVERYONE),
    access("agenda-item-published", "/agenda-items/{published_item.pk}/", EVERYONE),
    access("agenda-item-draft", "/agenda-items/{draft_item.pk}/", RUN_DRAFT),
    access("chair", "/agenda-items/{item.pk}/chair/", RUN_PROCESS),
    access("chair-draft", "/agenda-items/{draft_item.pk}/chair/", RUN_DRAFT),
    access("api-list", "/api/v1/events", EVERYONE, api=True),
    access("api-process-feed", "/api/v1/processes/{process.slug}/calendar.ics", EVERYONE, api=True),
    access("api-series-feed", "/api/v1/series/{series.slug}/calendar.ics", EVERYONE, api=True),
    access("api-speakers", "/api/v1/agenda-items/{item.pk}/speakers", RUN_PROCESS, api=True),
    access(
        "api-speakers-published",
        "/api/v1/agenda-items/{published_item.pk}/speakers",
        EVERYONE,
        api=True,
    ),
    access(
        "api-speakers-draft", "/api/v1/agenda-items/{draft_item.pk}/speakers", RUN_DRAFT, api=True
    ),
    access(
        "api-register",
        "/api/v1/events/{published.pk}/registrations",
        SIGNED_IN,
        method="post",
        api=True,
    ),
    access(
        "api-register-draft",
        "/api/v1/events/{draft.pk}/registrations",
        (),
        method="post",
        api=True,
        refused=NOT_TAKEN,
    ),
    access(
        "api-register-cancelled",
        "/api/v1/events/{cancelled.pk}/registrations",
        (),
        method="post",
        api=True,
        refused=NOT_TAKEN,
    ),
    access(
        "api-cancel",
        "/api/v1/registrations/{registration.pk}",
        RUN_PROCESS | {"participant"},
        method="delete",
        api=True,
    ),
    access(
        "api-ask-for-the-floor",
        "/api/v1/agenda-items/{published_item.pk}/floor-requests",
        {"participant"},
        method="post",
        data={"spokesperson": "Amina", "topic": "Safeguards"},
        api=True,
    ),
    access(
        "api-ask-for-the-floor-draft",
        "/api/v1/agenda-items/{draft_item.pk}/floor-requests",
        (),
        method="post",
        data={"spokesperson": "Amina", "topic": "Safeguards"},
        api=True,
    ),
]


@pytest.mark.parametrize(("row", "role"), cases(PAGES, EVERYONE_ROLES))
def test_who_reaches_which_page_and_endpoint(row, role, world):
    people, objects = world
    assert_access(row, role, people, objects)


# Forms that write and redirect: who may, and whether the write happened --------------------------


@dataclass(frozen=True)
class Action:
    """A form posted to a page. Those who may are redirected and the write is done; the others
    are sent to sign in, refused or told why, and nothing is written."""

    name: str
    url: str
    may: frozenset[str]
    data: dict[str, str]
    done: Callable[[dict[str, Any], Any], bool]


def action(name: str, url: str, may: Any, data: dict[str, str], done: Callable) -> Action:
    return Action(name, url, frozenset(may), data, done)


def _state(key: str) -> Callable[[dict[str, Any], Any], str]:
    def read(objects: dict[str, Any], user: Any) -> str:
        found = objects[key]
        found.refresh_from_db()
        return found.state

    return read


def _floor_data(verb: str, key: str = "") -> dict[str, str]:
    return {"action": verb, "request": f"{{{key}.pk}}"} if key else {"action": verb}


def _registered(key: str) -> Callable[[dict[str, Any], Any], bool]:
    def done(objects: dict[str, Any], user: Any) -> bool:
        event = objects[key]
        return bool(user) and event.registrations.filter(user=user, state="confirmed").exists()

    return done


def _outcome(key: str) -> Callable[[dict[str, Any], Any], bool]:
    return lambda o, u: Event.objects.get(pk=o[key].pk).outcome_published_at is not None


def _checked_in(o: dict[str, Any], u: Any) -> bool:
    return Registration.objects.get(pk=o["registration"].pk).checked_in_at is not None


NEW_EVENT = {
    "title": "New",
    "slug": "ev-new",
    "kind": "workshop",
    "time_zone": "Europe/Vienna",
    "starts_at": "2031-01-01T10:00",
    "ends_at": "2031-01-01T12:00",
    "audience": "public",
    "organisation_cap": "2",
    "participant_list": "consent",
}
TARGETS = {"targets": "gender woman 50"}
OUTCOME = {"key_messages": "Partnerships work.", "recommendations": "", "links": ""}

ACTIONS = [
    action(
        "register", "/events/{published.slug}/register/", SIGNED_IN, {}, _registered("published")
    ),
    action("register-draft", "/events/{draft.slug}/register/", (), {}, _registered("draft")),
    action(
        "register-cancelled", "/events/{cancelled.slug}/register/", (), {}, _registered("cancelled")
    ),
    action(
        "cancel",
        "/registrations/{registration.pk}/cancel/",
        RUN_PROCESS | {"participant"},
        {},
        lambda o, u: _state("registration")(o, u) == "cancelled",
    ),
    action(
        "check-in-from-the-list",
        "/registrations/{registration.pk}/check_in/",
        RUN_PROCESS,
        {},
        _checked_in,
    ),
    action(
        "cancel-someone-elses",
        "/registrations/{waiting.pk}/cancel/",
        RUN_PROCESS,
        {},
        lambda o, u: _state("waiting")(o, u) == "cancelled",
    ),
    action(
        "check-in-by-code",
        "/events/{published.slug}/check-in/{registration.token}/",
        RUN_PROCESS,
        {},
        _checked_in,
    ),
    action(
        "swap",
        "/events/{published.slug}/swap/",
        RUN_PROCESS | {"participant"},  # the administrator of the organisation holding it
        {"holder": "{registration.pk}", "to": "{waiting.pk}"},
        lambda o, u: _state("waiting")(o, u) == "confirmed",
    ),
    action(
        "add-speaker",
        "/events/{published.slug}/speakers/",
        RUN_PROCESS,
        {"name": "Bo", "role": "moderator"},
        lambda o, u: o["published"].speakers.filter(name="Bo").exists(),
    ),
    action(
        "add-speaker-draft",
        "/events/{draft.slug}/speakers/",
        RUN_DRAFT,
        {"name": "Bo", "role": "moderator"},
        lambda o, u: o["draft"].speakers.filter(name="Bo").exists(),
    ),
    action(
        "remove-speaker",
        "/events/{published.slug}/speakers/{speaker.pk}/remove/",
        RUN_PROCESS,
        {},
        lambda o, u: not o["published"].speakers.filter(pk=o["speaker"].pk).exists(),
    ),
    action(
        "outcome", "/events/{published.slug}/outcome/", RUN_PROCESS, OUTCOME, _outcome("published")
    ),
    action("outcome-draft", "/events/{draft.slug}/outcome/", RUN_DRAFT, OUTCOME, _outcome("draft")),
    action("outcome-other", "/events/{other.slug}/outcome/", RUN_OTHER, OUTCOME, _outcome("other")),
    action(
        "targets",
        "/events/{published.slug}/targets/",
        RUN_PROCESS,
        TARGETS,
        lambda o, u: Event.objects.get(pk=o["published"].pk).targets != {},
    ),
    action(
        "create",
        "/processes/{process.slug}/events/new/",
        RUN_PROCESS,
        NEW_EVENT,
        lambda o, u: Event.objects.filter(slug="ev-new").exists(),
    ),
    action(
        "process-targets",
        "/processes/{process.slug}/events/targets/",
        RUN_PROCESS,
        TARGETS,
        lambda o, u: ProcessTargets.objects.filter(process=o["process"]).exists(),
    ),
    action(
        "series-targets",
        "/series/{series.slug}/targets/",
        RUN_PROCESS,
        TARGETS,
        lambda o, u: type(o["series"]).objects.get(pk=o["series"].pk).targets != {},
    ),
    action(
        "ask-for-the-floor",
        "/agenda-items/{published_item.pk}/",
        {"participant"},
        {"organisation": "{voices.pk}", "spokesperson": "Amina", "topic": "Safeguards"},
        lambda o, u: o["published_item"].floor_requests.exists(),
    ),
    action(
        "withdraw-own-request",
        "/agenda-items/{item.pk}/action/",
        RUN_PROCESS | {"participant"},
        _floor_data("withdraw", "own_request"),
        lambda o, u: _state("own_request")(o, u) == "withdrawn",
    ),
    action(
        "withdraw-someone-elses-request",
        "/agenda-items/{item.pk}/action/",
        RUN_PROCESS,
        _floor_data("withdraw", "others_request"),
        lambda o, u: _state("others_request")(o, u) == "withdrawn",
    ),
    action(
        "move-a-request",
        "/agenda-items/{item.pk}/action/",
        RUN_PROCESS,
        _floor_data("down", "own_request"),
        lambda o, u: type(o["item"]).objects.get(pk=o["item"].pk).order != [],
    ),
    action(
        "mark-given",
        "/agenda-items/{item.pk}/action/",
        RUN_PROCESS,
        _floor_data("given", "own_request"),
        lambda o, u: _state("own_request")(o, u) == "given",
    ),
    action(
        "publish-the-list",
        "/agenda-items/{item.pk}/action/",
        RUN_PROCESS,
        _floor_data("publish"),
        lambda o, u: type(o["item"]).objects.get(pk=o["item"].pk).published,
    ),
    action(
        "publish-the-draft-list",
        "/agenda-items/{draft_item.pk}/action/",
        RUN_DRAFT,
        _floor_data("publish"),
        lambda o, u: type(o["item"]).objects.get(pk=o["draft_item"].pk).published,
    ),
]

REFUSED = {400, 403, 404}


@pytest.mark.parametrize(
    ("row", "role"),
    [
        pytest.param(row, role, id=f"{row.name}-{role}")
        for row in ACTIONS
        for role in EVERYONE_ROLES
    ],
)
def test_who_may_post_which_form(row, role, world):
    people, objects = world
    user = people[role]
    data = {name: value.format(**objects) for name, value in row.data.items()}
    response = client_for(user).post(row.url.format(**objects), data)
    location = response.get("Location", "")
    if role in row.may:
        assert response.status_code == 302 and "/accounts/login/" not in location, (
            f"{row.name}: {role} may, but got {response.status_code} {location}"
        )
        assert row.done(objects, user), f"{row.name}: {role} may, but nothing was written"
    else:
        refused = response.status_code in REFUSED or "/accounts/login/" in location
        assert refused, f"{row.name}: {role} may not, but got {response.status_code} {location}"
        assert not row.done(objects, user), f"{row.name}: {role} may not, but it was written"


# Lists show exactly what their details open -------------------------------------------------------


def _details(keys: tuple[str, ...], *, api: bool = False, marker: str = "/events/{{{0}.slug}}/"):
    rows = {row.name: row for row in PAGES}
    prefix = "api-detail" if api else "detail"
    return tuple((marker.format(key), rows[f"{prefix}-{key}"]) for key in keys)


ALL_EVENTS = tuple(EVENTS)
IN_PROCESS = ("draft", "published", "cancelled")
IN_SERIES = ("draft", "published")
FEED_MARKER = "event-{{{0}.pk}}@"

LISTINGS = [
    Listing("list", "/events/", _details(ALL_EVENTS)),
    Listing("process-list", "/processes/{process.slug}/events/", _details(IN_PROCESS)),
    Listing("series-list", "/events/?series={series.slug}", _details(IN_SERIES)),
    Listing("api-list", "/api/v1/events", _details(ALL_EVENTS, api=True), api=True),
    Listing(
        "api-process-list",
        "/api/v1/events?process={process.slug}",
        _details(IN_PROCESS, api=True),
        api=True,
    ),
    Listing(
        "process-feed",
        "/processes/{process.slug}/calendar.ics",
        _details(IN_PROCESS, marker=FEED_MARKER),
    ),
    Listing(
        "api-series-feed",
        "/api/v1/series/{series.slug}/calendar.ics",
        _details(IN_SERIES, marker=FEED_MARKER),
        api=True,
    ),
]


@pytest.mark.parametrize(
    ("listing", "role"),
    [pytest.param(li, role, id=f"{li.name}-{role}") for li in LISTINGS for role in EVERYONE_ROLES],
)
def test_a_list_shows_what_its_detail_opens_and_nothing_else(listing, role, world):
    people, objects = world
    assert_list_matches_details(listing, role, people, objects)


def test_an_organisers_admin_finds_the_draft_they_prepare_in_the_lists(world):
    people, objects = world
    client = client_for(people["organiser_admin"])
    assert client.get("/events/ev-draft/").status_code == 200
    assert "/events/ev-draft/" in client.get("/events/").content.decode()
    api = client_for(people["organiser_admin"], api=True).get("/api/v1/events").json()
    assert "ev-draft" in [e["slug"] for e in api["items"]]


# Query counts -------------------------------------------------------------------------------------

LIST_PAGES = [
    "/events/",
    "/processes/{process.slug}/events/",
    "/events/?series={series.slug}",
    "/processes/{process.slug}/calendar.ics",
    "/series/{series.slug}/calendar.ics",
    "/events/{published.slug}/",
    "/events/{published.slug}/manage/",
    "/events/{published.slug}/manage/?q=example",
    "/agenda-items/{item.pk}/",
    "/agenda-items/{published_item.pk}/",
    "/agenda-items/{item.pk}/chair/",
]
LIST_ENDPOINTS = [
    "/api/v1/events",
    "/api/v1/processes/{process.slug}/calendar.ics",
    "/api/v1/agenda-items/{published_item.pk}/speakers",
    "/api/v1/agenda-items/{item.pk}/speakers",
]


def _grow(objects: dict[str, Any], n: int = 3) -> Callable[[], None]:
    """More of everything a list shows: events, registrations, speakers, floor requests."""

    def grow() -> None:
        process, series = objects["process"], objects["series"]
        for number in range(n):
            event = make_event(process, slug=f"ev-more-{number}", series=series)
            services.add_speaker(event, actor=None, name=f"S{number}", role="speaker")
            person = make_user(f"access.more{number}@example.org")
            organisation = make_organisation(person, name=f"More {number}", country="FR")
            make_application(process, organisation, state="accredited")
            for target in (event, objects["published"]):
                services.register(
                    target, actor=person, organisation_id=organisation.pk, consent=True
                )
            for item in (objects["item"], objects["published_item"]):
                services.request_floor(
                    item, actor=person, organisation_id=None, spokesperson="X", topic="Y"
                )
        services.add_organiser(objects["published"], organisation, actor=None)

    return grow


ANYONE = ("anonymous", "process_secretariat", "organiser_admin")
STAFF = ("process_secretariat",)  # pages only those who run the event open


@pytest.mark.parametrize(
    ("url", "role"),
    [
        pytest.param(url, role, id=f"{url}-{role}")
        for url in LIST_PAGES + LIST_ENDPOINTS
        for role in (STAFF if any(w in url for w in ("manage", "chair", "/{item")) else ANYONE)
    ],
)
def test_a_list_costs_as_many_queries_with_more_rows(url, role, world):
    people, objects = world
    client = client_for(people[role], api=url in LIST_ENDPOINTS)
    assert_constant_queries(client, url.format(**objects), _grow(objects))


# Rules a removed line would let through -----------------------------------------------------------


def test_no_one_withdraws_another_organisations_request_for_the_floor(world):
    people, objects = world
    others_request = objects["others_request"]
    with pytest.raises(PermissionDenied):
        services.withdraw_floor_request(others_request, actor=people["participant"])
    with pytest.raises(PermissionDenied):
        services.withdraw_floor_request(others_request, actor=people["organiser_admin"])
    others_request.refresh_from_db()
    assert others_request.state == "requested"
    services.withdraw_floor_request(objects["own_request"], actor=people["participant"])
    assert objects["own_request"].state == "withdrawn"


def test_only_those_who_run_the_event_move_a_request(world):
    people, objects = world
    with pytest.raises(PermissionDenied):
        services.move_floor_request(objects["own_request"], actor=people["participant"], up=False)
    item = services.move_floor_request(
        objects["own_request"], actor=people["process_secretariat"], up=False
    )
    assert item.order == [objects["others_request"].pk, objects["own_request"].pk]


@pytest.mark.parametrize("state", ["waiting", "pending", "declined", "cancelled"])
def test_an_unconfirmed_registration_is_not_checked_in(state, world):
    people, objects = world
    registration = objects["waiting"]
    Registration.objects.filter(pk=registration.pk).update(state=state)
    with pytest.raises(WrongState):
        services.check_in(registration, actor=people["process_secretariat"])
    client = client_for(people["process_secretariat"])
    client.post(f"/registrations/{registration.pk}/check_in/")
    client.post(f"/events/ev-published/check-in/{registration.token}/")
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_checking_in_twice_writes_one_entry(world):
    people, objects = world
    staff = people["process_secretariat"]
    services.check_in(objects["registration"], actor=staff)
    services.check_in(objects["registration"], actor=staff)
    entries = AuditEntry.objects.filter(action="events.registration.checked_in")
    assert entries.count() == 1


def test_a_refusal_while_creating_an_event_leaves_nothing(world, monkeypatch):
    people, objects = world

    def refuse(*args, **kwargs):
        raise WrongState("The organisers cannot be set.")

    monkeypatch.setattr("events.services.setup.set_organisers", refuse)
    client = client_for(people["process_secretariat"])
    response = client.post(f"/processes/{objects['process'].slug}/events/new/", NEW_EVENT)
    assert (
        response.status_code == 400 and "The organisers cannot be set." in response.content.decode()
    )
    assert not Event.objects.filter(slug="ev-new").exists()


# Every service that writes, writes its audit entry ------------------------------------------------


def _later(days: int = 9) -> dict[str, Any]:
    start = timezone.now() + timedelta(days=days)
    return {"starts_at": start, "ends_at": start + timedelta(hours=1)}


def _request_for(objects: dict[str, Any], people: dict[str, Any]) -> Any:
    return services.request_floor(
        objects["published_item"],
        actor=people["participant"],
        organisation_id=None,
        spokesperson="Amina",
        topic="Evidence",
    )


WRITES: list[tuple[str, Callable[[dict[str, Any], dict[str, Any]], Any]]] = [
    (
        "events.series.created",
        lambda o, p: services.create_series(o["process"], actor=None, slug="s2", title="S"),
    ),
    ("events.event.created", lambda o, p: make_event(o["process"], slug="ev-audited")),
    (
        "events.event.changed",
        lambda o, p: services.update_event(o["published"], actor=None, title="Renamed"),
    ),
    (
        "events.invitees.changed",
        lambda o, p: services.set_invitees(o["published"], ["a@example.org"], actor=None),
    ),
    (
        "events.organisers.changed",
        lambda o, p: services.set_organisers(
            o["published"], actor=None, organisers=[o["voices"]], co_sponsors=[]
        ),
    ),
    (
        "events.organiser.added",
        lambda o, p: services.add_organiser(o["published"], o["voices"], actor=None),
    ),
    (
        "events.speaker.added",
        lambda o, p: services.add_speaker(o["published"], actor=None, name="B", role="speaker"),
    ),
    ("events.speaker.removed", lambda o, p: services.remove_speaker(o["speaker"], actor=None)),
    (
        "events.registration.created",
        lambda o, p: services.register(o["published"], actor=p["stakeholder"]),
    ),
    (
        "events.registration.cancelled",
        lambda o, p: services.cancel_registration(o["registration"], actor=p["participant"]),
    ),
    (
        "events.registration.promoted",
        lambda o, p: services.cancel_registration(o["registration"], actor=p["participant"]),
    ),
    (
        "events.registration.swapped",
        lambda o, p: services.swap_place(o["registration"], o["waiting"], actor=p["participant"]),
    ),
    (
        "events.registration.decided",
        lambda o, p: services.decide_registration(
            services.register(
                make_event(o["process"], slug="ev-approved", requires_approval=True),
                actor=p["stakeholder"],
            )[0],
            actor=None,
            approve=True,
        ),
    ),
    (
        "events.registration.checked_in",
        lambda o, p: services.check_in(o["registration"], actor=p["process_secretariat"]),
    ),
    (
        "events.outcome.published",
        lambda o, p: services.publish_outcome(
            o["published"], actor=None, key_messages="K", recommendations="", links=[]
        ),
    ),
    (
        "events.targets.changed",
        lambda o, p: services.set_targets(o["published"], {"gender": {"woman": 50}}, actor=None),
    ),
    (
        "events.targets.changed",
        lambda o, p: services.set_scope_targets(
            o["process"], {"gender": {"woman": 50}}, actor=None
        ),
    ),
    (
        "events.targets.changed",
        lambda o, p: services.set_scope_targets(o["series"], {"gender": {"woman": 50}}, actor=None),
    ),
    (
        "events.agenda_item.added",
        lambda o, p: services.add_agenda_item(o["published"], actor=None, number="9", title="T"),
    ),
    ("events.floor.requested", lambda o, p: _request_for(o, p)),
    (
        "events.floor.withdrawn",
        lambda o, p: services.withdraw_floor_request(o["own_request"], actor=p["participant"]),
    ),
    (
        "events.floor.reordered",
        lambda o, p: services.reorder_floor(o["item"], [o["others_request"].pk], actor=None),
    ),
    (
        "events.floor.reordered",
        lambda o, p: services.move_floor_request(
            o["own_request"], actor=p["process_secretariat"], up=False
        ),
    ),
    ("events.floor.given", lambda o, p: services.mark_given(o["own_request"], actor=None)),
    (
        "events.floor.published",
        lambda o, p: services.publish_speakers_list(o["item"], actor=None),
    ),
    (
        "events.floor.unpublished",
        lambda o, p: services.publish_speakers_list(
            o["published_item"], actor=None, published=False
        ),
    ),
]


@pytest.mark.parametrize(
    ("entry", "write"),
    [pytest.param(entry, write, id=f"{entry}-{n}") for n, (entry, write) in enumerate(WRITES)],
)
def test_every_write_is_audited(entry, write, world):
    people, objects = world
    with audited(entry):
        write(objects, people)
