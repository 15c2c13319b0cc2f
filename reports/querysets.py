from typing import Any

from django.db import models

from core.roles import staff_process_ids


class ReportQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> "ReportQuerySet":
        """Published reports for anyone to view; drafts (and any change) only for the
        secretariat of the report's process."""
        staff = staff_process_ids(user) if getattr(user, "is_authenticated", False) else set()
        mine = models.Q() if staff is None else models.Q(process_id__in=staff or [])
        if action == "view":
            return self.filter(models.Q(status="published") | mine)
        return self.filter(mine)
