"""One application: its dossier, its statement and documents, and the steps of the pipeline."""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.permissions import has_perm, permission_required

from .. import permissions as perms
from .. import selectors, services
from ..exceptions import ActionNotAllowed, DocumentsClosed, StakeholdersError
from ..forms import (
    ApplicationForm,
    CirculateForm,
    DecideForm,
    DocumentForm,
    ObjectionForm,
    ReturnForm,
)
from ..models import Application
from ..pipeline import ACTIONS
from ..protection import visible_memberships
from ..workflow import edit_statement, run_action
from . import lookups

ACTION_FORMS = {"return": ReturnForm, "circulate": CirculateForm, "decide": DecideForm}


def _steps(application: Application, user: Any) -> dict[str, Any]:
    """Who the viewer is to the application, and the steps open to them now."""
    allowed = selectors.visible_allowed_actions(application, user)
    is_applicant = has_perm(user, perms.EDIT_APPLICATION, application)
    is_reviewer = has_perm(user, perms.REVIEW_APPLICATION, application)
    return {
        "is_applicant": is_applicant,
        "is_reviewer": is_reviewer,
        "applicant_actions": [a for a in allowed if is_applicant and not ACTIONS[a].by_secretariat],
        "reviewer_actions": [a for a in allowed if is_reviewer and ACTIONS[a].by_secretariat],
        "editable": selectors.editable_by(application, user),
        "can_object": selectors.open_to_objection_by(application, user),
    }


def _forms(application: Application, forms: dict[str, Any]) -> dict[str, Any]:
    """The page's forms: the one just sent back (with its errors), fresh ones otherwise."""
    return {
        "statement_form": forms.get("statement")
        or ApplicationForm(initial={"statement": application.statement}),
        "document_form": forms.get("document") or DocumentForm(),
        "action_forms": {name: forms.get(name) or cls() for name, cls in ACTION_FORMS.items()},
        "objection_form": forms.get("objection") or ObjectionForm(),
    }


def application_page(
    request: HttpRequest,
    application: Application,
    *,
    status: int = 200,
    forms: dict[str, Any] | None = None,
) -> HttpResponse:
    """The application's page (also shown again, with the form's errors, after a refused POST)."""
    user = request.user
    steps = _steps(application, user)
    context = {
        "application": application,
        # A dossier names the applicant to those who may read it (see protection.py).
        "name": application.organisation.name,
        "state": selectors.state_label(application, user),
        "state_value": selectors.visible_state(application, user),
        "documents": application.documents.all(),
        "objections": selectors.objections_visible_to(application, user),
        **steps,
        **_forms(application, forms or {}),
        "people": visible_memberships(application.organisation, user),
        "duplicates": selectors.possible_duplicates(application.organisation, user)
        if steps["is_reviewer"]
        else [],
    }
    return render(request, "stakeholders/application_detail.html", context, status=status)


def _to_page(application: Application) -> HttpResponse:
    return redirect("stakeholders:application_detail", pk=application.pk)


@permission_required(perms.VIEW_APPLICATION, obj=lookups.application)
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, application: Application, pk: int) -> HttpResponse:
    """An application: its dossier, its documents, its objections and the actions open now."""
    if request.method == "GET":
        return application_page(request, application)
    form = ApplicationForm(request.POST)
    if form.is_valid():
        try:
            edit_statement(application, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The statement was saved."))
            return _to_page(application)
        except ActionNotAllowed as exc:
            # The form is not on the page any more: say it above the page.
            messages.error(request, str(exc))
            return _to_page(application)
        except StakeholdersError as exc:
            form.add_error("statement", str(exc))
    return application_page(request, application, status=400, forms={"statement": form})


@permission_required(perms.EDIT_APPLICATION, obj=lookups.application)
@require_POST
def upload_document(request: HttpRequest, application: Application, pk: int) -> HttpResponse:
    """Attach a PDF to a draft."""
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(application, actor=request.user, upload=form.cleaned_data["file"])
            messages.success(request, _("The document was attached."))
            return _to_page(application)
        except DocumentsClosed as exc:
            # The form is not on the page any more: say it above the page.
            messages.error(request, str(exc))
            return _to_page(application)
        except StakeholdersError as exc:
            form.add_error("file", str(exc))
    return application_page(request, application, status=400, forms={"document": form})


@permission_required(perms.VIEW_APPLICATION, obj=lookups.application)
@require_GET
def download_document(
    request: HttpRequest, application: Application, pk: int, document_id: int
) -> FileResponse:
    """A supporting document, for those who may read the application."""
    document = selectors.document_of(application, request.user, document_id)
    # Always a download, always a PDF, under a safe name (also for names stored before).
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=services.documents.safe_filename(document.original_name),
        content_type="application/pdf",
    )


@permission_required(perms.EDIT_APPLICATION, obj=lookups.application)
@require_POST
def remove_document(
    request: HttpRequest, application: Application, pk: int, document_id: int
) -> HttpResponse:
    """Remove a supporting document from a draft."""
    document = selectors.document_of(application, request.user, document_id)
    try:
        services.remove_document(document, actor=request.user)
    except StakeholdersError as exc:
        messages.error(request, str(exc))
    return _to_page(application)


@permission_required(perms.VIEW_APPLICATION, obj=lookups.application)
@require_POST
def application_action(
    request: HttpRequest, application: Application, pk: int, action: str
) -> HttpResponse:
    """Take one step of the pipeline (who may take which step: workflow.run_action)."""
    form_class = ACTION_FORMS.get(action)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return application_page(request, application, status=400, forms={action: form})
    try:
        run_action(application, action, actor=request.user, data=form.cleaned_data if form else {})
    except ActionNotAllowed as exc:
        messages.error(request, str(exc))
        return _to_page(application)
    except StakeholdersError as exc:
        if form is None:
            messages.error(request, str(exc))
            return _to_page(application)
        form.add_error(None, str(exc))
        return application_page(request, application, status=400, forms={action: form})
    messages.success(request, _("Done."))
    return _to_page(application)
