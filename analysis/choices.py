from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    PUBLIC = "public", _("Public: anyone may take part")
    ACCREDITED = "accredited", _("Organisations accredited to the process")
    INVITED = "invited", _("An invited list")


class Identity(models.TextChoices):
    CONFIDENTIAL = (
        "confidential",
        _("Confidential: votes are kept with the account, never shown by name"),
    )
    ANONYMOUS = "anonymous", _("Anonymous: no link to a person is stored")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Moderated out")


class Vote(models.IntegerChoices):
    AGREE = 1, _("Agree")
    DISAGREE = -1, _("Disagree")
    PASS = 0, _("Pass / unsure")


class MapState(models.TextChoices):
    EMPTY = "empty", _("Not computed yet")
    QUEUED = "queued", _("Being computed")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


NEXT_STATUS = {
    Status.DRAFT: {Status.OPEN},
    Status.OPEN: {Status.CLOSED},
    Status.CLOSED: {Status.OPEN},
}
VOTE_NAMES = {"agree": 1, "disagree": -1, "pass": 0}


class RunState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ThemeMethod(models.TextChoices):
    TFIDF = "tfidf", _("TF-IDF and SVD (word overlap)")
    SEMANTIC = "semantic", _("Sentence embeddings (all-MiniLM-L6-v2)")
