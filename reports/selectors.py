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
