from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CONCLUDED = "concluded", _("Concluded")
    ARCHIVED = "archived", _("Archived")


PUBLIC_PROCESS_STATUSES = [ProcessStatus.ACTIVE, ProcessStatus.CONCLUDED, ProcessStatus.ARCHIVED]

CLOSED_PROCESS_STATUSES = [ProcessStatus.CONCLUDED, ProcessStatus.ARCHIVED]

# How long, after a process closes, personal data not needed for its record is kept.
DEFAULT_RETENTION_DAYS = {"drafts": 90, "identities": 365, "registrations": 180}
MAX_RETENTION_DAYS = 3650
