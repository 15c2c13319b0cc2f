"""The registry's pages: the directory, an organisation's profile, and the thematic areas."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.selectors import is_platform_secretariat
from core.exports import FORMATS, export_response
from core.fields import is_id
from core.pagecache import cache_public_page
from core.permissions import has_perm, permission_required, public_view
from core.selectors import processes_visible_to

from .. import permissions as perms
from .. import selectors, services
from ..exceptions import DuplicateOrganisation
from ..exports import DIRECTORY_HEADER, directory_rows
from ..forms import DirectoryFilterForm, OrganisationForm, ThematicAreaForm
from ..models import Organisation
from ..protection import (
    ANONYMISED_DUPLICATE,
    display_name,
    is_anonymised,
    sees_everything,
    visible_memberships,
)
from . import lookups

# The directory -----------------------------------------------------------------------------------


def _directory_form(request: HttpRequest) -> DirectoryFilterForm:
    return DirectoryFilterForm(request.GET or None, processes=processes_visible_to(request.user))


def _directory_rows(organisations: Any, viewer: Any) -> list[dict[str, Any]]:
    return [
        {"organisation": o, "name": display_name(o, viewer), "anonymised": is_anonymised(o, viewer)}
        for o in organisations
    ]


@cache_public_page(params=("page", *DirectoryFilterForm.base_fields))
@require_GET
@public_view
def directory(request: HttpRequest) -> HttpResponse:
    """The public directory of organisations, with filters, search, sorting and exports."""
    form = _directory_form(request)
    organisations = selectors.directory(request.user, form.filters(), form.sort_order())
    page = Paginator(organisations, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": _directory_rows(page.object_list, request.user),
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
@public_view
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


# An organisation ---------------------------------------------------------------------------------


@require_GET
@public_view
def organisation_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    """An organisation's profile; protected people and anonymised organisations stay hidden."""
    viewer = request.user
    organisation = selectors.organisation_for(viewer, public_id)
    anonymised = is_anonymised(organisation, viewer)
    context = {
        "organisation": organisation,
        "name": display_name(organisation, viewer),
        "anonymised": anonymised,
        "people": [] if anonymised else visible_memberships(organisation, viewer),
        "accreditations": [] if anonymised else selectors.accreditations_of(organisation, viewer),
        "applications": [
            {"application": a, "state": selectors.state_label(a, viewer)}
            for a in selectors.applications_of_visible_to(organisation, viewer)
        ],
        "can_manage": has_perm(viewer, perms.MANAGE_ORGANISATION, organisation),
        "sees_everything": sees_everything(viewer, organisation),
        "duplicates": selectors.possible_duplicates(organisation, viewer)
        if is_platform_secretariat(viewer)
        else [],
    }
    return render(request, "stakeholders/organisation_detail.html", context)


def _organisation_initial(organisation: Organisation) -> dict[str, Any]:
    fields = services.organisations.ORGANISATION_FIELDS
    initial = {f: getattr(organisation, f) for f in fields}
    initial["country"] = str(organisation.country)
    initial["thematic_areas"] = list(organisation.thematic_areas.all())
    return initial


def _refuse_duplicate(request: HttpRequest, form: OrganisationForm, exc: Any) -> None:
    if exc.existing is not None and is_anonymised(exc.existing, request.user):
        # Naming or linking it would unmask an organisation that appears only by region.
        form.add_error("name", ANONYMISED_DUPLICATE)
    else:
        form.add_error("name", str(exc))
        form.existing = exc.existing  # type: ignore[attr-defined]


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
        _refuse_duplicate(request, form, exc)
    except ValidationError as exc:
        _add_errors(form, exc)
    return None


def _add_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


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


@permission_required(perms.MANAGE_ORGANISATION, obj=lookups.organisation)
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


# The thematic areas ------------------------------------------------------------------------------


def _id(value: str) -> int:
    """An id sent in a form; anything else is a page that does not exist."""
    if not is_id(value):
        raise Http404
    return int(value)


def _areas_page(request: HttpRequest, form: ThematicAreaForm, status: int = 200) -> HttpResponse:
    context = {"areas": selectors.thematic_areas(active_only=False), "form": form}
    return render(request, "stakeholders/thematic_areas.html", context, status=status)


def _switch_area(request: HttpRequest, area_id: str) -> HttpResponse:
    """Offer an area again, or stop offering it."""
    area = get_object_or_404(selectors.thematic_areas(active_only=False), pk=_id(area_id))
    services.update_thematic_area(
        area, actor=request.user, name=area.name, is_active=request.POST.get("is_active") == "1"
    )
    return redirect("stakeholders:thematic_areas")


def _add_area(request: HttpRequest, form: ThematicAreaForm) -> HttpResponse:
    if form.is_valid():
        try:
            services.create_thematic_area(actor=request.user, **form.cleaned_data)
            return redirect("stakeholders:thematic_areas")
        except ValidationError as exc:
            _add_errors(form, exc)
    return _areas_page(request, form, status=400)


@permission_required(perms.MANAGE_VOCABULARY)
@require_http_methods(["GET", "POST"])
def thematic_areas(request: HttpRequest) -> HttpResponse:
    """The secretariat's vocabulary of thematic areas."""
    if request.method == "GET":
        return _areas_page(request, ThematicAreaForm())
    if request.POST.get("area", ""):
        return _switch_area(request, request.POST["area"])
    return _add_area(request, ThematicAreaForm(request.POST))
