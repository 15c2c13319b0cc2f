"""Reads of events, scoped to the viewer, and the figures their pages show."""

import io
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.disclosure import Cell, protect
from core.fields import is_id
from core.home import Item
from core.models import Process
from core.permissions import has_perm
from core.selectors import processes_visible_to
from stakeholders.choices import MemberRole
from stakeholders.models import Organisation
from stakeholders.protection import (
    display_name,
    is_anonymised,
    person_is_hidden,
    region_labels,
    sees_everything,
)
from stakeholders.selectors import accredited_organisations_of, organisations_of

from .calendar import CalendarEvent, calendar
from .choices import ACTIVE_STATES, Audience, EventStatus, FloorState, ListMode, OrganiserRole
from .choices import RegistrationState as R
from .floor import FloorRequest as Candidate
from .floor import propose_order
from .models import AgendaItem, Event, FloorRequest, Registration, Series
from .permissions import MANAGE


def _upcoming_first() -> list[Any]:
    """Upcoming events first (soonest first), then past ones (latest first), in one query."""
    now = timezone.now()
    past = Case(When(ends_at__lt=now, then=Value(1)), default=Value(0))
    upcoming_start = Case(When(ends_at__gte=now, then=F("starts_at")))
    return [past.asc(), upcoming_start.asc(), F("starts_at").desc(), "pk"]


def event_list(viewer: Any, filters: dict[str, Any]) -> QuerySet[Event]:
    """The events the viewer may see, filtered; upcoming first, then past ones."""
    qs = Event.objects.restrict(viewer).select_related("process", "series")
    if filters.get("process"):
        qs = qs.filter(process__slug=filters["process"])
    if filters.get("series"):
        qs = qs.filter(series__slug=filters["series"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("start"):
        qs = qs.filter(ends_at__date__gte=filters["start"])
    if filters.get("end"):
        qs = qs.filter(starts_at__date__lte=filters["end"])
    return qs.order_by(*_upcoming_first())


def events_in(scope: Process | Series, viewer: Any) -> QuerySet[Event]:
    """The events of a process or a series that the viewer may see."""
    field = "series" if isinstance(scope, Series) else "process"
    return Event.objects.restrict(viewer).filter(**{field: scope})


def event_for(viewer: Any, slug: str | None = None, *, pk: int | None = None) -> Event:
    """The event (by short name or id) if the viewer may see it; otherwise 404."""
    lookup: dict[str, Any] = {"slug": slug} if slug is not None else {"pk": pk}
    events = Event.objects.restrict(viewer).select_related("process", "series")
    found = events.filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def agenda_item_for(viewer: Any, pk: int) -> AgendaItem:
    """The agenda item if the viewer may see its event; otherwise 404."""
    found = (
        AgendaItem.objects.restrict(viewer)
        .select_related("event__process", "event__series")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def floor_request_under(item: AgendaItem, raw: Any, *, listed: bool = False) -> FloorRequest:
    """The request (by the id a form posted) under this agenda item, if `listed` only one on the
    speakers list (not withdrawn); otherwise 404."""
    if not is_id(raw):
        raise Http404
    requests = item.floor_requests.select_related("organisation")
    if listed:
        requests = requests.exclude(state=FloorState.WITHDRAWN)
    found = requests.filter(pk=int(raw)).first()
    if found is None:
        raise Http404
    found.agenda_item = item  # as found through the viewer's scope, with its event
    return found


def feed(viewer: Any, scope: Process | Series) -> bytes:
    """The iCalendar feed of a process's or a series's events the viewer may see."""
    events = events_in(scope, viewer)
    name = scope.title if isinstance(scope, Series) else scope.name
    return calendar([calendar_item(e) for e in events], name=name)


def series_for(viewer: Any, slug: str) -> Series:
    series = Series.objects.select_related("process").filter(slug=slug).first()
    if series is None or series.process not in processes_visible_to(viewer):
        raise Http404
    return series


def active_registration(event: Event, user: Any) -> Registration | None:
    """The user's registration that holds or awaits a place, if any."""
    return event.registrations.filter(user=user, state__in=ACTIVE_STATES).first()


def organisers_of(event: Event, viewer: Any) -> dict[str, list[str]]:
    """The names of the event's organisers and co-sponsors, as the viewer may read them."""
    found: dict[str, list[str]] = {"organisers": [], "co_sponsors": []}
    for o in event.organisers.select_related("organisation"):
        key = "organisers" if o.role == OrganiserRole.ORGANISER else "co_sponsors"
        found[key].append(display_name(o.organisation, viewer))
    return found


def registration_of(event: Event, user: Any) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return event.registrations.filter(user=user).exclude(state=R.CANCELLED).order_by("-id").first()


def registration_for(viewer: Any, pk: int) -> Registration:
    """A registration its holder or the event's organisers may act on; otherwise 404."""
    found = (
        Registration.objects.restrict(viewer)
        .select_related("event__process", "user", "organisation")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def registration_by_token(event: Event, token: str) -> Registration:
    """The registration a check-in code names, at this event; otherwise 404."""
    found = event.registrations.select_related("user", "organisation").filter(token=token).first()
    if found is None:
        raise Http404
    return found


def registration_at(event: Event, raw: Any) -> Registration:
    """A registration at this event, by the id a form posted; otherwise 404."""
    if not is_id(raw):
        raise Http404
    found = event.registrations.select_related("user", "organisation").filter(pk=int(raw)).first()
    if found is None:
        raise Http404
    return found


def registration_organisations(event: Event, user: Any) -> QuerySet[Organisation]:
    """The organisations the user may register for: those accredited to the process where the
    event admits only them, else any the user belongs to."""
    if event.audience == Audience.ACCREDITED:
        return accredited_organisations_of(user, event.process)
    return organisations_of(user)


def labelled(
    registrations: Any, event: Event, viewer: Any, *, query: str = ""
) -> list[Registration]:
    """Registrations with the names the viewer may read, decided now by the protection rule:
    the platform's secretariat, the secretariat of a process the organisation applied to (not
    merely that of the event's process) and the organisation's administrators read protected
    names; other organisers read neither them nor the names of organisations shown only by
    region. A search matches only what the viewer reads."""
    wanted = query.casefold()
    rows = []
    for r in registrations:
        organisation = r.organisation
        hidden = person_is_hidden(r.user, organisation, viewer)
        if hidden and query:
            continue  # a search must not confirm that a protected person is there
        r.person_label = (
            _("A participant at risk (name withheld)")
            if hidden
            else r.user.display_name or r.user.email
        )
        r.organisation_label = (
            display_name(organisation, viewer) if organisation is not None else "—"
        )
        readable = [r.person_label, r.organisation_label]
        if organisation is None or not is_anonymised(organisation, viewer):
            readable.append(r.user.email)  # its domain may be the hidden organisation's
        if query and not any(wanted in text.casefold() for text in readable):
            continue  # matched in the database on a name this viewer does not read
        rows.append(r)
    return rows


def registrations_of(event: Event, query: str = "") -> QuerySet[Registration]:
    """The event's registrations; with a query, those that may match it. The database does
    not know what a viewer may read: labelled() keeps those that match what they read."""
    qs = event.registrations.select_related("user", "organisation").order_by("created_at", "id")
    if query:
        wanted = query.casefold()
        matches = (
            Q(user__display_name__icontains=query)
            | Q(user__email__icontains=query)
            | Q(organisation__name__icontains=query)
        )
        if any(wanted in label.casefold() for label in region_labels()):
            # What an organisation shown only by region is called is not in the database.
            matches |= Q(organisation__public_as_region=True)
        qs = qs.filter(matches)
    return qs


def rotation_for(event: Event, viewer: Any) -> list[dict[str, Any]]:
    """For an organisation's administrators: who holds its places and who waits, to swap."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    places = event.registrations.filter(
        organisation__memberships__user=viewer,
        organisation__memberships__role=MemberRole.ADMIN,
        state__in=[R.CONFIRMED, R.WAITING],
    ).select_related("user", "organisation")
    by_organisation: dict[int | None, list[Registration]] = {}
    for r in places.order_by("created_at", "id"):
        by_organisation.setdefault(r.organisation_id, []).append(r)
    found = []
    for mine in by_organisation.values():
        holders = [r for r in mine if r.state == R.CONFIRMED]
        waiting = [r for r in mine if r.state == R.WAITING]
        if holders and waiting:
            found.append(
                {"organisation": holders[0].organisation, "holders": holders, "waiting": waiting}
            )
    return found


def counts(event: Event) -> dict[str, int]:
    found = dict(event.registrations.values_list("state").annotate(n=Count("id")))
    found["checked_in"] = event.registrations.filter(checked_in_at__isnull=False).count()
    return found


def has_ended(event: Event, now: Any = None) -> bool:
    """Whether the event is over: no registration, no request for the floor."""
    return bool(event.ends_at <= (now or timezone.now()))


def registration_window(event: Event, now: Any = None) -> str:
    """Where registration stands, as the event's page says it: "ended" (the event is over),
    "not_yet" (it opens later), "closed" (it closed before the start) or "open"."""
    now = now or timezone.now()
    if has_ended(event, now):
        return "ended"
    if event.registration_opens_at is not None and now < event.registration_opens_at:
        return "not_yet"
    if now >= (event.registration_closes_at or event.starts_at):
        return "closed"
    return "open"


def is_full(event: Event, found: dict[str, int]) -> bool:
    """Whether every place is taken, so that the next to register waits (`found`: counts())."""
    return event.capacity is not None and found.get(R.CONFIRMED, 0) >= event.capacity


def place_in_queue(registration: Registration | None) -> int | None:
    """A waiting registration's place on the waiting list (1 is next), first come first served
    as promote_waiting() gives places; None for one that does not wait."""
    if registration is None or registration.state != R.WAITING:
        return None
    ahead = registration.event.registrations.filter(state=R.WAITING).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, id__lt=registration.id)
    )
    return ahead.count() + 1


def participants(event: Event, viewer: Any) -> list[dict[str, Any]]:
    """The public participant list: hidden, consenting only, or everyone; never people at risk."""
    managing = has_perm(viewer, MANAGE, event)
    if event.participant_list == ListMode.HIDDEN and not managing:
        return []
    qs = event.registrations.filter(state=R.CONFIRMED).select_related("user", "organisation")
    if event.participant_list == ListMode.CONSENT and not managing:
        qs = qs.filter(consent=True)
    rows = []
    for r in qs:
        # At-risk people are never listed, not even to organisers: the list is shared around.
        if r.user.at_risk or (r.organisation is not None and r.organisation.at_risk):
            continue
        if r.organisation is not None and person_is_hidden(r.user, r.organisation, viewer):
            continue
        rows.append(
            {
                "name": r.user.display_name or _("A participant"),
                "organisation": display_name(r.organisation, viewer) if r.organisation else "",
            }
        )
    return sorted(rows, key=lambda row: name_key(row["name"]))


def name_key(name: str) -> tuple[str, str]:
    """Sorts people's names as a reader expects ("Aïcha" before "Armen", "de Vries" among the
    Ds): accents and case set aside first, and only then told apart. The database's own order
    is by code point, which puts every accented letter after z."""
    decomposed = unicodedata.normalize("NFKD", name)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base.casefold(), name


# Calendars and QR codes ---------------------------------------------------------------------------


def calendar_item(event: Event) -> CalendarEvent:
    host = settings.SITE_URL.split("//")[-1].split("/")[0] or "consulta"
    return CalendarEvent(
        uid=f"event-{event.pk}@{host}",
        title=event.title,
        start=event.starts_at,
        end=event.ends_at,
        time_zone=event.time_zone,
        location=", ".join(x for x in (event.venue, event.online_url) if x),
        url=settings.SITE_URL + reverse("events:detail", args=[event.slug]),
        description=event.summary[:2000],
        updated=event.updated_at,
    )


def check_in_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse(
        "events:check_in", args=[registration.event.slug, registration.token]
    )


def qr_png(registration: Registration) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(check_in_url(registration), error="m").save(buffer, kind="png", scale=6)
    return buffer.getvalue()


def qr_svg(registration: Registration) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(check_in_url(registration), error="m").save(
        buffer, kind="svg", scale=6, xmldecl=False, svgns=True, title="QR"
    )
    return buffer.getvalue()


# The floor ----------------------------------------------------------------------------------------


@dataclass
class Line:
    request: FloorRequest
    reasons: tuple[str, ...]
    position: int
    name: str = ""  # the organisation as the viewer may see it
    spokesperson: str = ""  # empty where the organisation's people are protected


def speakers_list(item: AgendaItem, viewer: Any = None) -> list[Line]:
    """The order of statements: the secretariat's own where it set one, else the proposal."""
    requests = list(
        item.floor_requests.exclude(state=FloorState.WITHDRAWN).select_related("organisation")
    )
    by_pk = {r.pk: r for r in requests}

    def candidate(r: FloorRequest) -> Candidate:
        return Candidate(r.pk, r.organisation.kind, r.organisation.region, r.gender, r.requested_at)

    # What was said stays where it was said; only the waiting requests are (re)ordered.
    given = sorted(
        (r for r in requests if r.state == FloorState.GIVEN), key=lambda r: (r.given_at, r.pk)
    )
    waiting = [r for r in requests if r.state != FloorState.GIVEN]
    proposed = propose_order([candidate(r) for r in waiting], [candidate(r) for r in given])
    reasons = {turn.request.key: turn.reasons for turn in proposed}
    order = [r.pk for r in given]
    order += [pk for pk in item.order if pk in by_pk and pk not in order]
    order += [t.request.key for t in proposed if t.request.key not in order]
    lines = []
    for n, pk in enumerate(order, start=1):
        request = by_pk[pk]
        organisation = request.organisation
        hidden = organisation.at_risk and not sees_everything(viewer, organisation)
        lines.append(
            Line(
                request,
                reasons.get(pk, ()),
                n,
                name=display_name(organisation, viewer),
                spokesperson="" if hidden else request.spokesperson,
            )
        )
    return lines


def current_and_next(lines: list[Line]) -> tuple[Line | None, Line | None]:
    waiting = [line for line in lines if line.request.state == FloorState.REQUESTED]
    return (waiting[0] if waiting else None), (waiting[1] if len(waiting) > 1 else None)


# Representation -----------------------------------------------------------------------------------


def representation(
    events: QuerySet[Event], *, public: bool, targets: dict[str, dict[str, int]] | None = None
) -> dict[str, dict[str, Any]]:
    """Participants (confirmed) and speakers by kind, region and declared gender, with targets."""
    regs = Registration.objects.filter(event__in=events, state=R.CONFIRMED).select_related(
        "organisation", "user"
    )
    speakers = [
        s for e in events.prefetch_related("speakers__organisation") for s in e.speakers.all()
    ]
    people = {
        "participants": [_described(r.organisation, r.user.gender) for r in regs],
        "speakers": [_described(s.organisation, s.gender) for s in speakers],
    }
    return {
        who: {
            dimension: _figure(rows, index, public, (targets or {}).get(dimension, {}))
            for index, dimension in enumerate(("kind", "region", "gender"))
        }
        for who, rows in people.items()
    }


def _described(organisation: Organisation | None, gender: str) -> tuple[str, str, str]:
    if organisation is None:
        return "", "", gender
    return organisation.kind, organisation.region, gender


def _figure(
    rows: list[tuple[str, str, str]], index: int, public: bool, targets: dict[str, int]
) -> dict[str, Any]:
    """One dimension's groups, counted; protected where the figure is public."""
    tally = Counter(row[index] or "" for row in rows)
    keys = sorted(tally, key=lambda key: -tally[key])
    counts = [[tally[key]] for key in keys]
    # The groups share out the total, which is shown: protected as one column.
    shown: list[list[Cell]] = (
        protect(counts, [len(rows)], additive=True) if public else [[tally[key]] for key in keys]
    )
    cells: dict[str, Cell] = {key: line[0] for key, line in zip(keys, shown, strict=True)}
    return {
        "total": len(rows),
        "targets": targets,
        "cells": cells,
        "shares": {
            key: (None if isinstance(cell, str) else round(100 * tally[key] / len(rows)))
            for key, cell in cells.items()
        },
    }


def scope_targets(scope: Any) -> dict[str, dict[str, int]]:
    """The targets set for a series or a process ({} where none)."""
    if isinstance(scope, Series):
        return scope.targets or {}
    from .models import ProcessTargets

    found = ProcessTargets.objects.filter(process=scope).first()
    return found.targets if found else {}


def upcoming_in(process: Process, viewer: Any) -> QuerySet[Event]:
    return event_list(viewer, {"process": process.slug})


def upcoming_for_home(viewer: Any, limit: int) -> list[Item]:
    """The next events the viewer may see (the home page's "upcoming events"), soonest first."""
    upcoming = (
        Event.objects.restrict(viewer)
        .filter(ends_at__gte=timezone.now())
        .exclude(status=EventStatus.CANCELLED)
        .order_by("starts_at", "pk")[:limit]
    )
    return [
        Item(
            e.title,
            reverse("events:detail", args=[e.slug]),
            f"{e.starts_at:%Y-%m-%d %H:%M} UTC · {e.venue or _('online')}",
        )
        for e in upcoming
    ]
