"""Pages of consultations, by group: setting up, answering, and results with exports.

The list of a process's consultations is here: anyone who may see the process may open it, and
it shows each viewer what querysets.condition lets them see (the detail pages check the same)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.permissions import has_perm, public_view
from core.selectors import process_for

from .. import permissions as perms
from .. import selectors
from .answering import consultation_check, consultation_detail, receipt
from .reporting import attachment_download, export, export_job, responses, results
from .setting_up import consultation_create, consultation_edit, consultation_status, form_download

__all__ = [
    "attachment_download",
    "consultation_check",
    "consultation_create",
    "consultation_detail",
    "consultation_edit",
    "consultation_list",
    "consultation_status",
    "export",
    "export_job",
    "form_download",
    "receipt",
    "responses",
    "results",
]


@require_GET
@public_view
def consultation_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A process's consultations (drafts only for its secretariat)."""
    process = process_for(request.user, slug)
    return render(
        request,
        "consultations/list.html",
        {
            "process": process,
            "consultations": selectors.consultations_in(process, request.user),
            "can_create": has_perm(request.user, perms.MANAGE, process),
        },
    )
