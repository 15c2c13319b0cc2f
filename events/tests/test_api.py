import json

import pytest
from icalendar import Calendar

from events import services
from tests.builders import make_application, make_event, make_organisation, make_token, make_user

pytestmark = pytest.mark.django_db


def post(client, url, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_events_are_listed_with_filters(client, process, other_process):
    make_event(process, slug="a", kind="workshop")
    make_event(other_process, slug="b")
    assert [e["slug"] for e in client.get(f"/api/v1/events?process={process.slug}").json()] == ["a"]
    assert [e["slug"] for e in client.get("/api/v1/events?kind=side_event").json()] == ["b"]
    assert client.get("/api/v1/events?kind=party").status_code == 422


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
    services.publish_speakers_list(item, actor=None)
    public = client.get(f"/api/v1/agenda-items/{item.pk}/speakers").json()
    assert public[0]["spokesperson"] == "Amina" and public[0]["reasons"] == []
