from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Process, TimeStampedModel

from .choices import ReportStatus
from .querysets import ReportQuerySet


class Report(TimeStampedModel):
    process = models.ForeignKey(
        Process, on_delete=models.PROTECT, related_name="reports", verbose_name=_("process")
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="reports_report_published_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Block(models.Model):
    """One block of a report: its kind, what it points at, and the snapshot it shows."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("report")
    )
    position = models.PositiveIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)
    snapshot = models.JSONField(_("snapshot"), default=dict)
    sources = models.JSONField(_("sources"), default=list)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="reports_block_position")
        ]
