"""Endpoints of events: listing, registering, calendars, and the floor."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError

from api.auth import required_auth
from api.errors import ApiError, form_error, responses
from api.pagination import PagePagination
from core.permissions import has_perm
from core.selectors import process_for
from stakeholders.protection import display_name

from . import permissions as perms
from . import selectors, services
from .calendar import UnknownTimeZone, calendar, ics_response
from .choices import Audience, EventKind, EventStatus, ListMode
from .exceptions import EventsError, InvalidAnswers, NotAccredited, NotAdmitted, RegistrationClosed
from .models import AgendaItem, Event, Registration

router = Router(tags=["events"])


class EventOut(Schema):
    id: int
    slug: str
    process: str
    series: str | None
    kind: str
    title: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    venue: str
    online_url: str
    languages: list[str]
    capacity: int | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    status: str
    url: str


def event_payload(e: Event) -> dict[str, Any]:
    return {
        "id": e.pk,
        "slug": e.slug,
        "process": e.process.slug,
        "series": e.series.slug if e.series else None,
        "kind": e.kind,
        "title": e.title,
        "summary": e.summary,
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "time_zone": e.time_zone,
        "venue": e.venue,
        "online_url": e.online_url,
        "languages": e.languages,
        "capacity": e.capacity,
        "registration_opens_at": e.registration_opens_at,
        "registration_closes_at": e.registration_closes_at,
        "status": e.status,
        "url": f"/events/{e.slug}/",
    }


class EventPage(Schema):
    items: list[EventOut]
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


def _check(request: HttpRequest, name: str, obj: Any, detail: str = "") -> None:
    """The endpoint's permission on the object found through the caller's scope: 401 for the
    anonymous, else 403 (with the reason, where there is one to give)."""
    if has_perm(request.user, name, obj):
        return
    if not request.user.is_authenticated:
        raise AuthenticationError()
    raise ApiError(403, detail or _("You do not have permission to do this."))


class EventFilters(Schema):
    process: str = ""
    series: str = ""
    kind: EventKind | None = None
    start: date | None = Field(None, alias="from", description="events ending on or after")
    end: date | None = Field(None, alias="to", description="events starting on or before")


@router.get(
    "/events",
    response=responses({200: EventPage}, 422),
    summary="List events (upcoming first)",
)
def list_events(
    request: HttpRequest, filters: Query[EventFilters], paging: Query[PagePagination.Input]
) -> dict[str, Any]:
    """Events the caller may see, filtered by process, series, kind and dates, a page at a
    time."""
    data = {
        "process": filters.process,
        "series": filters.series,
        "kind": filters.kind.value if filters.kind else "",
        "start": filters.start,
        "end": filters.end,
    }
    events = selectors.event_list(request.user, data)
    page = PagePagination().paginate_queryset(events, paging, request)
    page["items"] = [event_payload(e) for e in page["items"]]
    return page


def _event(request: HttpRequest, pk: int) -> Event:
    return selectors.event_for(request.user, pk=pk)


@router.get("/events/{int:pk}", response=responses({200: EventOut}, 404), summary="Read an event")
def get_event(request: HttpRequest, pk: int) -> dict[str, Any]:
    """One event."""
    return event_payload(_event(request, pk))


# Creating and changing (the secretariat's, as on the pages) --------------------------------------


class QuestionIn(Schema):
    label: str = Field(..., min_length=1, max_length=200)
    required: bool = False


class EventChange(Schema):
    """An event's settings. Times with an offset are taken as that instant; times without one
    are the venue's wall clock, as on the page."""

    title: str | None = Field(None, min_length=1, max_length=250)
    kind: EventKind | None = None
    series: str | None = Field(None, description="the slug of a series of the process; '' for none")
    summary: str | None = Field(None, description="Markdown")
    time_zone: str | None = Field(None, description="an IANA name, e.g. Europe/Vienna")
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    venue: str | None = Field(None, max_length=250)
    online_url: str | None = None
    languages: list[str] | None = None
    topics: list[str] | None = Field(None, description="slugs of thematic areas")
    organisers: list[str] | None = Field(None, description="public ids of organisations")
    co_sponsors: list[str] | None = Field(None, description="public ids of organisations")
    capacity: int | None = Field(None, ge=1)
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    requires_approval: bool | None = None
    audience: Audience | None = None
    organisation_cap: int | None = Field(None, ge=0, le=100, description="0: no cap")
    participant_list: ListMode | None = None
    invitees: list[str] | None = Field(None, description="e-mail addresses of the invited list")
    questions: list[QuestionIn] | None = Field(None, description="registration questions")
    status: EventStatus | None = None


class EventIn(EventChange):
    title: str = Field(..., min_length=1, max_length=250)
    slug: str = Field(..., min_length=1, max_length=80)
    kind: EventKind
    starts_at: datetime
    ends_at: datetime
    audience: Audience


YEARS = (1970, 2200)
_TIMES = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


def _form_data(
    process: Any, changes: dict[str, Any], start: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The event form's data: its present values (`start`) with the request's changes, each in
    the form's terms. Names that match nothing are returned as field errors."""
    from zoneinfo import ZoneInfo

    from stakeholders.models import ThematicArea

    data = {k: v for k, v in start.items() if v is not None}
    errors: list[dict[str, str]] = []
    for name, value in changes.items():
        if name == "series":
            series = process.event_series.filter(slug=value).first() if value else None
            if value and series is None:
                errors.append({"field": "series", "message": _("No such series in the process.")})
            data["series"] = series.pk if series else ""
        elif name == "topics":
            areas = dict(ThematicArea.objects.filter(slug__in=value).values_list("slug", "pk"))
            unknown = sorted(set(value) - set(areas))
            if unknown:
                message = _("Unknown: %(slugs)s") % {"slugs": ", ".join(unknown)}
                errors.append({"field": "topics", "message": message})
            data["topics"] = list(areas.values())
        elif name == "languages":
            data["languages"] = ", ".join(value)
        elif name == "invitees":
            data["invitees"] = "\n".join(value)
        elif name == "questions":
            data["questions"] = "\n".join(
                q["label"].replace("\n", " ") + (" *" if q["required"] else "") for q in value
            )
        elif name in ("requires_approval",):
            data[name] = bool(value)
        else:
            data[name] = value
    try:
        zone = ZoneInfo(str(data.get("time_zone") or "UTC"))
    except (ValueError, KeyError):
        zone = None  # the form says what is wrong with the name
    for name in _TIMES:
        value = data.get(name)
        if not isinstance(value, datetime):
            continue
        if not YEARS[0] <= value.year <= YEARS[1]:
            # Before time zones were standard, a venue's offset is in seconds: no calendar
            # reads it, and no meeting of these processes was held then.
            message = _("Give a date between %(first)s and %(last)s.") % {
                "first": YEARS[0],
                "last": YEARS[1],
            }
            errors.append({"field": name, "message": message})
        elif value.tzinfo is not None and zone is not None:
            data[name] = value.astimezone(zone).replace(tzinfo=None)
    if not data.get("requires_approval"):
        data.pop("requires_approval", None)  # an unchecked box is an absent one
    return data, errors


def _save(request: HttpRequest, process: Any, payload: EventChange, event: Event | None) -> Event:
    from .forms import EventForm, event_initial

    # An explicit null means "as it is" (on a new event, the page's default), except where null
    # is a value: no capacity, no series.
    changes = {
        k: v
        for k, v in payload.dict(exclude_unset=True).items()
        if v is not None or k in ("capacity", "series")
    }
    status = changes.pop("status", None)
    if event is not None:
        start = event_initial(event)
    else:  # what the empty page form holds
        blank = EventForm(process=process, viewer=request.user)
        start = {name: field.initial for name, field in blank.fields.items()}
    data, errors = _form_data(process, changes, start)
    form = EventForm(data, process=process, viewer=request.user, editing=event is not None)
    if ("organisers" in changes or "co_sponsors" in changes) and "organisers" not in form.fields:
        raise ApiError(403, _("Only the secretariat chooses who organises an event."))
    if errors:
        raise ApiError(422, _("The request is not valid."), errors)
    if not form.is_valid():
        raise form_error(form)
    fields = dict(form.cleaned_data)
    series_id = fields.pop("series")
    fields["series"] = process.event_series.filter(pk=series_id).first() if series_id else None
    if "organisers" not in form.fields or (
        event is not None and "organisers" not in changes and "co_sponsors" not in changes
    ):
        fields["organisers"] = None  # left as they are
        fields.pop("co_sponsors", None)
    if status is not None:
        fields["status"] = status
    try:
        if event is None:
            return services.create_event(process, actor=request.user, **fields)
        fields.pop("slug", None)
        return services.update_event(event, actor=request.user, **fields)
    except UnknownTimeZone as exc:
        raise ApiError(422, str(exc), [{"field": "time_zone", "message": str(exc)}]) from None
    except ValidationError as exc:
        raise ApiError(
            422,
            _("The request is not valid."),
            [
                {"field": "" if f == "__all__" else f, "message": " ".join(m)}
                for f, m in exc.message_dict.items()
            ],
        ) from None
    except EventsError as exc:
        raise ApiError(409, str(exc)) from None


@router.post(
    "/processes/{slug}/events",
    response=responses({201: EventOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Create an event in a process",
)
def create_event(request: HttpRequest, slug: str, payload: EventIn) -> Status[dict[str, Any]]:
    """For the process's secretariat. The rules are the event page's: the same checks, the
    same errors (each field named)."""
    process = process_for(request.user, slug)
    _check(request, perms.CREATE, process)
    return Status(201, event_payload(_save(request, process, payload, None)))


@router.patch(
    "/events/{int:pk}",
    response=responses({200: EventOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Change an event",
)
def change_event(request: HttpRequest, pk: int, payload: EventChange) -> dict[str, Any]:
    """Those who run the event change what is sent and nothing else; organisers are the
    secretariat's to choose."""
    event = _event(request, pk)
    _check(request, perms.MANAGE, event)
    return event_payload(_save(request, event.process, payload, event))


@router.get(
    "/events/{int:pk}.ics", response=responses({200: None}, 404), summary="One event as iCalendar"
)
def event_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """The event in the venue's time zone (RFC 5545)."""
    event = _event(request, pk)
    return ics_response(calendar([selectors.calendar_item(event)]), event.slug)


@router.get(
    "/processes/{slug}/calendar.ics",
    response=responses({200: None}, 404),
    summary="A process's events as an iCalendar feed",
)
def process_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """Every event of the process the caller may see."""
    return ics_response(selectors.feed(request.user, process_for(request.user, slug)), slug)


@router.get(
    "/series/{slug}/calendar.ics",
    response=responses({200: None}, 404),
    summary="A series's events as an iCalendar feed",
)
def series_ics(request: HttpRequest, slug: str) -> HttpResponse:
    """Every event of the series the caller may see."""
    return ics_response(
        selectors.feed(request.user, selectors.series_for(request.user, slug)), slug
    )


OrganisationId = Field(
    None,
    min_length=1,
    max_length=16,
    description="the public id of an organisation one represents (as /organisations names it)",
)


class RegistrationIn(Schema):
    organisation_id: str | None = OrganisationId
    consent: bool = Field(False, description="list my name among the participants")
    answers: dict[str, str] = Field({}, description="answers to the registration questions")


class RegistrationOut(Schema):
    id: int
    event: int
    state: str
    organisation_id: str | None = Field(description="the organisation's public id")
    consent: bool
    created_at: datetime


def registration_payload(r: Registration) -> dict[str, Any]:
    return {
        "id": r.pk,
        "event": r.event_id,
        "state": r.state,
        "organisation_id": r.organisation.public_id if r.organisation else None,
        "consent": r.consent,
        "created_at": r.created_at,
    }


@router.post(
    "/events/{int:pk}/registrations",
    response=responses({201: RegistrationOut, 200: RegistrationOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Register for an event",
)
def register(request: HttpRequest, pk: int, payload: RegistrationIn) -> Status[dict[str, Any]]:
    """201 with the new registration (confirmed, waiting or pending); registering twice
    returns the existing one (200). Outside the window: 409 with the dates."""
    event = _event(request, pk)
    _check(request, perms.REGISTER, event, str(NotAdmitted()))
    try:
        registration, created = services.register(
            event,
            actor=request.user,
            organisation_id=payload.organisation_id,
            consent=payload.consent,
            answers=payload.answers,
        )
    except NotAdmitted as exc:
        raise ApiError(403, str(exc)) from None
    except RegistrationClosed as exc:
        raise ApiError(
            409,
            str(exc),
            [
                {
                    "field": "registration_opens_at",
                    "message": exc.opens.isoformat() if exc.opens else "",
                },
                {
                    "field": "registration_closes_at",
                    "message": exc.closes.isoformat() if exc.closes else "",
                },
            ],
        ) from None
    except InvalidAnswers as exc:
        raise ApiError(422, str(exc), exc.errors) from None
    except EventsError as exc:  # not published: cancelled, say
        raise ApiError(409, str(exc)) from None
    return Status(201 if created else 200, registration_payload(registration))


@router.delete(
    "/registrations/{pk}",
    response=responses({200: RegistrationOut}, 401, 404, 409),
    auth=required_auth,
    summary="Cancel a registration",
)
def cancel(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Its holder (or the organisers) cancels; the place goes to the waiting list."""
    registration = selectors.registration_for(request.user, pk)
    _check(request, perms.CANCEL_REGISTRATION, registration)
    try:
        services.cancel_registration(registration, actor=request.user)
    except EventsError as exc:
        raise ApiError(409, str(exc)) from None
    return registration_payload(registration)


def _item(request: HttpRequest, pk: int) -> AgendaItem:
    return selectors.agenda_item_for(request.user, pk)


class FloorRequestIn(Schema):
    organisation_id: str | None = OrganisationId
    spokesperson: str = Field(..., min_length=1, max_length=200)
    topic: str = Field(..., min_length=1, max_length=300)
    gender: str = Field("", description="the spokesperson's, if they wish to declare it")


class SpeakerLineOut(Schema):
    position: int
    request_id: int
    organisation: str
    spokesperson: str
    topic: str
    state: str
    reasons: list[str] = Field([], description="why this place (secretariat only)")


@router.post(
    "/agenda-items/{pk}/floor-requests",
    response=responses({201: SpeakerLineOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Ask for the floor under an agenda item",
)
def request_floor(request: HttpRequest, pk: int, payload: FloorRequestIn) -> Status[dict[str, Any]]:
    """For organisations accredited to the process; refused (403) with the reason otherwise."""
    item = _item(request, pk)
    _check(request, perms.REQUEST_FLOOR, item, str(NotAccredited()))
    try:
        found = services.request_floor(
            item,
            actor=request.user,
            organisation_id=payload.organisation_id,
            spokesperson=payload.spokesperson,
            topic=payload.topic,
            gender=payload.gender,
        )
    except NotAccredited as exc:
        raise ApiError(403, str(exc)) from None
    except ValidationError as exc:
        errors = [{"field": k, "message": " ".join(v)} for k, v in exc.message_dict.items()]
        raise ApiError(422, "The request is not valid.", errors) from None
    except EventsError as exc:
        raise ApiError(409, str(exc)) from None
    return Status(
        201,
        {
            "position": 0,
            "request_id": found.pk,
            "organisation": display_name(found.organisation, request.user),
            "spokesperson": found.spokesperson,
            "topic": found.topic,
            "state": found.state,
            "reasons": [],
        },
    )


@router.get(
    "/agenda-items/{pk}/speakers",
    response=responses({200: list[SpeakerLineOut]}, 403, 404),
    summary="Read an agenda item's speakers list",
)
def speakers(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    """The published list; the secretariat also reads it before publication, with the reasons."""
    item = _item(request, pk)
    _check(request, perms.VIEW_SPEAKERS_LIST, item, "This speakers list is not published yet.")
    managing = has_perm(request.user, perms.RUN_FLOOR, item)
    return [
        {
            "position": line.position,
            "request_id": line.request.pk,
            "organisation": line.name,
            "spokesperson": line.spokesperson,
            "topic": line.request.topic,
            "state": line.request.state,
            "reasons": list(line.reasons) if managing else [],
        }
        for line in selectors.speakers_list(item, request.user)
    ]
