"""Who may see, change and moderate which record: one definition, for lists, pages and
endpoints alike.

As in the other apps: for a user, each action is a condition (a `Q`). Lists filter by it
(`Record.objects.restrict(user, "moderate")`); the permission on one record tests the very same
condition on that record in memory (`allows`), so a list never shows what its detail refuses.

Moderation is per process: a record contributed to a process is moderated by that process's
secretariat and moderators; a record outside any process, and every record, by the platform's.
"""

from typing import Any

from django.db import models
from django.db.models import Q

from core.choices import PUBLIC_PROCESS_STATUSES
from core.conditions import matches
from core.roles import staff_process_ids

RECORD_ACTIONS = ("view", "change", "moderate")
NOTHING = Q(pk__in=[])


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def runs(user: Any) -> set[int] | None:
    """The processes the user is secretariat of; None for every process."""
    return staff_process_ids(user) if _signed_in(user) else set()


def moderates(user: Any) -> set[int] | None:
    """The processes whose records the user moderates (secretariat included); None for every
    process and for records outside any process."""
    from accounts.choices import Role
    from accounts.selectors import grants_of

    ids = runs(user)
    if ids is None or not _signed_in(user):
        return ids
    found = set(ids)
    for grant in grants_of(user):
        if grant.role == Role.MODERATOR:
            if grant.process_id is None:
                return None
            found.add(grant.process_id)
    return found


def _within(ids: set[int] | None, prefix: str) -> Q:
    if ids is None:
        return Q()
    return Q(**{f"{prefix}process_id__in": sorted(ids)}) if ids else NOTHING


def published(prefix: str = "") -> Q:
    """Published, outside any process or in one the public may see."""
    return Q(**{f"{prefix}state": "published"}) & (
        Q(**{f"{prefix}process_id__isnull": True})
        | Q(**{f"{prefix}process__status__in": PUBLIC_PROCESS_STATUSES})
    )


def record_condition(user: Any, action: str = "view", prefix: str = "") -> Q:
    """`view`: published records, one's own contributions, and every record one moderates;
    `change`: one's own (unless withdrawn) and those one moderates; `moderate`: the records of
    the processes one moderates (all of them platform-wide). `prefix` reaches records from
    another model (`"record__"`)."""
    if action not in RECORD_ACTIONS:
        raise ValueError(f"Unknown action {action!r} on knowledge records.")
    scope = moderates(user)
    moderate = _within(scope, prefix)
    if action == "moderate" or scope is None:
        # Q() is "every record"; or'ed with anything it would vanish, so it is returned alone.
        return moderate
    own = Q(**{f"{prefix}contributed_by_id": user.pk}) if _signed_in(user) else NOTHING
    if action == "change":
        return moderate | (own & ~Q(**{f"{prefix}state": "withdrawn"}))
    return published(prefix) | moderate | own


def allows(user: Any, action: str, record: Any) -> bool:
    """Whether `restrict(user, action)` would include this record, decided in memory."""
    return record is not None and matches(record_condition(user, action), record)


class RecordQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "RecordQuerySet":
        """The records the user may `action`: the one rule of who sees what."""
        return self.filter(record_condition(user, action))

    def published(self) -> "RecordQuerySet":
        return self.filter(published())


class VersionQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "VersionQuerySet":
        """Versions go with their record; a version that was not published is shown only to
        its record's contributor and moderators (the public reads published versions)."""
        if action == "moderate":
            return self.filter(record_condition(user, "moderate", "record__"))
        if action != "view":
            raise ValueError(f"Unknown action {action!r} on record versions.")
        if moderates(user) is None:
            return self.all()
        public = published("record__") & Q(state="accepted")
        private = record_condition(user, "moderate", "record__")
        if _signed_in(user):
            private |= Q(record__contributed_by_id=user.pk)
        return self.filter(public | private)
