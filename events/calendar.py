"""iCalendar (RFC 5545) for events: one event, or a feed of several, in the venue's time zone.

The times are written in the venue's zone with its VTIMEZONE, so calendars show a session in
Vienna at 13:15 Vienna time wherever the reader is.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

PRODUCT_ID = "-//Consulta//Events//EN"


class UnknownTimeZone(ValueError):
    pass


def venue_zone(name: str) -> ZoneInfo:
    """The IANA time zone of a venue (Europe/Vienna); a clear error for anything else."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(
            _("“%(name)s” is not a time zone; use a name such as Europe/Vienna.") % {"name": name}
        ) from None


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable and globally unique, e.g. "event-12@consulta.example.org"
    title: str
    start: datetime  # aware
    end: datetime  # aware
    time_zone: str  # the venue's
    location: str = ""
    url: str = ""
    description: str = ""
    updated: datetime | None = None


def _component(item: CalendarEvent) -> Event:
    zone = venue_zone(item.time_zone)
    event = Event()
    event.add("uid", item.uid)
    event.add("summary", item.title)
    event.add("dtstart", item.start.astimezone(zone))
    event.add("dtend", item.end.astimezone(zone))
    event.add("dtstamp", (item.updated or datetime.now(UTC)).astimezone(UTC))
    if item.location:
        event.add("location", item.location)
    if item.url:
        event.add("url", item.url)
    if item.description:
        event.add("description", item.description)
    return event


def ics_response(body: bytes, name: str) -> Any:
    """An iCalendar file as an HTTP attachment (pages and API alike)."""
    from django.http import HttpResponse

    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.ics"'
    return response


def calendar(items: Iterable[CalendarEvent], *, name: str = "") -> bytes:
    """An iCalendar file with these events and the time zones they need."""
    cal = Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    for item in items:
        cal.add_component(_component(item))
    cal.add_missing_timezones()
    return cal.to_ical()
