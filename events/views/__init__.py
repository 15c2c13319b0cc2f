"""The pages of events, by page group: lists and calendars, an event and its registration,
running an event, and the floor at formal sessions. urls.py finds every page here."""

from .event import cancel, event_calendar, event_detail, qr_code, register, swap
from .floor import agenda_item, chair, floor_action
from .lists import event_list, process_calendar, process_targets, series_calendar, series_targets
from .running import (
    add_speaker,
    check_in,
    event_create,
    event_edit,
    manage,
    outcome,
    registration_action,
    remove_speaker,
    targets,
)

__all__ = [
    "add_speaker",
    "agenda_item",
    "cancel",
    "chair",
    "check_in",
    "event_calendar",
    "event_create",
    "event_detail",
    "event_edit",
    "event_list",
    "floor_action",
    "manage",
    "outcome",
    "process_calendar",
    "process_targets",
    "qr_code",
    "register",
    "registration_action",
    "remove_speaker",
    "series_calendar",
    "series_targets",
    "swap",
    "targets",
]
