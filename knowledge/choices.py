from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordType(models.TextChoices):
    CVD_POLICY = "cvd_policy", _("Coordinated vulnerability disclosure policy")
    PPP_CASE = "ppp_case", _("Public-private partnership case study")
    TRAINING = "training", _("Digital-literacy or training programme")
    REPORT = "report", _("Report or study")
    OTHER = "other", _("Other practice")


class RecordState(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Not published")
    WITHDRAWN = "withdrawn", _("Withdrawn from the knowledge base")


class VersionState(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    ACCEPTED = "accepted", _("Published")
    REJECTED = "rejected", _("Not published")


class Sector(models.TextChoices):
    ICT = "ict", _("Technology and online platforms")
    TELECOM = "telecom", _("Telecommunications")
    FINANCE = "finance", _("Finance and banking")
    GOVERNMENT = "government", _("Government and public administration")
    JUSTICE = "justice", _("Law enforcement and criminal justice")
    EDUCATION = "education", _("Education and research")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    HEALTH = "health", _("Health")
    CROSS_SECTOR = "cross_sector", _("Several sectors")


class Mechanism(models.TextChoices):
    DISCLOSURE = "disclosure", _("Vulnerability disclosure programme")
    BUG_BOUNTY = "bug_bounty", _("Bug bounty or rewards")
    SAFE_HARBOUR = "safe_harbour", _("Legal safe harbour for good-faith research")
    INCENTIVES = "incentives", _("Incentives, labels or certification")
    INFORMATION_SHARING = "information_sharing", _("Information sharing")
    JOINT_ACTION = "joint_action", _("Joint investigation or takedown")
    REPORTING = "reporting", _("Reporting channel or hotline")
    TRAINING = "training", _("Training and curricula")
    AWARENESS = "awareness", _("Awareness campaign")
    RESEARCH = "research", _("Research and data")
    DIALOGUE = "dialogue", _("Multi-stakeholder dialogue")
    OTHER = "other", _("Other")


class ActorRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTNER = "partner", _("Partner")
    FUNDER = "funder", _("Funder")
    IMPLEMENTER = "implementer", _("Implementer")
    PARTICIPANT = "participant", _("Participant")
    EVALUATOR = "evaluator", _("Evaluator")


class Licence(models.TextChoices):
    """Open licences only: every published record goes out in the open-data export."""

    CC_BY = "CC-BY-4.0", _("Creative Commons Attribution 4.0 (CC BY 4.0)")
    CC_BY_SA = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    CC0 = "CC0-1.0", _("Public domain dedication (CC0 1.0)")


LICENCE_URLS = {
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}

# The licence of the base as a whole (the compilation), under which the export is published;
# each record also carries its own.
BASE_LICENCE = Licence.CC_BY


class Language(models.TextChoices):
    """BCP 47 codes of the six UN official languages: the language a record is written in."""

    AR = "ar", _("Arabic")
    ZH = "zh", _("Chinese")
    EN = "en", _("English")
    FR = "fr", _("French")
    RU = "ru", _("Russian")
    ES = "es", _("Spanish")


# PostgreSQL's text search configuration for each language (Chinese has no stemmer there).
SEARCH_CONFIGS = {
    "ar": "arabic",
    "zh": "simple",
    "en": "english",
    "fr": "french",
    "ru": "russian",
    "es": "spanish",
}

# The facets of the search page, in the order shown.
FACETS = ("type", "region", "sector", "area")
