"""Pages that read what came in: results, the responses, and exports."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.permissions import has_perm, permission_required
from stakeholders.choices import OrganisationKind, Region

from .. import permissions as perms
from .. import selectors, services
from ..exports import attachment
from ..forms import ExportForm, ResultsFilterForm, language_name
from ..models import Consultation, ExportJob
from ..results import build_results, written_answers
from .scope import language_for, the_consultation


@permission_required(perms.VIEW_RESULTS, obj=the_consultation)
@require_GET
def results(request: HttpRequest, consultation: Consultation, slug: str) -> HttpResponse:
    """Figures per question, with charts and their tables; small cells suppressed."""
    version = selectors.current_version(consultation)
    if version is None:
        raise Http404
    form_def = selectors.definition_of(version)
    filters = ResultsFilterForm(request.GET or None)
    if consultation.suppresses_small_cells:
        # Filtered totals beside the whole would undo the protection; breakdowns remain.
        del filters.fields["kind"], filters.fields["region"]
    options = filters.cleaned_data if filters.is_valid() else {}
    figures = build_results(
        consultation,
        form_def,
        by=options.get("by", ""),
        filters={"kind": options.get("kind", ""), "region": options.get("region", "")},
        language=language_for(request, form_def),
    )
    staff = has_perm(request.user, perms.MANAGE, consultation)
    identity = not consultation.is_anonymous
    texts = written_answers(consultation, figures, request.GET, identity=identity) if staff else {}
    context = {
        "consultation": consultation,
        "process": consultation.process,
        "results": figures,
        "filters": filters,
        "texts": texts,
        "staff": staff,
        "show_identity": staff and not consultation.is_anonymous,
    }
    status = 200 if filters.is_valid() or not filters.is_bound else 400
    return render(request, "consultations/results.html", context, status=status)


@permission_required(perms.MANAGE, obj=the_consultation)
@require_GET
def responses(request: HttpRequest, consultation: Consultation, slug: str) -> HttpResponse:
    """The responses received, newest first (identities unless anonymous)."""
    page = Paginator(selectors.responses_of(consultation).order_by("-id"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "consultations/responses.html",
        {
            "consultation": consultation,
            "process": consultation.process,
            "page": page,
            "language_names": {r.language: language_name(r.language) for r in page},
            "kind_labels": dict(OrganisationKind.choices),
            "region_labels": dict(Region.choices),
            "show_identity": not consultation.is_anonymous,
        },
    )


@permission_required(perms.MANAGE, obj=the_consultation)
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest, consultation: Consultation, slug: str) -> HttpResponse:
    """Export the responses: at once when few, in the background with a progress bar when many."""
    version = selectors.current_version(consultation)
    if version is None:
        raise Http404
    form_def = selectors.definition_of(version)
    form = ExportForm(request.POST or None, languages=form_def.languages)
    if request.method == "POST" and form.is_valid():
        fmt = form.cleaned_data["format"]
        made = services.export_responses(
            consultation,
            actor=request.user,
            form=form_def,
            fmt=fmt,
            labels=form.cleaned_data["labels"] == "labels",
            language=form.cleaned_data.get("language") or form_def.default_language,
        )
        if isinstance(made, ExportJob):
            return redirect("consultations:export_job", slug=consultation.slug, pk=made.pk)
        return attachment(made, fmt, consultation.slug)
    context = {
        "consultation": consultation,
        "process": consultation.process,
        "form": form,
        "jobs": selectors.recent_exports(consultation, request.user),
    }
    return render(
        request,
        "consultations/export.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@permission_required(perms.MANAGE, obj=the_consultation)
@require_GET
def export_job(
    request: HttpRequest, consultation: Consultation, slug: str, pk: int
) -> HttpResponse:
    """An export being built: its progress, then its file."""
    job = selectors.export_job_for(consultation, request.user, pk)
    if request.GET.get("download") and job.state == "ready" and job.content is not None:
        return attachment(bytes(job.content), job.format, consultation.slug)
    template = (
        "consultations/partials/export_progress.html"
        if request.htmx
        else "consultations/export_job.html"
    )
    return render(
        request,
        template,
        {"consultation": consultation, "process": consultation.process, "job": job},
    )


@permission_required(perms.MANAGE, obj=the_consultation)
@require_GET
def attachment_download(
    request: HttpRequest, consultation: Consultation, slug: str, name: str
) -> FileResponse:
    """A file given in answer, for those who may read the responses; always a download."""
    attachment = selectors.attachment_of(consultation, name)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name or attachment.name,
        content_type=attachment.content_type,
    )
    # Never run, whatever a browser makes of it.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
