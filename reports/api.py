"""Endpoints of reports: the list, one report with its blocks and sources, its PDF."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from api.errors import responses
from api.pagination import PagePagination

from . import selectors
from .rendering import to_pdf

router = Router(tags=["reports"])


class ReportSummary(Schema):
    id: int
    title: str
    process: str
    status: str
    published_at: datetime | None


class BlockOut(Schema):
    position: int
    kind: str
    snapshot: dict[str, Any]
    sources: list[dict[str, Any]]


class ReportOut(ReportSummary):
    blocks: list[BlockOut]
    sources: list[dict[str, Any]]


class ReportPage(Schema):
    items: list[ReportSummary]
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


def _summary(report: Any) -> dict[str, Any]:
    return {
        "id": report.pk,
        "title": report.title,
        "process": report.process.slug,
        "status": report.status,
        "published_at": report.published_at,
    }


@router.get("/reports", response=responses({200: ReportPage}, 422), summary="List reports")
def list_reports(request: HttpRequest, paging: Query[PagePagination.Input]) -> dict[str, Any]:
    """Published reports, and the drafts of processes the caller runs."""
    found = selectors.reports_visible_to(request.user).order_by("-published_at", "-id")
    page = PagePagination().paginate_queryset(found, paging, request)
    page["items"] = [_summary(r) for r in page["items"]]
    return page


@router.get("/reports/{pk}", response=responses({200: ReportOut}, 404), summary="Read a report")
def get_report(request: HttpRequest, pk: int) -> dict[str, Any]:
    """A report with the snapshot of every block and the data it was computed from."""
    report = selectors.report_for(request.user, pk)
    blocks = [
        {"position": b.position, "kind": b.kind, "snapshot": b.snapshot, "sources": b.sources}
        for b in report.blocks.all()
    ]
    return _summary(report) | {"blocks": blocks, "sources": selectors.sources_of(report)}


@router.get("/reports/{pk}/pdf", response=responses({200: None}, 404), summary="A report's PDF")
def get_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report printed as a PDF."""
    report = selectors.report_for(request.user, pk)
    return HttpResponse(to_pdf(report), content_type="application/pdf")
