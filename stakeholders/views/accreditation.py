"""Accreditation in a process: the published list, the applications page, applying, the
settings and carry-over."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exports import FORMATS, export_response
from core.models import Process
from core.pagecache import cache_public_page
from core.permissions import has_perm, permission_required, public_view
from core.selectors import process_for

from .. import permissions as perms
from .. import selectors, services
from ..exceptions import StakeholdersError
from ..exports import ACCREDITED_HEADER, accredited_rows
from ..forms import AccreditationSettingsForm, NewApplicationForm
from ..models import Application
from ..permissions import CarryOver
from ..protection import display_name, is_anonymised
from . import lookups


def _accredited_rows(process: Process, viewer: Any) -> list[dict[str, Any]]:
    return [
        {
            "organisation": a.organisation,
            "name": display_name(a.organisation, viewer),
            "anonymised": is_anonymised(a.organisation, viewer),
            "application": a,
        }
        for a in selectors.accredited_in(process, viewer)
    ]


@cache_public_page()
@require_GET
@public_view
def accreditation(request: HttpRequest, slug: str) -> HttpResponse:
    """The published list of accredited organisations, and how to apply."""
    viewer = request.user
    process = process_for(viewer, slug)
    context = {
        "process": process,
        "rows": _accredited_rows(process, viewer),
        "objections": [
            {"objection": o, "name": display_name(o.application.organisation, viewer)}
            for o in selectors.public_objections(process, viewer)
        ],
        "my_organisations": selectors.organisations_of(viewer),
        "can_manage": has_perm(viewer, perms.MANAGE_ACCREDITATION, process),
        "can_review": selectors.has_applications_to_read(process, viewer),
    }
    return render(request, "stakeholders/accreditation.html", context)


@require_GET
@public_view
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


@permission_required(perms.VIEW_APPLICATIONS, obj=lookups.process)
@require_GET
def applications(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """The secretariat's queue, or a delegate's dossiers of circulated applications."""
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
        "is_staff": has_perm(request.user, perms.MANAGE_ACCREDITATION, process),
        "state": state,
        "states": Application._meta.get_field("state").choices,
    }
    return render(request, "stakeholders/applications.html", context)


@permission_required(perms.START_APPLICATION, obj=lookups.process)
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """Start an application for one of one's organisations."""
    mine = list(selectors.organisations_of(request.user))
    form = NewApplicationForm(request.POST or None, organisations=mine)
    if request.method == "POST" and form.is_valid():
        organisation = selectors.organisation_to_apply_for(
            request.user, form.cleaned_data["organisation"]
        )
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
    return render(
        request,
        "stakeholders/apply.html",
        {"process": process, "form": form, "organisations": mine},
        status=400 if request.method == "POST" else 200,
    )


@permission_required(perms.MANAGE_ACCREDITATION, obj=lookups.process)
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


def _carry(request: HttpRequest, target: CarryOver) -> str:
    """Run the carry-over asked for; what to tell the person."""
    if target.organisation is not None:
        services.opt_in_carry_over(
            target.process, actor=request.user, organisation=target.organisation
        )
        return _("Your accreditation was carried over.")
    carried = services.carry_over_accreditations(target.process, actor=request.user)
    return _("%(count)s organisations were carried over.") % {"count": len(carried)}


@permission_required(perms.CARRY_OVER, obj=lookups.carry_over)
@require_POST
def carry_over(request: HttpRequest, target: CarryOver, slug: str) -> HttpResponse:
    """The secretariat carries every organisation over; an organisation's admin opts in for it."""
    try:
        messages.success(request, _carry(request, target))
    except StakeholdersError as exc:
        messages.error(request, str(exc))
    return redirect("stakeholders:accreditation", slug=target.process.slug)
