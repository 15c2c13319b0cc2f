"""Pages of reports: the list, one report, its PDF. Anyone reads published reports."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.permissions import public_view

from .rendering import to_pdf
from .selectors import report_for, reports_visible_to, sources_of


@public_view
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the viewer may read."""
    reports = reports_visible_to(request.user).order_by("-published_at", "-id")[:200]
    return render(request, "reports/list.html", {"reports": reports})


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
