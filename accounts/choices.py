from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    DELEGATE = "delegate", _("Member State delegate")
    STAKEHOLDER = "stakeholder", _("Stakeholder representative")
    MODERATOR = "moderator", _("Moderator")


# Roles that govern a process: granted for one process, or platform-wide by leaving it empty.
PROCESS_ROLES = {Role.SECRETARIAT, Role.MODERATOR}
