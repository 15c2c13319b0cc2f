"""Who may see which consultation: one definition, for lists, pages and endpoints alike.

In the manner of NetBox's `restrict(user, action)`: for a given user, each action is a condition
on consultations (a `Q`). Querysets filter by it (`Consultation.objects.restrict(user)`); the
permission rule for one consultation tests the very same condition on that object in memory
(`allows`), so that a list never shows what its detail refuses, and checking one consultation
costs no query (the submission endpoint checks one on every request).
"""

from typing import Any

from django.db import models
from django.db.models import Q

from core.choices import PUBLIC_PROCESS_STATUSES
from core.conditions import matches
from core.roles import staff_process_ids

from .choices import Status

ACTIONS = ("view", "manage", "view_results")


def _runs(user: Any) -> set[int] | None:
    """The ids of the processes the user is secretariat of; None for every process."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return staff_process_ids(user)


def condition(user: Any, action: str = "view") -> Q:
    """The consultations the user may `view` (drafts only for the secretariat of their process),
    `manage` (the secretariat of their process) or `view_results` (managing, or published)."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r} on consultations.")
    runs = _runs(user)
    if runs is None:
        return Q()
    manage = Q(process_id__in=sorted(runs))
    if action == "manage":
        return manage
    # A public process (core's ProcessQuerySet.public); its staff are in `manage` already.
    shown = Q(process__status__in=PUBLIC_PROCESS_STATUSES) & ~Q(status=Status.DRAFT)
    if action == "view":
        return manage | shown
    return manage | (shown & Q(status=Status.PUBLISHED))


def allows(user: Any, action: str, consultation: Any) -> bool:
    """Whether `restrict(user, action)` would include this consultation, decided in memory."""
    return consultation is not None and matches(condition(user, action), consultation)


class ConsultationQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "ConsultationQuerySet":
        """The consultations the user may `action`: the one rule of who sees what."""
        return self.filter(condition(user, action))
