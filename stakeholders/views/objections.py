"""Member States' objections: lodged on an application, withdrawn before the deadline."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import member_state_of
from core.permissions import permission_required

from .. import permissions as perms
from .. import services
from ..exceptions import StakeholdersError
from ..forms import ObjectionForm
from ..models import Application, Objection
from . import lookups
from .application import application_page


@permission_required(perms.OBJECT, obj=lookups.application)
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
    return application_page(request, application, status=400, forms={"objection": form})


@permission_required(perms.WITHDRAW_OBJECTION, obj=lookups.objection)
@require_POST
def withdraw_objection(request: HttpRequest, objection: Objection, public_id: str) -> HttpResponse:
    """A delegate withdraws their State's objection before the deadline."""
    try:
        services.withdraw_objection(objection, actor=request.user)
        messages.success(request, _("Your objection was withdrawn."))
    except StakeholdersError as exc:
        messages.error(request, str(exc))
    return redirect("stakeholders:application_detail", pk=objection.application_id)
