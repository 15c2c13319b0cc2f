"""Pages of reports: the list, one report, its PDF (anyone reads published reports); and the
compose pages of drafts, for the secretariat of the report's process."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Process
from core.permissions import permission_required, public_view
from core.selectors import process_for, processes_run_by

from . import services
from .blocks import kinds
from .exceptions import ReportError, ReportMismatch
from .forms import BlockForm, ReportForm
from .models import Report
from .permissions import COMPOSE
from .rendering import to_pdf
from .selectors import block_in, draft_for, drafts_of, report_for, reports_visible_to, sources_of


@public_view
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the viewer may read; for the secretariat, the way to compose them."""
    reports = reports_visible_to(request.user).order_by("-published_at", "-id")[:200]
    # The processes whose reports the viewer composes: the way to their drafts.
    running = processes_run_by(request.user)[:50] if request.user.is_authenticated else []
    return render(request, "reports/list.html", {"reports": reports, "running": running})


@public_view
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report, found through the viewer's scope."""
    report = report_for(request.user, pk)
    context = {"report": report, "blocks": report.blocks.all(), "sources": sources_of(report)}
    return render(request, "reports/detail.html", context)


@public_view
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report as a PDF."""
    report = report_for(request.user, pk)
    response = HttpResponse(to_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="report-{report.pk}.pdf"'
    return response


# Composing, for the secretariat of the report's process ------------------------------------


def _process(request: HttpRequest, slug: str, **kwargs: Any) -> Process:
    return process_for(request.user, slug)


def _draft(request: HttpRequest, pk: int, **kwargs: Any) -> Report:
    return draft_for(request.user, pk)


def _drafts_page(
    request: HttpRequest, process: Process, form: ReportForm, status: int = 200
) -> HttpResponse:
    context = {"process": process, "reports": drafts_of(process, request.user), "form": form}
    return render(request, "reports/drafts.html", context, status=status)


@permission_required(COMPOSE, obj=_process)
@require_http_methods(["GET", "POST"])
def drafts(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """The process's draft reports, and a new one by its title."""
    if request.method == "GET":
        return _drafts_page(request, process, ReportForm())
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _drafts_page(request, process, form, status=400)
    try:
        report = services.create_report(process, actor=request.user, **form.cleaned_data)
    except ReportError as exc:
        form.add_error(None, str(exc))
        return _drafts_page(request, process, form, status=400)
    return redirect("reports:compose", pk=report.pk)


def _compose_page(
    request: HttpRequest, report: Report, mismatches: list[str] | None = None, status: int = 200
) -> HttpResponse:
    labels = {k.name: k.label for k in kinds()}
    blocks = list(report.blocks.all())
    for block in blocks:
        block.label = labels.get(block.kind, block.kind)  # type: ignore[attr-defined]
    context = {
        "report": report,
        "blocks": blocks,
        "sources": sources_of(report),
        "kinds": kinds(),
        "mismatches": mismatches or [],
    }
    return render(request, "reports/compose.html", context, status=status)


@permission_required(COMPOSE, obj=_draft)
@require_GET
def compose(request: HttpRequest, report: Report, pk: int) -> HttpResponse:
    """A draft as it will read (its preview), with the controls that change it."""
    return _compose_page(request, report)


def _block_page(
    request: HttpRequest, report: Report, kind: Any, form: Any, status: int = 200
) -> HttpResponse:
    context = {"report": report, "kind": kind, "kinds": kinds(), "form": form}
    return render(request, "reports/add_block.html", context, status=status)


@permission_required(COMPOSE, obj=_draft)
@require_http_methods(["GET", "POST"])
def add_block(request: HttpRequest, report: Report, pk: int) -> HttpResponse:
    """Pick a kind, then its parameters among the data the author may see."""
    name = request.POST.get("kind") or request.GET.get("kind") or ""
    found = {k.name: k for k in kinds()}.get(name)
    if found is None:
        return _block_page(request, report, None, None, status=400 if name else 200)
    if request.method == "GET":
        return _block_page(request, report, found, BlockForm(found, request.user, report.process))
    form = BlockForm(found, request.user, report.process, request.POST)
    if not form.is_valid():
        return _block_page(request, report, found, form, status=400)
    try:
        services.add_block(report, actor=request.user, kind=found.name, params=form.params())
    except ReportError as exc:
        form.add_error(None, str(exc))
        return _block_page(request, report, found, form, status=400)
    messages.success(request, _("The block was added."))
    return redirect("reports:compose", pk=report.pk)


@permission_required(COMPOSE, obj=_draft)
@require_POST
def move_block(request: HttpRequest, report: Report, pk: int) -> HttpResponse:
    """Move a block one place up or down."""
    block = block_in(report, request.POST.get("block"))
    services.move_block(block, actor=request.user, up=request.POST.get("direction") == "up")
    return redirect("reports:compose", pk=report.pk)


@permission_required(COMPOSE, obj=_draft)
@require_POST
def remove_block(request: HttpRequest, report: Report, pk: int) -> HttpResponse:
    """Take a block out of the draft."""
    block = block_in(report, request.POST.get("block"))
    services.remove_block(block, actor=request.user)
    messages.success(request, _("The block was removed."))
    return redirect("reports:compose", pk=report.pk)


@permission_required(COMPOSE, obj=_draft)
@require_POST
def publish(request: HttpRequest, report: Report, pk: int) -> HttpResponse:
    """Publish once every quote and figure matches the data; else show what does not."""
    try:
        services.publish_report(report, actor=request.user)
    except ReportMismatch as exc:
        return _compose_page(request, report, exc.mismatches, status=409)
    except ReportError as exc:
        return _compose_page(request, report, [str(exc)], status=409)
    messages.success(request, _("The report is published."))
    return redirect("reports:detail", pk=report.pk)
