"""Permissions of events: who runs them, who registers, who checks in, who takes the floor."""

from typing import Any

from accounts.selectors import is_process_staff
from core.caches import user_memo
from core.permissions import VIEW_PROCESS, has_perm, register
from stakeholders.models import Membership
from stakeholders.selectors import accredited_organisations_of

from .choices import Audience, EventStatus


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def organises(user: Any, event: Any) -> bool:
    """An administrator of one of the event's organisers (not co-sponsors)."""
    if not _signed_in(user):
        return False
    # A page asks this several times (to run, to list, to register): one query per request.
    return bool(
        user_memo(
            user,
            ("events.organises", event.pk),
            lambda: Membership.objects.filter(
                user=user,
                role="admin",
                organisation__events_organised__event=event,
                organisation__events_organised__role="organiser",
            ).exists(),
        )
    )


def _manage(user: Any, event: Any) -> bool:
    if event is None:
        return False
    return is_process_staff(user, event.process) or organises(user, event)


def _create(user: Any, obj: Any) -> bool:
    """obj is a process, or something of one (a series)."""
    process = getattr(obj, "process", obj)
    return process is not None and is_process_staff(user, process)


def _view(user: Any, event: Any) -> bool:
    if event is None:
        return False
    if _manage(user, event):
        return True
    return event.status != EventStatus.DRAFT and has_perm(user, VIEW_PROCESS, event.process)


def may_register(user: Any, event: Any) -> bool:
    """Whether the user is among those the event admits (whatever the dates)."""
    if not _signed_in(user):
        return False
    if event.audience == Audience.ACCREDITED:
        return accredited_organisations_of(user, event.process).exists()
    if event.audience == Audience.INVITED:
        return event.invitees.filter(email__iexact=user.email).exists()
    return True


def _register(user: Any, event: Any) -> bool:
    return event is not None and _view(user, event) and may_register(user, event)


def _request_floor(user: Any, event: Any) -> bool:
    return (
        event is not None
        and _view(user, event)
        and accredited_organisations_of(user, event.process).exists()
    )


CREATE = register("events.create", _create, "Create events and series in a process.")
MANAGE = register(
    "events.manage",
    _manage,
    "Run an event: registrations, check-in, speakers, outcome, speakers lists.",
)
VIEW = register("events.view", _view, "See an event (drafts only for those who run it).")
REGISTER = register("events.register", _register, "Register for an event one is admitted to.")
REQUEST_FLOOR = register(
    "events.request_floor",
    _request_floor,
    "Ask for the floor for an organisation accredited to the process.",
)


def _view_item(user: Any, item: Any) -> bool:
    return item is not None and _view(user, item.event)


VIEW_AGENDA_ITEM = register(
    "events.view_agenda_item", _view_item, "See an agenda item and its published speakers list."
)
