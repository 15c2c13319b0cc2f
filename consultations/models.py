"""Consultations, their XLSForm versions, responses and the running tallies that results read."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import Process, TimeStampedModel
from core.validators import single_line

from .choices import Audience, Identity, Layout, Status
from .querysets import ConsultationQuerySet


class Consultation(TimeStampedModel):
    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    audience = models.CharField(
        _("audience"), max_length=12, choices=Audience.choices, default=Audience.PUBLIC
    )
    identity = models.CharField(
        _("identity mode"), max_length=12, choices=Identity.choices, default=Identity.CONFIDENTIAL
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="draft")
    layout = models.CharField(
        _("layout"), max_length=10, choices=Layout.choices, default=Layout.ONE_PAGE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="consultations_consultation_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_anonymous(self) -> bool:
        return self.identity == Identity.ANONYMOUS

    @property
    def suppresses_small_cells(self) -> bool:
        return self.identity != Identity.ATTRIBUTED


class FormVersion(models.Model):
    """One upload of a consultation's XLSForm: the file as sent, and what Consulta read."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    filename = models.CharField(_("file name"), max_length=200)
    source = models.BinaryField(_("file"))
    definition = models.JSONField(_("definition"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "number"], name="consultations_formversion_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation} v{self.number}"


class Invitee(models.Model):
    """Someone on a consultation's invited list, by e-mail address."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="invitees"
    )
    email = models.EmailField(_("e-mail address"))

    class Meta:
        verbose_name = _("invitee")
        verbose_name_plural = _("invitees")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "email"], name="consultations_invitee_unique_email"
            )
        ]

    def __str__(self) -> str:
        return self.email


class Response(models.Model):
    """A submitted response. In anonymous consultations respondent and organisation stay empty."""

    # No index of their own: the unique (consultation, instance_id) index serves lookups by
    # consultation, and versions are only deleted with their consultation. Every index costs
    # each submission a write.
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="responses", db_index=False
    )
    instance_id = models.UUIDField(_("instance id"), default=uuid.uuid4)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    digest = models.CharField(max_length=64)
    language = models.CharField(_("language"), max_length=20, blank=True)
    answers = models.JSONField(_("answers"), default=dict)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("respondent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_responses",
        db_index=False,
    )
    organisation = models.ForeignKey(
        "stakeholders.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultation_responses",
        db_index=False,
    )
    kind = models.CharField(_("stakeholder kind"), max_length=20, blank=True)
    region = models.CharField(_("region"), max_length=20, blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    # Whether the tallies include it yet (see services.count_responses).
    counted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["id"]
        # Partial indexes: a response that names no one (most of them) adds no entry.
        indexes = [
            models.Index(
                fields=["consultation", "id"],
                condition=Q(counted=False),
                name="consultations_uncounted_idx",
            ),
            models.Index(
                fields=["respondent"],
                condition=Q(respondent__isnull=False),
                name="consultations_respondent_idx",
            ),
            models.Index(
                fields=["organisation"],
                condition=Q(organisation__isnull=False),
                name="consultations_org_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "instance_id"],
                name="consultations_response_unique_instance",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Participation(models.Model):
    """That a signed-in person answered, kept apart from the response so anonymity holds.

    The digest is a keyed hash of consultation and person; nothing links it to the response:
    a random id, no time, and (in anonymous mode) written in a transaction of its own.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participations"
    )
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "digest"], name="consultations_participation_unique"
            )
        ]


class Draft(models.Model):
    """A signed-in respondent's answers saved before submission."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="drafts")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultation_drafts"
    )
    answers = models.JSONField(default=dict)
    page = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "respondent"], name="consultations_draft_unique_respondent"
            )
        ]


class Tally(models.Model):
    """How many responses gave `value` to `question`, per stakeholder kind and region.

    Kept up to date in the submission's transaction, so results never scan the responses.
    The value "" counts responses that answered the question at all; the question "" counts
    responses.
    """

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="tallies")
    question = models.CharField(max_length=200)
    value = models.CharField(max_length=200)
    kind = models.CharField(max_length=20)
    region = models.CharField(max_length=20)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "question", "value", "kind", "region"],
                name="consultations_tally_unique_cell",
            )
        ]


class ExportJob(models.Model):
    """A large export built in the background; the page shows its progress."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="export_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    format = models.CharField(max_length=4)
    options = models.JSONField(default=dict)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, default="queued")
    content = models.BinaryField(null=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return (
            100 if self.state == "ready" else int(100 * self.done / self.total) if self.total else 0
        )


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # The random name only: nothing of what the respondent called the file, or when.
    return f"consultations/{instance.consultation_id}/{instance.name}"


class Attachment(models.Model):
    """A file given in answer to an image, file, audio or video question.

    Kept from the upload (the answer names it) and linked to its response when that is sent.
    The id and the name are random and only the day is kept, so that in anonymous consultations
    neither the order of the table nor a time ties a file to the moment it came in.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="attachments"
    )
    response = models.ForeignKey(
        Response,
        verbose_name=_("response"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    question = models.CharField(_("question"), max_length=200)
    name = models.CharField(_("stored name"), max_length=60, unique=True)
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    # Empty in anonymous consultations: a file's name often says whose it is.
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    received_on = models.DateField(_("received"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
