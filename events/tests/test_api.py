import json

import pytest
from icalendar import Calendar

from events import services
from tests.builders import make_application, make_event, make_organisation, make_token, make_user

pytestmark = pytest.mark.django_db


def post(client, url, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def slugs(response):
    return [e["slug"] for e in response.json()["items"]]


def test_events_are_listed_with_filters(client, process, other_process):
    make_event(process, slug="a", kind="workshop")
    make_event(other_process, slug="b")
    assert slugs(client.get(f"/api/v1/events?process={process.slug}")) == ["a"]
    assert slugs(client.get("/api/v1/events?kind=side_event")) == ["b"]
    assert client.get("/api/v1/events?kind=party").status_code == 422


def test_events_are_listed_a_page_at_a_time_upcoming_first(client, process):
    from datetime import timedelta

    from django.utils import timezone

    past = timezone.now() - timedelta(days=30)
    for number in range(3):
        start = past - timedelta(days=number)
        make_event(
            process,
            slug=f"past-{number}",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            registration_opens_at=None,
        )
        make_event(
            process, slug=f"soon-{number}", starts_at=timezone.now() + timedelta(days=number + 1)
        )
    first = client.get("/api/v1/events?page_size=4").json()
    assert (first["count"], first["pages"], first["previous"]) == (6, 2, None)
    assert [e["slug"] for e in first["items"]] == ["soon-0", "soon-1", "soon-2", "past-0"]
    second = client.get(first["next"]).json()
    assert [e["slug"] for e in second["items"]] == ["past-1", "past-2"]
    assert second["next"] is None
    filtered = client.get("/api/v1/events?from=2000-01-01&kind=side_event&page_size=1").json()
    assert filtered["count"] == 6 and "kind=side_event" in filtered["next"]


def test_registering_through_the_api(client, process, stakeholder):
    event = make_event(process, capacity=1)
    token = make_token(stakeholder)
    url = f"/api/v1/events/{event.pk}/registrations"
    assert post(client, url, {}).status_code == 401
    first = post(client, url, {"consent": True}, token)
    assert first.status_code == 201 and first.json()["state"] == "confirmed"
    again = post(client, url, {}, token)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    waiting = post(client, url, {}, make_token(make_user("late@example.org")))
    assert waiting.json()["state"] == "waiting"
    gone = client.delete(
        f"/api/v1/registrations/{first.json()['id']}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert gone.status_code == 200 and gone.json()["state"] == "cancelled"
    promoted = client.get(f"/api/v1/events/{event.pk}")
    assert promoted.status_code == 200
    assert event.registrations.get(user__email="late@example.org").state == "confirmed"


def test_registration_outside_the_window_answers_409_with_the_dates(client, process, stakeholder):
    from datetime import timedelta

    from django.utils import timezone

    opens = timezone.now() + timedelta(days=2)
    event = make_event(process, registration_opens_at=opens)
    response = post(client, f"/api/v1/events/{event.pk}/registrations", {}, make_token(stakeholder))
    assert response.status_code == 409
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields["registration_opens_at"] == opens.isoformat()


def test_someone_elses_registration_cannot_be_deleted(client, process, stakeholder):
    event = make_event(process)
    mine, _ = services.register(event, actor=stakeholder)
    other = make_token(make_user("other@example.org"))
    response = client.delete(
        f"/api/v1/registrations/{mine.pk}", HTTP_AUTHORIZATION=f"Bearer {other}"
    )
    assert response.status_code == 404


def test_calendars_parse_back_in_the_venues_time_zone(client, process):
    event = make_event(process)
    one = Calendar.from_ical(client.get(f"/api/v1/events/{event.pk}.ics").content)
    vevent = next(c for c in one.walk("VEVENT"))
    assert vevent.decoded("dtstart") == event.starts_at.replace(
        microsecond=0
    )  # iCalendar counts whole seconds
    assert str(vevent["dtstart"].params["TZID"]) == "Europe/Vienna"
    assert any(c.name == "VTIMEZONE" for c in one.walk())
    feed = Calendar.from_ical(client.get(f"/api/v1/processes/{process.slug}/calendar.ics").content)
    assert [str(c["summary"]) for c in feed.walk("VEVENT")] == [event.title]


def test_a_draft_events_calendar_is_not_found(client, process):
    event = make_event(process, status="draft")
    assert client.get(f"/api/v1/events/{event.pk}.ics").status_code == 404


def test_floor_requests_and_the_speakers_list(client, process, process_secretariat):
    event = make_event(process, kind="formal_session", capacity=None)
    item = services.add_agenda_item(event, actor=None, number="1", title="Opening")
    person = make_user("rep1@example.org")
    organisation = make_organisation(person, name="Voices", country="KE")
    url = f"/api/v1/agenda-items/{item.pk}/floor-requests"
    body = {"spokesperson": "Amina", "topic": "Safeguards"}
    refused = post(client, url, body, make_token(person))
    assert refused.status_code == 403 and "accredited" in refused.json()["detail"]
    make_application(process, organisation, state="accredited")
    assert post(client, url, body, make_token(person)).status_code == 201
    assert post(client, url, body, make_token(person)).status_code == 409
    assert client.get(f"/api/v1/agenda-items/{item.pk}/speakers").status_code == 401
    staff = client.get(
        f"/api/v1/agenda-items/{item.pk}/speakers",
        HTTP_AUTHORIZATION=f"Bearer {make_token(process_secretariat)}",
    ).json()
    assert staff[0]["organisation"] == "Voices" and staff[0]["reasons"]
    assert (
        client.get(
            f"/api/v1/agenda-items/{item.pk}/speakers",
            HTTP_AUTHORIZATION=f"Bearer {make_token(make_user('nosy@example.org'))}",
        ).json()["detail"]
        == "This speakers list is not published yet."
    )
    services.publish_speakers_list(item, actor=None)
    public = client.get(f"/api/v1/agenda-items/{item.pk}/speakers").json()
    assert public[0]["spokesperson"] == "Amina" and public[0]["reasons"] == []


def test_organisations_are_named_by_their_public_id(client, process):
    event = make_event(process, kind="formal_session", capacity=None)
    item = services.add_agenda_item(event, actor=None, number="1", title="Opening")
    person = make_user("rep1@example.org")
    organisation = make_organisation(person, name="Voices", country="KE")
    make_application(process, organisation, state="accredited")
    token = make_token(person)
    by_key = post(
        client,
        f"/api/v1/events/{event.pk}/registrations",
        {"organisation_id": organisation.pk},
        token,
    )
    assert by_key.status_code == 422
    unknown = post(
        client, f"/api/v1/events/{event.pk}/registrations", {"organisation_id": "nosuchid"}, token
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "organisation_id"
    registered = post(
        client,
        f"/api/v1/events/{event.pk}/registrations",
        {"organisation_id": organisation.public_id},
        token,
    )
    assert registered.status_code == 201
    assert registered.json()["organisation_id"] == organisation.public_id
    floor = f"/api/v1/agenda-items/{item.pk}/floor-requests"
    body = {"spokesperson": "Amina", "topic": "Safeguards"}
    refused = post(client, floor, {**body, "organisation_id": str(organisation.pk)}, token)
    assert refused.status_code == 403 and "accredited" in refused.json()["detail"]
    asked = post(client, floor, {**body, "organisation_id": organisation.public_id}, token)
    assert asked.status_code == 201 and asked.json()["organisation"] == "Voices"


def test_a_cancelled_event_refuses_registration_with_409(client, process, stakeholder):
    event = make_event(process, status="cancelled")
    response = post(client, f"/api/v1/events/{event.pk}/registrations", {}, make_token(stakeholder))
    assert response.status_code == 409 and "not published" in response.json()["detail"]


def _send(client, method, url, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


NEW_EVENT = {
    "title": "Disclosure policies in practice",
    "slug": "disclosure-in-practice",
    "kind": "workshop",
    "starts_at": "2027-03-01T10:00:00",
    "ends_at": "2027-03-01T12:00:00+01:00",
    "time_zone": "Europe/Vienna",
    "audience": "public",
    "languages": ["en", "fr"],
    "questions": [
        {"label": "Dietary needs", "required": False},
        {"label": "Role", "required": True},
    ],
    "status": "draft",
}


def test_the_secretariat_creates_and_changes_an_event(client, process, process_secretariat):
    from events.models import Event
    from stakeholders.models import ThematicArea

    area = ThematicArea.objects.create(slug="cvd", name="Vulnerability disclosure")
    token = make_token(process_secretariat)
    created = _send(
        client,
        "post",
        f"/api/v1/processes/{process.slug}/events",
        {**NEW_EVENT, "topics": ["cvd"]},
        token,
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["languages"] == ["en", "fr"]
    # A time without an offset is the venue's wall clock; one with an offset is that instant.
    event = Event.objects.get(slug="disclosure-in-practice")
    assert event.starts_at.isoformat() == "2027-03-01T09:00:00+00:00"
    assert event.ends_at.isoformat() == "2027-03-01T11:00:00+00:00"
    assert [q["required"] for q in event.questions] == [False, True]
    assert list(event.topics.all()) == [area]
    changed = _send(
        client,
        "patch",
        f"/api/v1/events/{event.pk}",
        {"capacity": 30, "status": "published"},
        token,
    )
    assert changed.status_code == 200, changed.json()
    event.refresh_from_db()
    # What was not sent is as it was.
    assert (event.capacity, event.status, event.title) == (30, "published", NEW_EVENT["title"])
    assert list(event.topics.all()) == [area] and len(event.questions) == 2


def test_bad_event_input_names_the_field_and_stores_nothing(client, process, process_secretariat):
    from events.models import Event

    token = make_token(process_secretariat)
    url = f"/api/v1/processes/{process.slug}/events"
    for change, field in (
        ({"ends_at": "2027-03-01T09:00:00"}, "ends_at"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"topics": ["nosuch"]}, "topics"),
        ({"series": "nosuch"}, "series"),
        ({"invitees": ["not an address"]}, "invitees"),
        ({"registration_opens_at": "1231-06-08T20:31:18-23:16"}, "registration_opens_at"),
    ):
        response = _send(client, "post", url, {**NEW_EVENT, **change}, token)
        assert response.status_code == 422, (change, response.json())
        assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert _send(client, "post", url, {**NEW_EVENT, "kind": "party"}, token).status_code == 422
    assert not Event.objects.exists()
    make_event(process, slug=NEW_EVENT["slug"])
    taken = _send(client, "post", url, NEW_EVENT, token)
    assert taken.status_code == 422 and taken.json()["errors"][0]["field"] == "slug"
    event = Event.objects.get()
    before = (event.title, event.ends_at)
    bad = _send(
        client,
        "patch",
        f"/api/v1/events/{event.pk}",
        {"title": "New", "ends_at": "2000-01-01T00:00:00Z"},
        token,
    )
    assert bad.status_code == 422
    event.refresh_from_db()
    assert (event.title, event.ends_at) == before


def test_only_the_secretariat_of_the_process_creates_or_changes_events(
    client, process, other_process, other_secretariat, stakeholder, process_secretariat
):
    from events.models import Event

    url = f"/api/v1/processes/{process.slug}/events"
    assert _send(client, "post", url, NEW_EVENT).status_code == 401
    assert _send(client, "post", url, NEW_EVENT, make_token(stakeholder)).status_code == 403
    assert _send(client, "post", url, NEW_EVENT, make_token(other_secretariat)).status_code == 403
    event = make_event(process)
    patch = f"/api/v1/events/{event.pk}"
    assert _send(client, "patch", patch, {"title": "Mine"}).status_code == 401
    assert (
        _send(client, "patch", patch, {"title": "Mine"}, make_token(stakeholder)).status_code == 403
    )
    other = _send(client, "patch", patch, {"title": "Mine"}, make_token(other_secretariat))
    assert other.status_code == 403
    draft = make_event(process, slug="hidden", status="draft")
    hidden = _send(
        client, "patch", f"/api/v1/events/{draft.pk}", {"title": "x"}, make_token(stakeholder)
    )
    assert hidden.status_code == 404
    assert Event.objects.filter(title="Mine").count() == 0
    # An organiser runs its event but does not choose who organises.
    person = make_user("organiser@example.org")
    organisation = make_organisation(person, name="Voices", country="KE")
    services.set_organisers(event, actor=None, organisers=[organisation], co_sponsors=[])
    token = make_token(person)
    assert _send(client, "patch", patch, {"title": "Ours"}, token).status_code == 200
    refused = _send(client, "patch", patch, {"organisers": []}, token)
    assert refused.status_code == 403
    assert _send(client, "post", url, NEW_EVENT, token).status_code == 403
