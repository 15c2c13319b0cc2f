"""Who may see and run which event: one definition, for lists, pages and endpoints alike.

In the manner of NetBox's `restrict(user, action)`: for a given user, each action is a condition
on events (a `Q`). The lists filter by it (`Event.objects.restrict(user)`); the permission rules
of events ask whether the same queryset holds the one event they are given, and agenda items and
registrations are restricted through the condition of their event. A list therefore never shows
what its detail refuses, nor hides what it opens.
"""

from typing import Any

from django.db import models
from django.db.models import Q

from core.choices import PUBLIC_PROCESS_STATUSES
from core.roles import staff_process_ids
from stakeholders.choices import MemberRole

from .choices import EventStatus, OrganiserRole

ACTIONS = ("view", "manage")


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _organised_by(user: Any) -> Any:
    """The ids of the events one of whose organisers (not co-sponsors) the user administers."""
    from .models import EventOrganiser  # models.py imports this module for its managers

    return EventOrganiser.objects.filter(
        role=OrganiserRole.ORGANISER,
        organisation__memberships__user=user,
        organisation__memberships__role=MemberRole.ADMIN,
    ).values("event_id")


def condition(user: Any, action: str = "view", *, via: str = "") -> Q:
    """The events the user may `manage` (the secretariat of their process, the administrators of
    their organisers) or `view` (those they manage, and the events of a public process that are
    not drafts). `via` is the path from the model filtered to its event (`"event__"`)."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r} on events.")
    runs = staff_process_ids(user) if _signed_in(user) else set()
    if runs is None:  # the platform's secretariat; not Q(), which `|` would drop
        return Q(**{f"{via}pk__isnull": False})
    manage = Q(**{f"{via}process_id__in": sorted(runs)})
    if _signed_in(user):
        manage |= Q(**{f"{via}pk__in": _organised_by(user)})
    if action == "manage":
        return manage
    shown = Q(**{f"{via}process__status__in": PUBLIC_PROCESS_STATUSES}) & ~Q(
        **{f"{via}status": EventStatus.DRAFT}
    )
    return manage | shown


class EventQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "EventQuerySet":
        """The events the user may `action`: the one rule of who sees and runs which event."""
        return self.filter(condition(user, action))


class AgendaItemQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "AgendaItemQuerySet":
        """The agenda items of the events the user may `action`."""
        return self.filter(condition(user, action, via="event__"))


class RegistrationQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "RegistrationQuerySet":
        """`view`: one's own registrations and those of the events one manages; `manage`: those
        of the events one manages (to approve, decline, check in or cancel)."""
        if action not in ACTIONS:
            raise ValueError(f"Unknown action {action!r} on registrations.")
        managed = condition(user, "manage", via="event__")
        if action == "manage" or not _signed_in(user):
            return self.filter(managed)
        return self.filter(managed | Q(user=user))
