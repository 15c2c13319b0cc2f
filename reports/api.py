"""Endpoints of reports: the list, one report with its blocks and sources, its PDF; and for
the secretariat of the report's process, a new draft, a block added, moved or removed,
publication."""

from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import AuthenticationError

from api.auth import required_auth
from api.errors import ApiError, responses
from api.pagination import PagePagination
from core.permissions import has_perm
from core.selectors import process_for

from . import selectors, services
from .exceptions import AlreadyPublished, BlockRefused, ReportError, ReportMismatch
from .permissions import COMPOSE
from .rendering import to_pdf

router = Router(tags=["reports"])


class ReportSummary(Schema):
    id: int
    title: str
    process: str
    status: str
    published_at: datetime | None


class BlockOut(Schema):
    id: int
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
    return _full(selectors.report_for(request.user, pk))


def _full(report: Any) -> dict[str, Any]:
    blocks = [_block(b) for b in report.blocks.order_by("position")]
    return _summary(report) | {"blocks": blocks, "sources": selectors.sources_of(report)}


@router.get("/reports/{pk}/pdf", response=responses({200: None}, 404), summary="A report's PDF")
def get_report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report printed as a PDF."""
    report = selectors.report_for(request.user, pk)
    return HttpResponse(to_pdf(report), content_type="application/pdf")


# Composing, for the secretariat of the report's process ------------------------------------


class ReportIn(Schema):
    title: str = Field(..., max_length=200)


class BlockIn(Schema):
    kind: str = Field(..., max_length=40)
    params: dict[str, Any] = Field(default_factory=dict)


class BlockAdded(BlockOut):
    pass


class MoveIn(Schema):
    direction: Literal["up", "down"]


def _composing(request: HttpRequest, target: Any) -> Any:
    """The permission these endpoints declare, COMPOSE on the object found through the caller's
    scope (404 when hidden): 401 if anonymous, else 403."""
    if not has_perm(request.user, COMPOSE, target):
        if not request.user.is_authenticated:
            raise AuthenticationError()
        raise ApiError(403, _("You may not do this."))
    return target


def _refused(exc: Exception, field: str) -> ApiError:
    if isinstance(exc, ReportMismatch):
        errors = [{"field": "blocks", "message": m} for m in exc.mismatches]
        return ApiError(409, _("The report does not match the data."), errors)
    if isinstance(exc, AlreadyPublished):
        return ApiError(409, str(exc))
    return ApiError(422, str(exc), [{"field": field, "message": str(exc)}])


def _block(block: Any) -> dict[str, Any]:
    return {
        "id": block.pk,
        "position": block.position,
        "kind": block.kind,
        "snapshot": block.snapshot,
        "sources": block.sources,
    }


def _report(request: HttpRequest, pk: int) -> Any:
    found = selectors.reports_visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@router.post(
    "/processes/{slug}/reports",
    response=responses({201: ReportSummary}, 401, 403, 404, 422),
    auth=required_auth,
    summary="Create a draft report",
)
def create_report(request: HttpRequest, slug: str, payload: ReportIn) -> Status[dict[str, Any]]:
    """A new draft report of the process, seen by its secretariat only until published."""
    process = _composing(request, process_for(request.user, slug))
    try:
        report = services.create_report(process, actor=request.user, title=payload.title)
    except BlockRefused as exc:
        raise _refused(exc, "title") from None
    return Status(201, _summary(report))


@router.post(
    "/reports/{pk}/blocks",
    response=responses({201: BlockAdded}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Add a block to a draft report",
)
def add_block(request: HttpRequest, pk: int, payload: BlockIn) -> Status[dict[str, Any]]:
    """Append a block: its kind and parameters (the ids of the data it shows). A block on data
    of another process, or that the caller may not see, is refused (422) and nothing stored."""
    report = _composing(request, _report(request, pk))
    try:
        block = services.add_block(
            report, actor=request.user, kind=payload.kind, params=payload.params
        )
    except (BlockRefused, AlreadyPublished) as exc:
        raise _refused(exc, "params") from None
    return Status(201, _block(block))


def _block_of(report: Any, block_id: int) -> Any:
    block = report.blocks.filter(pk=block_id).first()
    if block is None:
        raise Http404
    return block


@router.post(
    "/reports/{pk}/blocks/{block_id}/move",
    response=responses({200: ReportOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Move a block of a draft report",
)
def move_block(request: HttpRequest, pk: int, block_id: int, payload: MoveIn) -> dict[str, Any]:
    """Swap a block with the one before it (up) or after it (down); at an end nothing moves.
    Answers the report with its blocks in their new order."""
    report = _composing(request, _report(request, pk))
    try:
        services.move_block(
            _block_of(report, block_id), actor=request.user, up=payload.direction == "up"
        )
    except AlreadyPublished as exc:
        raise _refused(exc, "") from None
    return _full(report)


@router.delete(
    "/reports/{pk}/blocks/{block_id}",
    response=responses({200: ReportOut}, 401, 403, 404, 409),
    auth=required_auth,
    summary="Remove a block from a draft report",
)
def remove_block(request: HttpRequest, pk: int, block_id: int) -> dict[str, Any]:
    """Take a block out; the blocks after it close the gap. Answers the report as it is now."""
    report = _composing(request, _report(request, pk))
    try:
        services.remove_block(_block_of(report, block_id), actor=request.user)
    except AlreadyPublished as exc:
        raise _refused(exc, "") from None
    return _full(report)


@router.post(
    "/reports/{pk}/publish",
    response=responses({200: ReportSummary}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Publish a report",
)
def publish_report(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Publish once every quote is found in its source and every figure computed again matches;
    otherwise 409 with one error per mismatch, and the report stays a draft."""
    report = _composing(request, _report(request, pk))
    try:
        return _summary(services.publish_report(report, actor=request.user))
    except ReportError as exc:
        raise _refused(exc, "") from None
