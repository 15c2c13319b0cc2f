"""Every write of events: setting them up, registrations and places, check-in, outcome, floor."""

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import Process
from core.services import replace_invitees
from core.tasks import enqueue_on_commit
from stakeholders.selectors import accredited_organisations_of, organisations_of

from .calendar import venue_zone
from .choices import ACTIVE_STATES, EventStatus, FloorState, OrganiserRole
from .choices import RegistrationState as R
from .exceptions import InvalidAnswers, NotAccredited, NotAdmitted, RegistrationClosed, WrongState
from .models import AgendaItem, Event, EventOrganiser, FloorRequest, Registration, Series, Speaker
from .permissions import may_register

EVENT_FIELDS = (
    "kind",
    "title",
    "summary",
    "starts_at",
    "ends_at",
    "time_zone",
    "venue",
    "online_url",
    "languages",
    "status",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "requires_approval",
    "audience",
    "organisation_cap",
    "participant_list",
    "questions",
    "series",
)


# Setting up ---------------------------------------------------------------------------------------


def create_series(
    process: Process, *, actor: Any, slug: str, title: str, description: str = ""
) -> Series:
    """Create a series of events in a process."""
    series = Series(process=process, slug=slug, title=title, description=description)
    series.full_clean()
    with transaction.atomic():
        series.save()
        audit.record("events.series.created", actor=actor, obj=series, process=process)
    return series


def create_event(
    process: Process, *, actor: Any, slug: str, topics: Any = (), **fields: Any
) -> Event:
    """Create an event; the venue's time zone must be a real one (UnknownTimeZone otherwise)."""
    venue_zone(fields.get("time_zone", "UTC"))
    event = Event(process=process, slug=slug)
    for name in EVENT_FIELDS:
        if name in fields:
            setattr(event, name, fields[name])
    event.full_clean()
    with transaction.atomic():
        event.save()
        event.topics.set(topics)
        audit.record("events.event.created", actor=actor, obj=event, process=process)
    return event


def update_event(event: Event, *, actor: Any, topics: Any = None, **fields: Any) -> Event:
    """Change an event's settings."""
    if "time_zone" in fields:
        venue_zone(fields["time_zone"])
    for name in EVENT_FIELDS:
        if name in fields:
            setattr(event, name, fields[name])
    event.full_clean()
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=event.pk)
        event.save()
        if topics is not None:
            event.topics.set(topics)
        audit.record("events.event.changed", actor=actor, obj=event, process=event.process)
        # A larger room or a larger share per organisation goes to those waiting first.
        promoted = _promote(event)
    for registration in promoted:
        _notify(registration, promoted=True)
    return event


def set_invitees(event: Event, emails: list[str], *, actor: Any) -> int:
    """Replace the invited list (used when the audience is an invited list)."""
    return replace_invitees(event, emails, actor=actor, action="events.invitees.changed")


def set_organisers(event: Event, *, actor: Any, organisers: Any, co_sponsors: Any) -> None:
    """Replace the event's organisers and co-sponsors (an organisation is one or the other)."""
    wanted = {o.pk: OrganiserRole.CO_SPONSOR for o in co_sponsors}
    wanted.update({o.pk: OrganiserRole.ORGANISER for o in organisers})
    with transaction.atomic():
        event.organisers.exclude(organisation_id__in=wanted).delete()
        for organisation_id, role in wanted.items():
            EventOrganiser.objects.update_or_create(
                event=event, organisation_id=organisation_id, defaults={"role": role}
            )
        audit.record(
            "events.organisers.changed",
            actor=actor,
            obj=event,
            process=event.process,
            data={"organisers": sorted(wanted)},
        )


def add_organiser(
    event: Event, organisation: Any, *, actor: Any, role: str = OrganiserRole.ORGANISER
) -> EventOrganiser:
    """Name an organisation as organiser or co-sponsor."""
    with transaction.atomic():
        found, _created = EventOrganiser.objects.update_or_create(
            event=event, organisation=organisation, defaults={"role": role}
        )
        audit.record(
            "events.organiser.added",
            actor=actor,
            obj=event,
            process=event.process,
            data={"organisation": organisation.pk, "role": role},
        )
    return found


def add_speaker(
    event: Event,
    *,
    actor: Any,
    name: str,
    role: str,
    affiliation: str = "",
    organisation: Any = None,
    gender: str = "",
) -> Speaker:
    """Add a speaker (a person, with affiliation and role) to the programme."""
    speaker = Speaker(
        event=event,
        name=name,
        role=role,
        affiliation=affiliation,
        organisation=organisation,
        gender=gender,
        position=event.speakers.count(),
    )
    speaker.full_clean()
    with transaction.atomic():
        speaker.save()
        audit.record("events.speaker.added", actor=actor, obj=event, process=event.process)
    return speaker


def remove_speaker(speaker: Speaker, *, actor: Any) -> None:
    """Take a speaker off the programme."""
    with transaction.atomic():
        event = speaker.event
        speaker.delete()
        audit.record("events.speaker.removed", actor=actor, obj=event, process=event.process)


# Registration -------------------------------------------------------------------------------------


def check_registration_window(event: Event, now: datetime | None = None) -> None:
    if event.status != EventStatus.PUBLISHED:
        raise WrongState(_("This event does not take registrations: it is not published."))
    now = now or timezone.now()
    opens = event.registration_opens_at
    closes = event.registration_closes_at or event.starts_at
    if (opens is not None and now < opens) or now >= closes:
        raise RegistrationClosed(opens, closes)


def _check_answers(event: Event, answers: dict[str, Any]) -> dict[str, str]:
    cleaned, errors = {}, []
    for question in event.questions or []:
        name = str(question.get("name", ""))
        value = str(answers.get(name, "") or "").strip()[:2000]
        if question.get("required") and not value:
            errors.append({"field": name, "message": _("This question is required.")})
        cleaned[name] = value
    if errors:
        raise InvalidAnswers(errors)
    return cleaned


def _place_for(event: Event, organisation_id: int | None) -> str:
    """Confirmed if the room and the organisation's share of it have space; else waiting."""
    confirmed = event.registrations.filter(state=R.CONFIRMED)
    if event.capacity is not None and confirmed.count() >= event.capacity:
        return R.WAITING
    if (
        organisation_id is not None
        and event.organisation_cap
        and confirmed.filter(organisation_id=organisation_id).count() >= event.organisation_cap
    ):
        return R.WAITING
    return R.CONFIRMED


def register(
    event: Event,
    *,
    actor: Any,
    organisation_id: int | None = None,
    consent: bool = False,
    answers: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> tuple[Registration, bool]:
    """Register the actor; returns (registration, created). Registering twice returns the
    existing registration. Places are given under a lock on the event, so concurrent
    registrations never overbook: the rest go on the waiting list."""
    existing = event.registrations.filter(user=actor, state__in=ACTIVE_STATES).first()
    if existing is not None:
        return existing, False
    if not may_register(actor, event):
        raise NotAdmitted()
    check_registration_window(event, now)
    cleaned = _check_answers(event, answers or {})
    organisation = _organisation_of(event, actor, organisation_id)
    try:
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            again = locked.registrations.filter(user=actor, state__in=ACTIVE_STATES).first()
            if again is not None:
                return again, False
            state = (
                R.PENDING
                if locked.requires_approval
                else _place_for(locked, organisation.pk if organisation else None)
            )
            registration = Registration.objects.create(
                event=locked,
                user=actor,
                organisation=organisation,
                state=state,
                consent=consent,
                answers=cleaned,
            )
            audit.record(
                "events.registration.created",
                actor=actor,
                obj=registration,
                process=event.process,
                data={"state": state},
            )
    except IntegrityError:
        # A twin request registered the same person first.
        return event.registrations.get(user=actor, state__in=ACTIVE_STATES), False
    _notify(registration)
    return registration, True


def _organisation_of(event: Event, actor: Any, organisation_id: int | None) -> Any:
    from .choices import Audience

    choices = (
        accredited_organisations_of(actor, event.process)
        if event.audience == Audience.ACCREDITED
        else organisations_of(actor)
    )
    if organisation_id is None:
        return choices.first() if event.audience == Audience.ACCREDITED else None
    found = choices.filter(pk=organisation_id).first()
    if found is None:
        raise InvalidAnswers(
            [{"field": "organisation_id", "message": _("You do not represent this organisation.")}]
        )
    return found


def cancel_registration(registration: Registration, *, actor: Any) -> Registration:
    """Cancel a registration (its holder or the organisers); its place goes to the waiting list."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration.refresh_from_db()
        if registration.state not in ACTIVE_STATES:
            raise WrongState(_("This registration is already cancelled or declined."))
        held_place = registration.state == R.CONFIRMED
        registration.state = R.CANCELLED
        registration.save(update_fields=["state", "updated_at"])
        audit.record(
            "events.registration.cancelled", actor=actor, obj=registration, process=event.process
        )
        promoted = _promote(event) if held_place else []
    for other in promoted:
        _notify(other, promoted=True)
    return registration


def _promote(event: Event) -> list[Registration]:
    """Fill free places from the waiting list, first come first served within the caps."""
    promoted = []
    for waiting in event.registrations.filter(state=R.WAITING).order_by("created_at", "id"):
        if _place_for(event, waiting.organisation_id) == R.CONFIRMED:
            waiting.state = R.CONFIRMED
            waiting.save(update_fields=["state", "updated_at"])
            audit.record(
                "events.registration.promoted", actor=None, obj=waiting, process=event.process
            )
            promoted.append(waiting)
        elif event.capacity is not None and (
            event.registrations.filter(state=R.CONFIRMED).count() >= event.capacity
        ):
            break
    return promoted


def swap_place(holder: Registration, to: Registration, *, actor: Any) -> None:
    """Rotation: an organisation gives its place to another of its representatives, who was
    waiting; the holder goes to the waiting list."""
    if holder.organisation_id is None or holder.organisation_id != to.organisation_id:
        raise WrongState(_("A place can only pass between representatives of one organisation."))
    with transaction.atomic():
        Event.objects.select_for_update().get(pk=holder.event_id)
        holder.refresh_from_db()
        to.refresh_from_db()
        if holder.state != R.CONFIRMED or to.state != R.WAITING:
            raise WrongState(_("The place must go from a confirmed person to a waiting one."))
        holder.state, to.state = R.WAITING, R.CONFIRMED
        holder.save(update_fields=["state", "updated_at"])
        to.save(update_fields=["state", "updated_at"])
        audit.record(
            "events.registration.swapped",
            actor=actor,
            obj=to,
            process=holder.event.process,
            data={"from": holder.pk},
        )
    _notify(to, promoted=True)


def decide_registration(registration: Registration, *, actor: Any, approve: bool) -> Registration:
    """The organisers approve (a place, or the waiting list if full) or decline."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration.refresh_from_db()
        if registration.state != R.PENDING:
            raise WrongState(_("Only a registration awaiting approval can be decided."))
        registration.state = (
            _place_for(event, registration.organisation_id) if approve else R.DECLINED
        )
        registration.save(update_fields=["state", "updated_at"])
        audit.record(
            "events.registration.decided",
            actor=actor,
            obj=registration,
            process=event.process,
            data={"state": registration.state},
        )
    _notify(registration)
    return registration


def check_in(registration: Registration, *, actor: Any) -> Registration:
    """Record that a confirmed participant arrived (once)."""
    if registration.state != R.CONFIRMED:
        raise WrongState(_("Only a confirmed participant can be checked in."))
    updated = Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
        checked_in_at=timezone.now()
    )
    if updated:
        registration.refresh_from_db()
        audit.record(
            "events.registration.checked_in",
            actor=actor,
            obj=registration,
            process=registration.event.process,
        )
    return registration


def _notify(registration: Registration, *, promoted: bool = False) -> None:
    from .tasks import send_registration_email

    enqueue_on_commit(send_registration_email, registration.pk, promoted)


# Outcome and targets ------------------------------------------------------------------------------


def publish_outcome(
    event: Event,
    *,
    actor: Any,
    key_messages: str,
    recommendations: str,
    links: list[dict[str, str]],
) -> Event:
    """Publish what came out of the event: key messages, recommendations, documents."""
    event.key_messages, event.recommendations = key_messages, recommendations
    event.outcome_links = links
    event.outcome_published_at = event.outcome_published_at or timezone.now()
    with transaction.atomic():
        event.save(
            update_fields=[
                "key_messages",
                "recommendations",
                "outcome_links",
                "outcome_published_at",
                "updated_at",
            ]
        )
        audit.record("events.outcome.published", actor=actor, obj=event, process=event.process)
    return event


def set_scope_targets(
    scope: Process | Series, targets: dict[str, dict[str, int]], *, actor: Any
) -> None:
    """The shares (in %) aimed for across a process's events, or a series's."""
    from .models import ProcessTargets

    with transaction.atomic():
        if isinstance(scope, Series):
            scope.targets = targets
            scope.save(update_fields=["targets", "updated_at"])
            process = scope.process
        else:
            ProcessTargets.objects.update_or_create(process=scope, defaults={"targets": targets})
            process = scope
        audit.record("events.targets.changed", actor=actor, obj=scope, process=process)


def set_targets(event: Event, targets: dict[str, dict[str, int]], *, actor: Any) -> Event:
    """The shares (in %) the secretariat aims for, by kind, region and gender."""
    event.targets = targets
    with transaction.atomic():
        event.save(update_fields=["targets", "updated_at"])
        audit.record("events.targets.changed", actor=actor, obj=event, process=event.process)
    return event


# The floor ----------------------------------------------------------------------------------------


def add_agenda_item(
    event: Event, *, actor: Any, number: str, title: str, time_limit: int = 180
) -> AgendaItem:
    """Add an item to a formal session's agenda."""
    item = AgendaItem(event=event, number=number, title=title, time_limit=time_limit)
    item.full_clean()
    with transaction.atomic():
        item.save()
        audit.record("events.agenda_item.added", actor=actor, obj=event, process=event.process)
    return item


def request_floor(
    item: AgendaItem,
    *,
    actor: Any,
    organisation_id: int | None,
    spokesperson: str,
    topic: str,
    gender: str = "",
) -> FloorRequest:
    """An accredited organisation asks to speak under an agenda item, once."""
    accredited = accredited_organisations_of(actor, item.event.process)
    organisation = (
        accredited.filter(pk=organisation_id).first() if organisation_id else accredited.first()
    )
    if organisation is None:
        raise NotAccredited()
    request = FloorRequest(
        agenda_item=item,
        organisation=organisation,
        spokesperson=spokesperson,
        topic=topic,
        gender=gender,
        requested_by=actor,
    )
    request.full_clean(exclude=["requested_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            request.save()
            audit.record(
                "events.floor.requested", actor=actor, obj=request, process=item.event.process
            )
    except IntegrityError:
        raise WrongState(
            _("%(organisation)s has already asked for the floor under this item.")
            % {"organisation": organisation.name}
        ) from None
    return request


def withdraw_floor_request(request: FloorRequest, *, actor: Any) -> FloorRequest:
    """The organisation withdraws its request before speaking."""
    if request.state != FloorState.REQUESTED:
        raise WrongState(_("This request can no longer be withdrawn."))
    request.state = FloorState.WITHDRAWN
    with transaction.atomic():
        request.save(update_fields=["state"])
        audit.record(
            "events.floor.withdrawn",
            actor=actor,
            obj=request,
            process=request.agenda_item.event.process,
        )
    return request


def reorder_floor(item: AgendaItem, order: list[int], *, actor: Any) -> AgendaItem:
    """Set the speakers' order by hand (request ids); unknown ids are ignored."""
    known = set(
        item.floor_requests.exclude(state=FloorState.WITHDRAWN).values_list("pk", flat=True)
    )
    item.order = [pk for pk in dict.fromkeys(order) if pk in known]
    with transaction.atomic():
        item.save(update_fields=["order"])
        audit.record(
            "events.floor.reordered", actor=actor, obj=item.event, process=item.event.process
        )
    return item


def mark_given(request: FloorRequest, *, actor: Any) -> FloorRequest:
    """The chair marks a statement as given."""
    if request.state != FloorState.REQUESTED:
        raise WrongState(_("This statement is not waiting to be given."))
    request.state, request.given_at = FloorState.GIVEN, timezone.now()
    with transaction.atomic():
        request.save(update_fields=["state", "given_at"])
        audit.record(
            "events.floor.given",
            actor=actor,
            obj=request,
            process=request.agenda_item.event.process,
        )
    return request


def publish_speakers_list(item: AgendaItem, *, actor: Any, published: bool = True) -> AgendaItem:
    """Publish (or take back) an agenda item's speakers list."""
    item.published = published
    with transaction.atomic():
        item.save(update_fields=["published"])
        audit.record(
            "events.floor.published" if published else "events.floor.unpublished",
            actor=actor,
            obj=item.event,
            process=item.event.process,
        )
    return item
