"""Writes of reports: compose, add a block (snapshot taken now), publish (checked first)."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import record
from core.permissions import has_perm

from .blocks import kind_of
from .choices import ReportStatus
from .exceptions import AlreadyPublished, BlockRefused, ReportMismatch
from .models import Block, Report
from .permissions import COMPOSE


def _check(actor: Any, process: Any) -> None:
    if not has_perm(actor, COMPOSE, process):
        raise BlockRefused(_("Only the secretariat of this process composes its reports."))


def create_report(process: Any, *, actor: Any, title: str) -> Report:
    """A new draft report for the process."""
    _check(actor, process)
    if not title.strip():
        raise BlockRefused(_("A report needs a title."))
    with transaction.atomic():
        report = Report.objects.create(process=process, title=title.strip(), created_by=actor)
        record("reports.report.created", actor=actor, obj=report, process=process)
    return report


def add_block(report: Report, *, actor: Any, kind: str, params: dict[str, Any]) -> Block:
    """Append a block, with the snapshot of what it shows taken from the live data now."""
    _check(actor, report.process)
    if report.status != ReportStatus.DRAFT:
        raise AlreadyPublished(_("A published report is not changed."))
    # The snapshot's labels are in the author's language; it is checked again in that language.
    params = {k: v for k, v in params.items() if k != "language"}
    params["language"] = translation.get_language() or settings.LANGUAGE_CODE
    snapshot, sources = kind_of(kind).build(actor, report.process, dict(params))
    with transaction.atomic():
        last = report.blocks.aggregate(last=Max("position"))["last"]
        block = Block.objects.create(
            report=report,
            position=(last or 0) + 1,
            kind=kind,
            params=dict(params),
            snapshot=snapshot,
            sources=sources,
        )
        report.save(update_fields=["updated_at"])
        data = {"kind": kind, "block": block.pk}
        record("reports.block.added", actor=actor, obj=report, process=report.process, data=data)
    return block


def mismatches_of(report: Report, actor: Any) -> list[str]:
    """Every place where a block's snapshot differs from the live data (as the actor sees it)."""
    found: list[str] = []
    for block in report.blocks.order_by("position"):
        verify = kind_of(block.kind).verify
        for problem in verify(actor, report.process, block.params, block.snapshot):
            found.append(
                _("block %(position)s: %(problem)s")
                % {"position": block.position, "problem": problem}
            )
    return found


def publish_report(report: Report, *, actor: Any) -> Report:
    """Publish once every quote and figure matches the data; else refuse with the list."""
    _check(actor, report.process)
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.DRAFT:
            raise AlreadyPublished(_("This report is published already."))
        problems = mismatches_of(report, actor)
        if problems:
            raise ReportMismatch(problems)
        report.status, report.published_at = ReportStatus.PUBLISHED, timezone.now()
        report.save(update_fields=["status", "published_at", "updated_at"])
        record("reports.report.published", actor=actor, obj=report, process=report.process)
    return report


def _draft_block(block: Block, actor: Any) -> Report:
    report = block.report
    _check(actor, report.process)
    if report.status != ReportStatus.DRAFT:
        raise AlreadyPublished(_("A published report is not changed."))
    return report


def move_block(block: Block, *, actor: Any, up: bool) -> Block:
    """Swap a block with the one before it (up) or after it (down); at an end, nothing moves."""
    report = _draft_block(block, actor)
    with transaction.atomic():
        siblings = report.blocks.select_for_update().order_by("position")
        neighbour = (
            siblings.filter(position__lt=block.position).order_by("-position").first()
            if up
            else siblings.filter(position__gt=block.position).first()
        )
        if neighbour is None:
            return block
        mine, theirs = block.position, neighbour.position
        # Through 0, which no block holds, so that the unique position is never held twice.
        Block.objects.filter(pk=block.pk).update(position=0)
        Block.objects.filter(pk=neighbour.pk).update(position=mine)
        Block.objects.filter(pk=block.pk).update(position=theirs)
        block.position = theirs
        report.save(update_fields=["updated_at"])
        data = {"block": block.pk, "position": theirs}
        record("reports.block.moved", actor=actor, obj=report, process=report.process, data=data)
    return block


def remove_block(block: Block, *, actor: Any) -> None:
    """Take a block out of a draft; the blocks after it close the gap."""
    report = _draft_block(block, actor)
    with transaction.atomic():
        position = block.position
        data = {"block": block.pk, "kind": block.kind}
        block.delete()
        for later in report.blocks.filter(position__gt=position).order_by("position"):
            Block.objects.filter(pk=later.pk).update(position=later.position - 1)
        report.save(update_fields=["updated_at"])
        record("reports.block.removed", actor=actor, obj=report, process=report.process, data=data)
