from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, ProcessStatus
from .exceptions import AuditLogIsAppendOnly
from .querysets import AuditEntryQuerySet, ProcessQuerySet
from .validators import single_line


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Process(TimeStampedModel):
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    convening_body = models.CharField(_("convening body"), max_length=200, validators=[single_line])
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    status = models.CharField(
        _("status"), max_length=20, choices=ProcessStatus.choices, default=ProcessStatus.DRAFT
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("predecessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successors",
    )
    # When it was last concluded or archived: retention periods count from here.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    retain_drafts_days = models.PositiveIntegerField(
        _("keep drafts for (days after closing)"),
        default=DEFAULT_RETENTION_DAYS["drafts"],
        validators=[MaxValueValidator(MAX_RETENTION_DAYS)],
        help_text=_("Answers saved but never sent, and submissions never sent."),
    )
    retain_identities_days = models.PositiveIntegerField(
        _("keep who wrote unpublished responses for (days after closing)"),
        default=DEFAULT_RETENTION_DAYS["identities"],
        validators=[MaxValueValidator(MAX_RETENTION_DAYS)],
        help_text=_(
            "Then responses to consultations, and submissions never published, stay without the "
            "person behind them (and confidential responses without their organisation)."
        ),
    )
    retain_registrations_days = models.PositiveIntegerField(
        _("keep event registrations for (days after closing)"),
        default=DEFAULT_RETENTION_DAYS["registrations"],
        validators=[MaxValueValidator(MAX_RETENTION_DAYS)],
        help_text=_("Registrations for the process's events, with their answers."),
    )

    objects = ProcessQuerySet.as_manager()

    class Meta:
        verbose_name = _("process")
        verbose_name_plural = _("processes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(predecessor=F("pk")), name="core_process_not_own_predecessor"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AuditEntry(models.Model):
    """One state change. Rows are only ever inserted; each hash covers the previous one."""

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        # The log outlives accounts: no cascade, no constraint that could rewrite a row.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    process = models.ForeignKey(
        Process,
        verbose_name=_("process"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    data = models.JSONField(_("data"), default=dict, blank=True)
    # Values about a person (a name they typed, say) that erasure must be able to remove: the
    # hash covers `personal_digest` (a keyed hash of them and a random nonce), not the values,
    # so they can be blanked while the chain verifies; `find_first_broken` checks that values
    # still present match their digest.
    personal = models.JSONField(_("personal values"), default=dict, blank=True)
    personal_digest = models.CharField(
        _("digest of the personal values"), max_length=64, blank=True
    )
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    # Set for a page by core.audit.label_entries, for what its viewer may read; never stored.
    object_label: str
    actor_label: str
    details: list[tuple[str, str]]

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise AuditLogIsAppendOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise AuditLogIsAppendOnly("Audit entries cannot be deleted.")


class AuditHead(models.Model):
    """One row, created with the log: the sequence and hash of the newest audit entry, written
    with it and sealed with AUDIT_KEY, so that removing entries from the end of the log (and
    rewriting this row) is detected too."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    # HMAC of seq and hash under AUDIT_KEY; empty once the head could not be vouched for.
    seal = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit log head")


class PublicContentVersion(models.Model):
    """One row: a counter raised by every write to content that public pages show."""

    counter = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("public content version")
