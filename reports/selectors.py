"""Reads of reports, through the viewer's scope."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from .models import Block, Report


def reports_visible_to(viewer: Any) -> QuerySet[Report]:
    """The reports the viewer may read: published ones, and drafts of processes they run."""
    return Report.objects.restrict(viewer).select_related("process")


def report_for(viewer: Any, pk: int) -> Report:
    """One report with its blocks, or 404 when the viewer may not read it."""
    found = (
        reports_visible_to(viewer)
        .prefetch_related(Prefetch("blocks", queryset=Block.objects.order_by("position")))
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def sources_of(report: Report) -> list[dict[str, Any]]:
    """The data the report was computed from, each source once, with its timestamp."""
    seen: dict[tuple[str, Any], dict[str, Any]] = {}
    for block in report.blocks.all():
        for source in block.sources:
            seen.setdefault((source["type"], source["id"]), source)
    return list(seen.values())


def drafts_of(process: Any, viewer: Any) -> QuerySet[Report]:
    """The process's draft reports, for its secretariat only (nothing for anyone else)."""
    return (
        Report.objects.restrict(viewer, "change")
        .filter(process=process, status="draft")
        .select_related("process")
        .order_by("-updated_at", "-id")
    )


def draft_for(viewer: Any, pk: int) -> Report:
    """A draft the viewer may compose, with its blocks in order; otherwise 404."""
    found = (
        Report.objects.restrict(viewer, "change")
        .filter(pk=pk, status="draft")
        .select_related("process")
        .prefetch_related(Prefetch("blocks", queryset=Block.objects.order_by("position")))
        .first()
    )
    if found is None:
        raise Http404
    return found


def block_in(report: Report, raw: Any) -> Block:
    """One block of this report, by the id a form sent; 404 when it is not one of them."""
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        raise Http404 from None
    found = report.blocks.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found
