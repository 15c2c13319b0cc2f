from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.selectors import is_platform_secretariat, member_state_of
from core.exports import FORMATS, export_response
from core.fields import is_id
from core.models import Process
from core.pagecache import cache_public_page
from core.permissions import SIGNED_IN, check_perm, has_perm, permission_required
from core.selectors import process_for, processes_visible_to

from . import permissions as perms
from . import selectors, services
from .exceptions import ActionNotAllowed, DuplicateOrganisation, StakeholdersError
from .exports import ACCREDITED_HEADER, DIRECTORY_HEADER, accredited_rows, directory_rows
from .forms import (
    AccreditationSettingsForm,
    ApplicationForm,
    CirculateForm,
    DecideForm,
    DirectoryFilterForm,
    DocumentForm,
    InviteForm,
    NewApplicationForm,
    ObjectionForm,
    OrganisationForm,
    ReturnForm,
    ThematicAreaForm,
)
from .models import Application, Organisation
from .protection import (
    ANONYMISED_DUPLICATE,
    display_name,
    is_anonymised,
    sees_everything,
    visible_memberships,
)
from .workflow import edit_statement, run_action


def _id(value: str) -> int:
    """An id sent in a form; anything else is a page that does not exist."""
    if not is_id(value):
        raise Http404
    return int(value)


def _organisation(request: HttpRequest, public_id: str, **kwargs: Any) -> Organisation:
    return selectors.organisation_for(request.user, public_id)


def _process(request: HttpRequest, slug: str, **kwargs: Any) -> Process:
    return process_for(request.user, slug)


def _application(request: HttpRequest, pk: int, **kwargs: Any) -> Application:
    return selectors.application_for(request.user, pk)


# The directory -----------------------------------------------------------------------------------


def _directory_form(request: HttpRequest) -> DirectoryFilterForm:
    return DirectoryFilterForm(request.GET or None, processes=processes_visible_to(request.user))


@cache_public_page(params=("page", *DirectoryFilterForm.base_fields))
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    """The public directory of organisations, with filters, search, sorting and exports."""
    form = _directory_form(request)
    organisations = selectors.directory(request.user, form.filters(), form.sort_order())
    page = Paginator(organisations, 25).get_page(request.GET.get("page"))
    rows = [
        {
            "organisation": o,
            "name": display_name(o, request.user),
            "anonymised": is_anonymised(o, request.user),
        }
        for o in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "formats": FORMATS,
        "can_create": has_perm(request.user, perms.CREATE_ORGANISATION),
    }
    template = (
        "stakeholders/partials/directory_results.html"
        if request.htmx
        else "stakeholders/directory.html"
    )
    status = 200 if form.is_valid() or not form.is_bound else 400
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def directory_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Exactly what the visitor may see in the directory, as CSV, XLSX or JSON."""
    if fmt not in FORMATS:
        raise Http404
    form = _directory_form(request)
    organisations = selectors.directory(request.user, form.filters(), form.sort_order())
    return export_response(
        fmt,
        filename="organisations",
        header=DIRECTORY_HEADER,
        rows=directory_rows(organisations, request.user),
        title="organisations",
    )


@require_GET
def organisation_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """An organisation's profile; protected people and anonymised organisations stay hidden."""
    organisation = selectors.organisation_for(request.user, public_id)
    anonymised = is_anonymised(organisation, request.user)
    context = {
        "organisation": organisation,
        "name": display_name(organisation, request.user),
        "anonymised": anonymised,
        "people": [] if anonymised else visible_memberships(organisation, request.user),
        "accreditations": []
        if anonymised
        else selectors.accreditations_of(organisation, request.user),
        "applications": [
            {"application": a, "state": selectors.state_label(a, request.user)}
            for a in selectors.applications_of_visible_to(organisation, request.user)
        ],
        "can_manage": has_perm(request.user, perms.MANAGE_ORGANISATION, organisation),
        "sees_everything": sees_everything(request.user, organisation),
        "duplicates": selectors.possible_duplicates(organisation, request.user)
        if is_platform_secretariat(request.user)
        else [],
    }
    return render(request, "stakeholders/organisation_detail.html", context)


def _organisation_initial(organisation: Organisation) -> dict[str, Any]:
    fields = services.organisations.ORGANISATION_FIELDS
    initial = {f: getattr(organisation, f) for f in fields}
    initial["country"] = str(organisation.country)
    initial["thematic_areas"] = list(organisation.thematic_areas.all())
    return initial


def _save_organisation(
    request: HttpRequest, form: OrganisationForm, organisation: Organisation | None
) -> Organisation | None:
    data = dict(form.cleaned_data)
    areas = data.pop("thematic_areas")
    try:
        if organisation is None:
            return services.create_organisation(actor=request.user, thematic_areas=areas, **data)
        return services.update_organisation(
            organisation, actor=request.user, thematic_areas=areas, **data
        )
    except DuplicateOrganisation as exc:
        if exc.existing is not None and is_anonymised(exc.existing, request.user):
            # Naming or linking it would unmask an organisation that appears only by region.
            form.add_error("name", ANONYMISED_DUPLICATE)
        else:
            form.add_error("name", str(exc))
            form.existing = exc.existing  # type: ignore[attr-defined]
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    return None


def _organisation_form_page(
    request: HttpRequest,
    form: OrganisationForm,
    organisation: Organisation | None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "organisation": organisation,
        "existing": getattr(form, "existing", None),
    }
    return render(request, "stakeholders/organisation_form.html", context, status=status)


@permission_required(perms.CREATE_ORGANISATION)
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    """Register an organisation; its registrant becomes its administrator."""
    can_verify = has_perm(request.user, perms.VERIFY_ECOSOC)
    if request.method == "GET":
        return _organisation_form_page(request, OrganisationForm(can_verify=can_verify), None)
    form = OrganisationForm(request.POST, can_verify=can_verify)
    saved = _save_organisation(request, form, None) if form.is_valid() else None
    if saved is None:
        return _organisation_form_page(request, form, None, status=400)
    messages.success(request, _("The organisation was registered."))
    return redirect("stakeholders:organisation_detail", public_id=saved.public_id)


@permission_required(perms.MANAGE_ORGANISATION, obj=_organisation)
@require_http_methods(["GET", "POST"])
def organisation_edit(
    request: HttpRequest, organisation: Organisation, public_id: str
) -> HttpResponse:
    """Its administrators (and the secretariat) edit an organisation's profile."""
    can_verify = has_perm(request.user, perms.VERIFY_ECOSOC)
    if request.method == "GET":
        form = OrganisationForm(
            initial=_organisation_initial(organisation),
            can_verify=can_verify,
            organisation=organisation,
        )
        return _organisation_form_page(request, form, organisation)
    form = OrganisationForm(request.POST, can_verify=can_verify, organisation=organisation)
    saved = _save_organisation(request, form, organisation) if form.is_valid() else None
    if saved is None:
        return _organisation_form_page(request, form, organisation, status=400)
    messages.success(request, _("The profile was saved."))
    return redirect("stakeholders:organisation_detail", public_id=saved.public_id)


def _people_page(
    request: HttpRequest, organisation: Organisation, form: InviteForm, status: int = 200
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "rows": [
            {"m": m, "can_lift": services.organisations.may_lift_protection(request.user, m.user)}
            for m in selectors.memberships_of(organisation)
        ],
        "invitations": organisation.invitations.filter(accepted_at__isnull=True),
        "form": form,
    }
    return render(request, "stakeholders/people.html", context, status=status)


@permission_required(perms.MANAGE_ORGANISATION, obj=_organisation)
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, organisation: Organisation, public_id: str) -> HttpResponse:
    """An organisation's people: invite by e-mail, remove, protect."""
    if request.method == "GET":
        return _people_page(request, organisation, InviteForm())
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _people_page(request, organisation, form, status=400)
    try:
        services.invite_member(
            organisation,
            actor=request.user,
            **form.cleaned_data,
            accept_url=lambda token: request.build_absolute_uri(
                reverse("stakeholders:accept_invitation", args=[token])
            ),
        )
    except StakeholdersError as exc:
        form.add_error("email", str(exc))
        return _people_page(request, organisation, form, status=400)
    messages.success(request, _("The invitation was sent."))
    return redirect("stakeholders:people", public_id=organisation.public_id)


@permission_required(perms.MANAGE_ORGANISATION, obj=_organisation)
@require_POST
def remove_person(
    request: HttpRequest, organisation: Organisation, public_id: str, membership_id: int
) -> HttpResponse:
    """Remove someone from the organisation."""
    membership = get_object_or_404(selectors.memberships_of(organisation), pk=membership_id)
    try:
        services.remove_member(membership, actor=request.user)
        messages.success(request, _("The person was removed."))
    except StakeholdersError as exc:
        messages.error(request, str(exc))
    return redirect("stakeholders:people", public_id=organisation.public_id)


@permission_required(perms.MANAGE_ORGANISATION, obj=_organisation)
@require_POST
def protect_person(
    request: HttpRequest, organisation: Organisation, public_id: str, membership_id: int
) -> HttpResponse:
    """Mark or unmark one of the organisation's people as at risk."""
    membership = get_object_or_404(selectors.memberships_of(organisation), pk=membership_id)
    try:
        services.set_person_at_risk(
            membership.user, actor=request.user, at_risk=request.POST.get("at_risk") == "1"
        )
        messages.success(request, _("Protection updated."))
    except StakeholdersError as exc:
        messages.error(request, str(exc))
    return redirect("stakeholders:people", public_id=organisation.public_id)


@permission_required(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Join an organisation from an e-mailed invitation."""
    if request.method == "GET":
        return render(request, "stakeholders/accept_invitation.html", {"token": token})
    try:
        membership = services.accept_invitation(token, actor=request.user)
    except StakeholdersError as exc:
        return render(
            request,
            "stakeholders/accept_invitation.html",
            {"token": token, "error": str(exc)},
            status=400,
        )
    messages.success(
        request, _("You joined %(organisation)s.") % {"organisation": membership.organisation.name}
    )
    return redirect("stakeholders:organisation_detail", public_id=membership.organisation.public_id)


@permission_required(perms.MANAGE_VOCABULARY)
@require_http_methods(["GET", "POST"])
def thematic_areas(request: HttpRequest) -> HttpResponse:
    """The secretariat's vocabulary of thematic areas."""
    form = ThematicAreaForm(request.POST or None)
    status = 200
    if request.method == "POST":
        area_id = request.POST.get("area", "")
        if area_id:
            area = get_object_or_404(selectors.thematic_areas(active_only=False), pk=_id(area_id))
            services.update_thematic_area(
                area,
                actor=request.user,
                name=area.name,
                is_active=request.POST.get("is_active") == "1",
            )
            return redirect("stakeholders:thematic_areas")
        if form.is_valid():
            try:
                services.create_thematic_area(actor=request.user, **form.cleaned_data)
                return redirect("stakeholders:thematic_areas")
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        status = 400
    context = {"areas": selectors.thematic_areas(active_only=False), "form": form}
    return render(request, "stakeholders/thematic_areas.html", context, status=status)


# Accreditation in a process ----------------------------------------------------------------------


@cache_public_page()
@require_GET
def accreditation(request: HttpRequest, slug: str) -> HttpResponse:
    """The published list of accredited organisations, and how to apply."""
    process = process_for(request.user, slug)
    accredited = selectors.accredited_in(process, request.user)
    rows = [
        {
            "organisation": a.organisation,
            "name": display_name(a.organisation, request.user),
            "anonymised": is_anonymised(a.organisation, request.user),
            "application": a,
        }
        for a in accredited
    ]
    context = {
        "process": process,
        "rows": rows,
        "objections": [
            {"objection": o, "name": display_name(o.application.organisation, request.user)}
            for o in selectors.public_objections(process)
        ],
        "my_organisations": selectors.organisations_of(request.user),
        "can_manage": has_perm(request.user, perms.MANAGE_ACCREDITATION, process),
        "can_review": bool(selectors.applications_in(process, request.user).exists())
        if request.user.is_authenticated
        else False,
    }
    return render(request, "stakeholders/accreditation.html", context)


@require_GET
def accredited_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The published list as CSV, XLSX or JSON."""
    if fmt not in FORMATS:
        raise Http404
    process = process_for(request.user, slug)
    return export_response(
        fmt,
        filename=f"accredited-{process.slug}",
        header=ACCREDITED_HEADER,
        rows=accredited_rows(selectors.accredited_in(process, request.user), request.user),
        title="accredited",
    )


@permission_required(SIGNED_IN)
@require_GET
def applications(request: HttpRequest, slug: str) -> HttpResponse:
    """The secretariat's queue, or a delegate's dossiers of circulated applications."""
    process = process_for(request.user, slug)
    is_staff = has_perm(request.user, perms.MANAGE_ACCREDITATION, process)
    if not is_staff and not member_state_of(request.user):
        raise PermissionDenied
    state = request.GET.get("state", "")
    items = selectors.applications_in(process, request.user, state=state)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    rows = [
        {
            "application": a,
            # Staff and Member States: the procedure names applicants to them.
            "name": a.organisation.name,
            "state": selectors.state_label(a, request.user),
        }
        for a in page.object_list
    ]
    context = {
        "process": process,
        "page": page,
        "rows": rows,
        "is_staff": is_staff,
        "state": state,
        "states": Application._meta.get_field("state").choices,
    }
    return render(request, "stakeholders/applications.html", context)


@permission_required(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    """Start an application for one of one's organisations."""
    process = process_for(request.user, slug)
    mine = [
        o
        for o in selectors.organisations_of(request.user)
        if has_perm(request.user, perms.APPLY, o)
    ]
    form = NewApplicationForm(request.POST or None, organisations=mine)
    if request.method == "POST" and form.is_valid():
        organisation = get_object_or_404(Organisation, public_id=form.cleaned_data["organisation"])
        check_perm(request.user, perms.APPLY, organisation)
        try:
            application = services.create_application(
                process,
                actor=request.user,
                organisation=organisation,
                statement=form.cleaned_data["statement"],
            )
            return redirect("stakeholders:application_detail", pk=application.pk)
        except StakeholdersError as exc:
            form.add_error(None, str(exc))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "stakeholders/apply.html",
        {"process": process, "form": form, "organisations": mine},
        status=status,
    )


@permission_required(perms.MANAGE_ACCREDITATION, obj=_process)
@require_http_methods(["GET", "POST"])
def accreditation_settings(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """How accreditation runs in this process; carry-over from its predecessor."""
    current = selectors.settings_of(process)
    form = AccreditationSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.update_accreditation_settings(process, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The settings were saved."))
        return redirect("stakeholders:accreditation_settings", slug=process.slug)
    return render(
        request,
        "stakeholders/accreditation_settings.html",
        {"process": process, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@permission_required(SIGNED_IN)
@require_POST
def carry_over(request: HttpRequest, slug: str) -> HttpResponse:
    """The secretariat carries every organisation over; an organisation's admin opts in for it."""
    process = process_for(request.user, slug)
    try:
        if request.POST.get("organisation"):
            organisation = get_object_or_404(
                selectors.organisations_of(request.user), public_id=request.POST["organisation"]
            )
            check_perm(request.user, perms.MANAGE_ORGANISATION, organisation)
            services.opt_in_carry_over(process, actor=request.user, organisation=organisation)
            messages.success(request, _("Your accreditation was carried over."))
        else:
            check_perm(request.user, perms.MANAGE_ACCREDITATION, process)
            carried = services.carry_over_accreditations(process, actor=request.user)
            messages.success(
                request, _("%(count)s organisations were carried over.") % {"count": len(carried)}
            )
    except StakeholdersError as exc:
        messages.error(request, str(exc))
    return redirect("stakeholders:accreditation", slug=process.slug)


# One application --------------------------------------------------------------------------------

ACTION_FORMS = {"return": ReturnForm, "circulate": CirculateForm, "decide": DecideForm}


def _application_page(
    request: HttpRequest,
    application: Application,
    *,
    status: int = 200,
    forms: dict[str, Any] | None = None,
) -> HttpResponse:
    user = request.user
    allowed = selectors.visible_allowed_actions(application, user)
    is_applicant = has_perm(user, perms.APPLY, application.organisation)
    is_reviewer = has_perm(user, perms.REVIEW_APPLICATION, application)
    forms = forms or {}
    context = {
        "application": application,
        # A dossier names the applicant to those who may read it (see protection.py).
        "name": application.organisation.name,
        "state": selectors.state_label(application, user),
        "state_value": selectors.visible_state(application, user),
        "documents": application.documents.all(),
        "objections": selectors.objections_visible_to(application, user),
        "is_applicant": is_applicant,
        "is_reviewer": is_reviewer,
        "applicant_actions": [
            a for a in allowed if is_applicant and not services.ACTIONS[a].by_secretariat
        ],
        "reviewer_actions": [
            a for a in allowed if is_reviewer and services.ACTIONS[a].by_secretariat
        ],
        "editable": is_applicant and application.state in ("draft", "returned"),
        "statement_form": forms.get("statement")
        or ApplicationForm(initial={"statement": application.statement}),
        "document_form": forms.get("document") or DocumentForm(),
        "action_forms": {name: forms.get(name) or cls() for name, cls in ACTION_FORMS.items()},
        "objection_form": forms.get("objection") or ObjectionForm(),
        "can_object": has_perm(user, perms.OBJECT, application)
        and application.state in ("circulated", "objected"),
        "people": visible_memberships(application.organisation, user),
        "duplicates": selectors.possible_duplicates(application.organisation, user)
        if is_reviewer
        else [],
    }
    return render(request, "stakeholders/application_detail.html", context, status=status)


@permission_required(perms.VIEW_APPLICATION, obj=_application)
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, application: Application, pk: int) -> HttpResponse:
    """An application: its dossier, its documents, its objections and the actions open now."""
    if request.method == "GET":
        return _application_page(request, application)
    form = ApplicationForm(request.POST)
    if form.is_valid():
        try:
            edit_statement(application, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The statement was saved."))
            return redirect("stakeholders:application_detail", pk=application.pk)
        except ActionNotAllowed as exc:
            # The form is not on the page any more: say it above the page.
            messages.error(request, str(exc))
            return redirect("stakeholders:application_detail", pk=application.pk)
        except StakeholdersError as exc:
            form.add_error("statement", str(exc))
    return _application_page(request, application, status=400, forms={"statement": form})


@permission_required(perms.VIEW_APPLICATION, obj=_application)
@require_POST
def upload_document(request: HttpRequest, application: Application, pk: int) -> HttpResponse:
    """Attach a PDF to a draft."""
    check_perm(request.user, perms.APPLY, application.organisation)
    if application.state not in ("draft", "returned"):
        messages.error(request, _("Documents can be added only before submitting."))
        return redirect("stakeholders:application_detail", pk=application.pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(application, actor=request.user, upload=form.cleaned_data["file"])
            messages.success(request, _("The document was attached."))
            return redirect("stakeholders:application_detail", pk=application.pk)
        except StakeholdersError as exc:
            form.add_error("file", str(exc))
    return _application_page(request, application, status=400, forms={"document": form})


@permission_required(perms.VIEW_APPLICATION, obj=_application)
@require_GET
def download_document(
    request: HttpRequest, application: Application, pk: int, document_id: int
) -> FileResponse:
    """A supporting document, for those who may read the application."""
    document = get_object_or_404(application.documents.all(), pk=document_id)
    # Always a download, always a PDF, under a safe name (also for names stored before).
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=services.documents.safe_filename(document.original_name),
        content_type="application/pdf",
    )


@permission_required(perms.VIEW_APPLICATION, obj=_application)
@require_POST
def remove_document(
    request: HttpRequest, application: Application, pk: int, document_id: int
) -> HttpResponse:
    check_perm(request.user, perms.APPLY, application.organisation)
    document = get_object_or_404(application.documents.all(), pk=document_id)
    try:
        services.remove_document(document, actor=request.user)
    except StakeholdersError as exc:
        messages.error(request, str(exc))
    return redirect("stakeholders:application_detail", pk=application.pk)


@permission_required(perms.VIEW_APPLICATION, obj=_application)
@require_POST
def application_action(
    request: HttpRequest, application: Application, pk: int, action: str
) -> HttpResponse:
    """Take one step of the pipeline."""
    form_class = ACTION_FORMS.get(action)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return _application_page(request, application, status=400, forms={action: form})
    try:
        run_action(application, action, actor=request.user, data=form.cleaned_data if form else {})
    except ActionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("stakeholders:application_detail", pk=application.pk)
    except StakeholdersError as exc:
        if form is None:
            messages.error(request, str(exc))
            return redirect("stakeholders:application_detail", pk=application.pk)
        form.add_error(None, str(exc))
        return _application_page(request, application, status=400, forms={action: form})
    messages.success(request, _("Done."))
    return redirect("stakeholders:application_detail", pk=application.pk)


@permission_required(perms.OBJECT, obj=_application)
@require_POST
def object_to(request: HttpRequest, application: Application, pk: int) -> HttpResponse:
    """A delegate objects on behalf of their Member State."""
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.record_objection(
                application,
                actor=request.user,
                member_state=member_state_of(request.user),
                **form.cleaned_data,
            )
            messages.success(request, _("Your objection was recorded."))
            return redirect("stakeholders:application_detail", pk=application.pk)
        except StakeholdersError as exc:
            form.add_error(None, str(exc))
    return _application_page(request, application, status=400, forms={"objection": form})


@permission_required(SIGNED_IN)
@require_POST
def withdraw_objection(request: HttpRequest, public_id: str) -> HttpResponse:
    """A delegate withdraws their State's objection before the deadline."""
    objection = selectors.objection_for(request.user, public_id)
    check_perm(request.user, perms.OBJECT, objection.application)
    try:
        services.withdraw_objection(objection, actor=request.user)
        messages.success(request, _("Your objection was withdrawn."))
    except StakeholdersError as exc:
        messages.error(request, str(exc))
    return redirect("stakeholders:application_detail", pk=objection.application_id)
