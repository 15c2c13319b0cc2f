from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Secretariat")
    DELEGATE = "delegate", _("Member State delegate")
    STAKEHOLDER = "stakeholder", _("Stakeholder representative")
    MODERATOR = "moderator", _("Moderator")


# Roles that govern a process: granted for one process, or platform-wide by leaving it empty.
PROCESS_ROLES = {Role.SECRETARIAT, Role.MODERATOR}


class Gender(models.TextChoices):
    """Self-declared, optional, used only for balance figures: never on a public page or export."""

    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    ANOTHER = "another", _("Another identity")
