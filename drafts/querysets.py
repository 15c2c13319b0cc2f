"""Who may see which text, revision and submission: one definition for lists, pages and
endpoints alike.

As in consultations: for a user, each action is a condition (a `Q`). Querysets filter by it
(`Submission.objects.restrict(user, "moderate")`) and the permission rules test the very same
condition on one object in memory (`allows`), so a list never shows what its detail refuses.
"""

from typing import Any

from django.db import models
from django.db.models import Q

from core.choices import PUBLIC_PROCESS_STATUSES
from core.conditions import matches
from core.roles import staff_process_ids

TEXT_ACTIONS = ("view", "manage")
SUBMISSION_ACTIONS = ("view", "moderate")


def _signed_in(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _runs(user: Any) -> set[int] | None:
    """The processes the user is secretariat of; None for every process."""
    return staff_process_ids(user) if _signed_in(user) else set()


def _moderates(user: Any) -> set[int] | None:
    """The processes the user moderates (secretariat included); None for every process."""
    from accounts.choices import Role
    from accounts.selectors import grants_of

    runs = _runs(user)
    if runs is None or not _signed_in(user):
        return runs
    ids = set(runs)
    for grant in grants_of(user):
        if grant.role == Role.MODERATOR:
            if grant.process_id is None:
                return None
            ids.add(grant.process_id)
    return ids


def _within(ids: set[int] | None, field: str) -> Q:
    return Q() if ids is None else Q(**{f"{field}__in": sorted(ids)})


def text_condition(user: Any, action: str = "view", prefix: str = "") -> Q:
    """Texts the user may `view` (drafts only for their process's secretariat) or `manage`."""
    if action not in TEXT_ACTIONS:
        raise ValueError(f"Unknown action {action!r} on texts.")
    runs = _runs(user)
    manage = _within(runs, f"{prefix}process_id")
    if action == "manage" or runs is None:
        return manage
    shown = Q(**{f"{prefix}process__status__in": PUBLIC_PROCESS_STATUSES}) & Q(
        **{f"{prefix}status": "published"}
    )
    return (manage | shown) if runs else shown


def submission_condition(user: Any, action: str = "view") -> Q:
    """Submissions the user may `view` (published ones of visible texts, one's own, and every
    one for those who moderate the process) or `moderate`."""
    if action not in SUBMISSION_ACTIONS:
        raise ValueError(f"Unknown action {action!r} on submissions.")
    moderates = _moderates(user)
    moderate = _within(moderates, "revision__text__process_id")
    if moderates is not None and not moderates:
        moderate = Q(pk__in=[])
    if action == "moderate" or moderates is None:
        return moderate
    public = Q(state="published") & text_condition(None, "view", "revision__text__")
    own = Q(author_id=user.pk) if _signed_in(user) else Q(pk__in=[])
    return moderate | public | own


def allows(condition: Q, obj: Any) -> bool:
    """Whether `condition` holds for this object, decided in memory."""
    return obj is not None and matches(condition, obj)


class TextQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "TextQuerySet":
        """The texts the user may `action`: the one rule of who sees what."""
        return self.filter(text_condition(user, action))


class RevisionQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "RevisionQuerySet":
        """The revisions of the texts the user may `action`."""
        return self.filter(text_condition(user, action, "text__"))


class SubmissionQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "SubmissionQuerySet":
        """The submissions the user may `action`: the one rule of who sees what."""
        return self.filter(submission_condition(user, action))
