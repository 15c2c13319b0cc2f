from typing import Any

from django.db import models
from django.db.models import Q

from .choices import PUBLIC_PROCESS_STATUSES
from .exceptions import AuditLogIsAppendOnly
from .roles import staff_process_ids


class ProcessQuerySet(models.QuerySet):
    def public(self) -> "ProcessQuerySet":
        return self.filter(status__in=PUBLIC_PROCESS_STATUSES)

    def visible_to(self, user: Any) -> "ProcessQuerySet":
        """Public processes, plus drafts of the processes the user is staff of."""
        if not getattr(user, "is_authenticated", False):
            return self.public()
        staff_ids = staff_process_ids(user)
        if staff_ids is None:  # platform-wide secretariat
            return self.all()
        return self.filter(Q(status__in=PUBLIC_PROCESS_STATUSES) | Q(pk__in=staff_ids))


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit entries cannot be deleted.")

    def forget_personal(self) -> int:
        """The one change entries allow: their personal values blanked (a person's erasure).
        The hash covers the values' digest, not the values, so the chain still verifies."""
        return models.QuerySet.update(self.exclude(personal_digest=""), personal={})

    def visible_to(self, user: Any) -> "AuditEntryQuerySet":
        """All entries for the platform secretariat; a process's entries for its secretariat."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        staff_ids = staff_process_ids(user)
        if staff_ids is None:
            return self.all()
        return self.filter(process_id__in=staff_ids)
