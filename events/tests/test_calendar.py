from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from events.calendar import CalendarEvent, UnknownTimeZone, calendar, venue_zone

SIDE_EVENT = CalendarEvent(
    uid="event-1@consulta.example.org",
    title="Fostering Joint Stakeholder Actions Against Cybercrime Through Inclusive Partnerships",
    start=datetime(2024, 5, 13, 11, 15, tzinfo=UTC),
    end=datetime(2024, 5, 13, 12, 45, tzinfo=UTC),
    time_zone="Europe/Vienna",
    location="Vienna International Centre",
    url="https://consulta.example.org/events/1/",
)


def test_an_event_is_written_in_the_venues_time_zone_and_parses_back():
    parsed = Calendar.from_ical(calendar([SIDE_EVENT], name="CCPCJ 33"))
    (event,) = parsed.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start.utcoffset().total_seconds() == 2 * 3600  # Vienna in May
    assert (start.hour, start.minute) == (13, 15)
    assert event["dtstart"].params["TZID"] == "Europe/Vienna"
    assert str(event["summary"]).startswith("Fostering Joint")
    assert [str(tz["tzid"]) for tz in parsed.walk("VTIMEZONE")] == ["Europe/Vienna"]
    assert parsed["version"] == "2.0" and parsed["prodid"]


def test_a_feed_holds_every_event_once_with_each_zone_once():
    other = CalendarEvent(
        "event-2@x",
        "Online session",
        datetime(2021, 4, 14, 9, tzinfo=UTC),
        datetime(2021, 4, 14, 10, 30, tzinfo=UTC),
        "Europe/Brussels",
    )
    again = CalendarEvent(
        "event-3@x",
        "Follow-up",
        datetime(2021, 5, 14, 9, tzinfo=UTC),
        datetime(2021, 5, 14, 10, tzinfo=UTC),
        "Europe/Brussels",
    )
    parsed = Calendar.from_ical(calendar([SIDE_EVENT, other, again]))
    assert [str(e["uid"]) for e in parsed.walk("VEVENT")] == [
        "event-1@consulta.example.org",
        "event-2@x",
        "event-3@x",
    ]
    assert sorted(str(tz["tzid"]) for tz in parsed.walk("VTIMEZONE")) == [
        "Europe/Brussels",
        "Europe/Vienna",
    ]


@pytest.mark.parametrize("name", ["Vienna", "Mars/Olympus_Mons", "", "../../etc/passwd"])
def test_an_unknown_time_zone_is_a_clear_error(name):
    with pytest.raises(UnknownTimeZone, match="not a time zone"):
        venue_zone(name)
