"""Permissions of events: who runs them, who registers, who checks in, who takes the floor.

Who may see and who may run an event is decided in one place, `querysets.condition`: the rules
below ask whether `Event.objects.restrict(user, action)` holds the event, so that the pages and
endpoints of one event and the lists of events cannot drift apart.
"""

from typing import Any

from core.caches import user_memo
from core.permissions import register
from core.roles import is_process_staff
from stakeholders.protection import administers
from stakeholders.selectors import accredited_organisations_of

from .choices import Audience, RegistrationState
from .models import Event


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def allows(user: Any, action: str, event: Any) -> bool:
    """Whether `Event.objects.restrict(user, action)` holds this event: asked of the database
    once per request and event (a page asks several times: to show, to run, to register)."""
    if event is None or event.pk is None:
        return False
    return bool(
        user_memo(
            user,
            ("events.allows", action, event.pk),
            lambda: Event.objects.restrict(user, action).filter(pk=event.pk).exists(),
        )
    )


def _manage(user: Any, event: Any) -> bool:
    return allows(user, "manage", event)


def _view(user: Any, event: Any) -> bool:
    return allows(user, "view", event)


def _create(user: Any, obj: Any) -> bool:
    """obj is a process, or something of one (a series)."""
    process = getattr(obj, "process", obj)
    return process is not None and is_process_staff(user, process)


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


def _item_event(obj: Any) -> Any:
    """An agenda item's event; obj is an agenda item, or a floor request under one."""
    item = getattr(obj, "agenda_item", obj)
    return item.event if item is not None else None


def _view_item(user: Any, item: Any) -> bool:
    return item is not None and _view(user, item.event)


def _view_speakers_list(user: Any, item: Any) -> bool:
    return _view_item(user, item) and (item.published or _manage(user, item.event))


def _run_floor(user: Any, obj: Any) -> bool:
    return _manage(user, _item_event(obj))


def _request_floor(user: Any, item: Any) -> bool:
    return _view_item(user, item) and accredited_organisations_of(user, item.event.process).exists()


def _withdraw_floor_request(user: Any, request: Any) -> bool:
    """The representatives of the organisation that asked, or those who run the event."""
    if request is None or not _view(user, _item_event(request)):
        return False
    if _run_floor(user, request):
        return True
    process = request.agenda_item.event.process
    return accredited_organisations_of(user, process).filter(pk=request.organisation_id).exists()


def _manage_registration(user: Any, registration: Any) -> bool:
    return registration is not None and _manage(user, registration.event)


def _cancel_registration(user: Any, registration: Any) -> bool:
    if registration is None or not _signed_in(user):
        return False
    return registration.user_id == user.pk or _manage_registration(user, registration)


def _view_qr_code(user: Any, registration: Any) -> bool:
    """Only its holder, and only for a confirmed place: the code is the ticket."""
    return (
        registration is not None
        and _signed_in(user)
        and registration.user_id == user.pk
        and registration.state == RegistrationState.CONFIRMED
    )


def _swap_place(user: Any, holder: Any) -> bool:
    """Those who run the event, or an administrator of the organisation holding the place."""
    if holder is None or not _signed_in(user):
        return False
    if _manage_registration(user, holder):
        return True
    return holder.organisation is not None and administers(user, holder.organisation)


CREATE = register("events.create", _create, "Create events and series in a process.")
MANAGE = register(
    "events.manage",
    _manage,
    "Run an event: registrations, check-in, speakers, outcome, speakers lists.",
)
VIEW = register("events.view", _view, "See an event (drafts only for those who run it).")
REGISTER = register("events.register", _register, "Register for an event one is admitted to.")
MANAGE_REGISTRATION = register(
    "events.manage_registration",
    _manage_registration,
    "Approve, decline, check in or cancel a registration to an event one runs.",
)
CANCEL_REGISTRATION = register(
    "events.cancel_registration",
    _cancel_registration,
    "Cancel one's own registration, or one to an event one runs.",
)
VIEW_QR_CODE = register(
    "events.view_qr_code", _view_qr_code, "Read the check-in code of one's confirmed place."
)
SWAP_PLACE = register(
    "events.swap_place",
    _swap_place,
    "Give an organisation's place to another of its representatives (its administrators).",
)
VIEW_AGENDA_ITEM = register(
    "events.view_agenda_item", _view_item, "See an agenda item of an event one may see."
)
VIEW_SPEAKERS_LIST = register(
    "events.view_speakers_list",
    _view_speakers_list,
    "Read an agenda item's speakers list: once published, or before for those who run it.",
)
REQUEST_FLOOR = register(
    "events.request_floor",
    _request_floor,
    "Ask for the floor under an agenda item, for an organisation accredited to the process.",
)
WITHDRAW_FLOOR_REQUEST = register(
    "events.withdraw_floor_request",
    _withdraw_floor_request,
    "Withdraw a request for the floor: its organisation's representatives, or those who run "
    "the event.",
)
RUN_FLOOR = register(
    "events.run_floor",
    _run_floor,
    "Order an agenda item's speakers list, mark statements given, publish the list.",
)
