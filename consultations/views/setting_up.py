"""Pages that set consultations up: creating one, editing it, its status and its form file."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Process
from core.permissions import permission_required

from .. import permissions as perms
from .. import selectors, services
from ..choices import Status
from ..exceptions import ConsultationError, SlugTaken
from ..forms import ConsultationForm, InviteesForm
from ..models import Consultation
from ..xlsform import FormError
from .scope import the_consultation, the_process


@permission_required(perms.MANAGE, obj=the_process)
@require_http_methods(["GET", "POST"])
def consultation_create(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """Create a consultation with its XLSForm."""
    form = ConsultationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("form_file")
        try:
            consultation = services.create_consultation_with_form(
                process, actor=request.user, content=upload.read(), filename=upload.name, **data
            )
        except SlugTaken as exc:
            form.add_error("slug", str(exc))
        except FormError as exc:
            form.add_error("form_file", str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The consultation was created as a draft."))
            return redirect("consultations:detail", slug=consultation.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "consultations/edit.html", {"process": process, "form": form}, status=status
    )


def _add_errors(form: Any, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@permission_required(perms.MANAGE, obj=the_consultation)
@require_http_methods(["GET", "POST"])
def consultation_edit(request: HttpRequest, consultation: Consultation, slug: str) -> HttpResponse:
    """Change a consultation's settings, its form and its invited list."""
    form, invitees = _edit_forms(request, consultation)
    if request.method == "POST" and form.is_valid() and invitees.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("form_file")
        try:
            services.change_consultation(
                consultation,
                actor=request.user,
                emails=invitees.cleaned_data["emails"],
                content=upload.read() if upload is not None else None,
                filename=upload.name if upload is not None else "",
                **data,
            )
        except FormError as exc:
            form.add_error("form_file", str(exc))
        except ConsultationError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The consultation was saved."))
            return redirect("consultations:detail", slug=consultation.slug)
    status = 400 if request.method == "POST" else 200
    context = {
        "process": consultation.process,
        "consultation": consultation,
        "form": form,
        "invitees": invitees,
    }
    return render(request, "consultations/edit.html", context, status=status)


def _edit_forms(
    request: HttpRequest, consultation: Consultation
) -> tuple[ConsultationForm, InviteesForm]:
    initial = {name: getattr(consultation, name) for name in services.CONSULTATION_FIELDS}
    form = ConsultationForm(
        request.POST or None, request.FILES or None, editing=True, initial=initial
    )
    invitees = InviteesForm(
        request.POST or None,
        prefix="invitees",
        initial={"emails": "\n".join(consultation.invitees.values_list("email", flat=True))},
    )
    return form, invitees


@permission_required(perms.MANAGE, obj=the_consultation)
@require_POST
def consultation_status(
    request: HttpRequest, consultation: Consultation, slug: str
) -> HttpResponse:
    """Open, close, reopen, or publish the results."""
    wanted = request.POST.get("status", "")
    if wanted not in Status.values:
        raise Http404
    try:
        services.set_status(consultation, wanted, actor=request.user)
    except ConsultationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The consultation is now: %(status)s.") % {"status": Status(wanted).label}
        )
    return redirect("consultations:detail", slug=consultation.slug)


@permission_required(perms.VIEW, obj=the_consultation)
@require_GET
def form_download(request: HttpRequest, consultation: Consultation, slug: str) -> HttpResponse:
    """The XLSForm as it was uploaded."""
    version = selectors.current_version(consultation)
    if version is None:
        raise Http404
    response = HttpResponse(bytes(version.source), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{version.filename}"'
    return response
