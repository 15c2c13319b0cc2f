"""Registrations and places: registering, the waiting list, approval, rotation, check-in."""

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.tasks import enqueue_on_commit

from ..choices import ACTIVE_STATES, Audience, EventStatus
from ..choices import RegistrationState as R
from ..exceptions import InvalidAnswers, NotAdmitted, RegistrationClosed, WrongState
from ..models import Event, Registration
from ..permissions import may_register
from ..selectors import active_registration, registration_organisations


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
    organisation_id: int | str | None = None,
    consent: bool = False,
    answers: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> tuple[Registration, bool]:
    """Register the actor for themselves or for an organisation they belong to (its id, or
    its public id); returns (registration, created). Registering twice returns the existing
    registration; places are given under a lock on the event, so never overbooked."""
    existing = active_registration(event, actor)
    if existing is not None:
        return existing, False
    organisation, cleaned = _admit(event, actor, organisation_id, answers or {}, now)
    try:
        registration, created = _take_place(event, actor, organisation, consent, cleaned)
    except IntegrityError:
        # A twin request registered the same person first.
        return event.registrations.get(user=actor, state__in=ACTIVE_STATES), False
    if created:
        notify(registration)
    return registration, created


def _admit(
    event: Event,
    actor: Any,
    organisation_id: int | str | None,
    answers: dict[str, Any],
    now: datetime | None,
) -> tuple[Any, dict[str, str]]:
    """The organisation registered for and the cleaned answers, or the reason for refusal."""
    if not may_register(actor, event):
        raise NotAdmitted()
    check_registration_window(event, now)
    cleaned = _check_answers(event, answers)
    return _organisation_of(event, actor, organisation_id), cleaned


def _take_place(
    event: Event, actor: Any, organisation: Any, consent: bool, answers: dict[str, str]
) -> tuple[Registration, bool]:
    """Under a lock on the event: a place, the waiting list, or the organisers' approval."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        again = active_registration(locked, actor)
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
            answers=answers,
        )
        audit.record(
            "events.registration.created",
            actor=actor,
            obj=registration,
            process=event.process,
            data={"state": state},
        )
    return registration, True


def _organisation_of(event: Event, actor: Any, organisation_id: int | str | None) -> Any:
    choices = registration_organisations(event, actor)
    if organisation_id is None:
        return choices.first() if event.audience == Audience.ACCREDITED else None
    found = choices.filter(**organisation_lookup(organisation_id)).first()
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
        promoted = promote_waiting(event) if held_place else []
    for other in promoted:
        notify(other, promoted=True)
    return registration


def promote_waiting(event: Event) -> list[Registration]:
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
    notify(to, promoted=True)


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
    notify(registration)
    return registration


def check_in(registration: Registration, *, actor: Any) -> Registration:
    """Record that a confirmed participant arrived (once), in one transaction with its entry."""
    with transaction.atomic():
        Registration.objects.select_for_update().filter(pk=registration.pk).first()
        registration.refresh_from_db()
        if registration.state != R.CONFIRMED:
            raise WrongState(_("Only a confirmed participant can be checked in."))
        if registration.checked_in_at is not None:
            return registration
        registration.checked_in_at = timezone.now()
        registration.save(update_fields=["checked_in_at"])
        audit.record(
            "events.registration.checked_in",
            actor=actor,
            obj=registration,
            process=registration.event.process,
        )
    return registration


def notify(registration: Registration, *, promoted: bool = False) -> None:
    from ..tasks import send_registration_email

    enqueue_on_commit(send_registration_email, registration.pk, promoted)


def organisation_lookup(organisation_id: int | str) -> dict[str, Any]:
    """The pages name organisations by their key, the API by their public id."""
    if isinstance(organisation_id, str):
        return {"public_id": organisation_id}
    return {"pk": organisation_id}
