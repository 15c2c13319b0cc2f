"""Who may see which deliberation: one definition, for lists, pages and endpoints alike.

As in consultations: each action is a condition on deliberations (a `Q`) that querysets filter
by (`Deliberation.objects.restrict(user, action)`), and `allows` decides the same condition for
one deliberation in memory, so a list never shows what its detail refuses.
"""

from typing import Any

from django.db import models
from django.db.models import Q

from core.choices import PUBLIC_PROCESS_STATUSES
from core.roles import staff_process_ids

ACTIONS = ("view", "manage")


def _runs(user: Any) -> set[int] | None:
    """The ids of the processes the user is secretariat of; None for every process."""
    if user is None or not user.is_authenticated or not user.is_active:
        return set()
    return staff_process_ids(user)


def condition(user: Any, action: str = "view") -> Q:
    """The deliberations the user may `view` (drafts only for the secretariat of their process)
    or `manage` (the secretariat of their process)."""
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r} on deliberations.")
    runs = _runs(user)
    if runs is None:
        return Q()
    manage = Q(process_id__in=sorted(runs))
    if action == "manage":
        return manage
    return manage | (Q(process__status__in=PUBLIC_PROCESS_STATUSES) & ~Q(status="draft"))


def allows(user: Any, action: str, deliberation: Any) -> bool:
    """Whether `restrict(user, action)` would include this deliberation, decided in memory."""
    if deliberation is None:
        return False
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r} on deliberations.")
    runs = _runs(user)
    if runs is None or deliberation.process_id in runs:
        return True
    if action == "manage":
        return False
    return deliberation.process.status in PUBLIC_PROCESS_STATUSES and deliberation.status != "draft"


class DeliberationQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "DeliberationQuerySet":
        """The deliberations the user may `action`: the one rule of who sees what."""
        return self.filter(condition(user, action))
