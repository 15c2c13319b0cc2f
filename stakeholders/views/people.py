"""An organisation's people: invitations, removal, protection, and joining by invitation."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.permissions import has_perm, permission_required

from .. import permissions as perms
from .. import selectors, services
from ..exceptions import StakeholdersError
from ..forms import InviteForm
from ..models import Membership, Organisation
from . import lookups


def _people_page(
    request: HttpRequest, organisation: Organisation, form: InviteForm, status: int = 200
) -> HttpResponse:
    context = {
        "organisation": organisation,
        "rows": [
            {"m": m, "can_lift": has_perm(request.user, perms.LIFT_PROTECTION, m.user)}
            for m in selectors.memberships_of(organisation)
        ],
        "invitations": organisation.invitations.filter(accepted_at__isnull=True),
        "form": form,
    }
    return render(request, "stakeholders/people.html", context, status=status)


def _invite(request: HttpRequest, organisation: Organisation, form: InviteForm) -> None:
    services.invite_member(
        organisation,
        actor=request.user,
        **form.cleaned_data,
        accept_url=lambda token: request.build_absolute_uri(
            reverse("stakeholders:accept_invitation", args=[token])
        ),
    )


@permission_required(perms.MANAGE_ORGANISATION, obj=lookups.organisation)
@require_http_methods(["GET", "POST"])
def people(request: HttpRequest, organisation: Organisation, public_id: str) -> HttpResponse:
    """An organisation's people: invite by e-mail, remove, protect."""
    if request.method == "GET":
        return _people_page(request, organisation, InviteForm())
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _people_page(request, organisation, form, status=400)
    try:
        _invite(request, organisation, form)
    except StakeholdersError as exc:
        form.add_error("email", str(exc))
        return _people_page(request, organisation, form, status=400)
    messages.success(request, _("The invitation was sent."))
    return redirect("stakeholders:people", public_id=organisation.public_id)


def _membership(organisation: Organisation, membership_id: int) -> Membership:
    return get_object_or_404(selectors.memberships_of(organisation), pk=membership_id)


@permission_required(perms.MANAGE_ORGANISATION, obj=lookups.organisation)
@require_POST
def remove_person(
    request: HttpRequest, organisation: Organisation, public_id: str, membership_id: int
) -> HttpResponse:
    """Remove someone from the organisation."""
    membership = _membership(organisation, membership_id)
    try:
        services.remove_member(membership, actor=request.user)
        messages.success(request, _("The person was removed."))
    except StakeholdersError as exc:
        messages.error(request, str(exc))
    return redirect("stakeholders:people", public_id=organisation.public_id)


@permission_required(perms.MANAGE_ORGANISATION, obj=lookups.organisation)
@require_POST
def protect_person(
    request: HttpRequest, organisation: Organisation, public_id: str, membership_id: int
) -> HttpResponse:
    """Mark or unmark one of the organisation's people as at risk."""
    membership = _membership(organisation, membership_id)
    try:
        services.set_person_at_risk(
            membership.user, actor=request.user, at_risk=request.POST.get("at_risk") == "1"
        )
        messages.success(request, _("Protection updated."))
    except StakeholdersError as exc:
        messages.error(request, str(exc))
    return redirect("stakeholders:people", public_id=organisation.public_id)


@permission_required(perms.JOIN_ORGANISATION)
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
