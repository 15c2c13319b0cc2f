from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CONCLUDED = "concluded", _("Concluded")
    ARCHIVED = "archived", _("Archived")


PUBLIC_PROCESS_STATUSES = [ProcessStatus.ACTIVE, ProcessStatus.CONCLUDED, ProcessStatus.ARCHIVED]
