"""Every write of events: setting them up, registrations and places, check-in, outcome, floor.

Each service owns its transaction and its audit entry; the modules below group them by what
they do, and every service is named here, where the pages, the API and the demo find them.
"""

from .floor import (
    add_agenda_item,
    mark_given,
    move_floor_request,
    publish_speakers_list,
    reorder_floor,
    request_floor,
    withdraw_floor_request,
)
from .registration import (
    cancel_registration,
    check_in,
    check_registration_window,
    decide_registration,
    register,
    swap_place,
)
from .setup import (
    EVENT_FIELDS,
    add_organiser,
    add_speaker,
    create_event,
    create_series,
    publish_outcome,
    remove_speaker,
    set_invitees,
    set_organisers,
    set_scope_targets,
    set_targets,
    update_event,
)

__all__ = [
    "EVENT_FIELDS",
    "add_agenda_item",
    "add_organiser",
    "add_speaker",
    "cancel_registration",
    "check_in",
    "check_registration_window",
    "create_event",
    "create_series",
    "decide_registration",
    "mark_given",
    "move_floor_request",
    "publish_outcome",
    "publish_speakers_list",
    "register",
    "remove_speaker",
    "reorder_floor",
    "request_floor",
    "set_invitees",
    "set_organisers",
    "set_scope_targets",
    "set_targets",
    "swap_place",
    "update_event",
    "withdraw_floor_request",
]
