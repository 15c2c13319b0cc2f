from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("NGO / civil society")
    ACADEMIA = "academia", _("Academia")
    PRIVATE_SECTOR = "private", _("Private sector")
    IGO = "igo", _("Intergovernmental organisation")
    UN_ENTITY = "un", _("UN entity")
    MEMBER_STATE = "state", _("Member State")
    OTHER = "other", _("Other")


class EcosocStatus(models.TextChoices):
    GENERAL = "general", _("General")
    SPECIAL = "special", _("Special")
    ROSTER = "roster", _("Roster")
    NONE = "none", _("None")


class Region(models.TextChoices):
    AFRICAN = "african", _("African Group")
    ASIA_PACIFIC = "asia_pacific", _("Asia-Pacific Group")
    EASTERN_EUROPEAN = "eastern_european", _("Eastern European Group")
    LATIN_AMERICAN_CARIBBEAN = "grulac", _("Latin American and Caribbean Group")
    WESTERN_EUROPEAN_OTHERS = "weog", _("Western European and others Group")


class MemberRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    REPRESENTATIVE = "representative", _("Representative")


class Track(models.TextChoices):
    ECOSOC = "ecosoc", _("ECOSOC consultative status")
    OPEN = "open", _("Open (non-objection procedure)")


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for information")
    UNDER_REVIEW = "under_review", _("Under review")
    CIRCULATED = "circulated", _("Circulated to Member States")
    OBJECTED = "objected", _("Objected")
    ACCREDITED = "accredited", _("Accredited")
    NOT_ACCREDITED = "not_accredited", _("Not accredited")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ObjectionTransparency(models.TextChoices):
    SECRETARIAT = "secretariat", _("Visible to the secretariat only")
    APPLICANT = "applicant", _("The applicant learns of it (and of its basis, if disclosed)")
    PUBLIC = "public", _("Public, naming the objecting State")


# How a process runs until its secretariat changes its accreditation settings.
DEFAULT_OBJECTION_TRANSPARENCY = ObjectionTransparency.APPLICANT
