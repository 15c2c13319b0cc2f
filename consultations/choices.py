from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    PUBLIC = "public", _("Public: anyone may answer")
    ACCREDITED = "accredited", _("Organisations accredited to the process")
    INVITED = "invited", _("An invited list")


class Identity(models.TextChoices):
    ATTRIBUTED = "attributed", _("Attributed: respondent and organisation shown to staff")
    CONFIDENTIAL = "confidential", _("Confidential: staff see identity, published results never")
    ANONYMOUS = "anonymous", _("Anonymous: no link to a person or organisation is stored")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Results published")


class Layout(models.TextChoices):
    ONE_PAGE = "one_page", _("One page")
    PER_GROUP = "per_group", _("One page per group")


class ResponseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


# The next status a consultation may move to from each status.
NEXT_STATUS = {
    Status.DRAFT: {Status.OPEN},
    Status.OPEN: {Status.CLOSED},
    Status.CLOSED: {Status.OPEN, Status.PUBLISHED},
    Status.PUBLISHED: {Status.CLOSED},
}
