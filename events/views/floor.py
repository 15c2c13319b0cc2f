"""The floor at formal sessions: an agenda item, asking for the floor, the speakers list and
the chair's view."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.permissions import has_perm, permission_required
from stakeholders.selectors import accredited_organisations_of

from .. import permissions as perms
from .. import selectors, services
from ..exceptions import EventsError
from ..forms import FloorRequestForm
from ..models import AgendaItem, FloorRequest
from . import scopes


@permission_required(perms.VIEW_AGENDA_ITEM, obj=scopes.item)
@require_http_methods(["GET", "POST"])
def agenda_item(request: HttpRequest, item: AgendaItem, pk: int) -> HttpResponse:
    """An agenda item: ask for the floor; the secretariat sees the proposed order and reorders."""
    if request.method == "POST":
        return _ask_for_floor(request, pk=pk)
    return _agenda_page(request, item, _accredited(request, item))


def _accredited(request: HttpRequest, item: AgendaItem) -> list[Any]:
    """The viewer's organisations accredited to the process, for whom they may ask."""
    return list(accredited_organisations_of(request.user, item.event.process))


@permission_required(perms.REQUEST_FLOOR, obj=scopes.item)
def _ask_for_floor(request: HttpRequest, item: AgendaItem, pk: int) -> HttpResponse:
    organisations = _accredited(request, item)
    form = FloorRequestForm(request.POST, organisations=organisations)
    if form.is_valid() and _request_floor(request, item, form):
        messages.success(request, _("Your request for the floor was recorded."))
        return redirect("events:agenda_item", pk=item.pk)
    return _agenda_page(request, item, organisations, form, status=400)


def _request_floor(request: HttpRequest, item: AgendaItem, form: FloorRequestForm) -> bool:
    """Whether the request was recorded; if not, the reason is on the form."""
    data = form.cleaned_data
    try:
        services.request_floor(
            item,
            actor=request.user,
            organisation_id=data["organisation"],
            spokesperson=data["spokesperson"],
            topic=data["topic"],
            gender=data["gender"],
        )
    except (EventsError, ValidationError) as exc:
        form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return False
    return True


def _agenda_page(
    request: HttpRequest,
    item: AgendaItem,
    organisations: list[Any],
    form: FloorRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    managing = has_perm(request.user, perms.RUN_FLOOR, item)
    ended = selectors.has_ended(item.event)
    if form is None and organisations and not ended:
        form = FloorRequestForm(organisations=organisations)
    shown = has_perm(request.user, perms.VIEW_SPEAKERS_LIST, item)
    lines = selectors.speakers_list(item, request.user) if shown else []
    # The requests the viewer's organisations may withdraw (the rule is checked on posting).
    mine = [] if managing else [r for r in lines if r.request.organisation in organisations]
    context = {
        "item": item,
        "event": item.event,
        "process": item.event.process,
        "managing": managing,
        "ended": ended,
        "form": form,
        "lines": lines,
        "mine": mine,
    }
    return render(request, "events/agenda_item.html", context, status=status)


def _back(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to the agenda item, or to the chair's view when the action came from there."""
    chair_view = reverse("events:chair", args=[pk])
    back = request.POST.get("next", "")
    return redirect(chair_view if back == chair_view else reverse("events:agenda_item", args=[pk]))


@permission_required(perms.WITHDRAW_FLOOR_REQUEST, obj=scopes.posted_floor_request)
def _withdraw(request: HttpRequest, target: FloorRequest, pk: int) -> HttpResponse:
    services.withdraw_floor_request(target, actor=request.user)
    return _back(request, pk)


@permission_required(perms.RUN_FLOOR, obj=scopes.posted_listed_request)
def _move(request: HttpRequest, target: FloorRequest, pk: int) -> HttpResponse:
    services.move_floor_request(target, actor=request.user, up=request.POST["action"] == "up")
    return _back(request, pk)


@permission_required(perms.RUN_FLOOR, obj=scopes.posted_floor_request)
def _given(request: HttpRequest, target: FloorRequest, pk: int) -> HttpResponse:
    services.mark_given(target, actor=request.user)
    return _back(request, pk)


@permission_required(perms.RUN_FLOOR, obj=scopes.item)
def _publish(request: HttpRequest, item: AgendaItem, pk: int) -> HttpResponse:
    published = request.POST["action"] == "publish"
    services.publish_speakers_list(item, actor=request.user, published=published)
    return _back(request, pk)


# Each action declares the permission it needs, on the object it acts on.
FLOOR_ACTIONS: dict[str, Callable[..., HttpResponse]] = {
    "withdraw": _withdraw,
    "up": _move,
    "down": _move,
    "given": _given,
    "publish": _publish,
    "unpublish": _publish,
}


@permission_required(perms.VIEW_AGENDA_ITEM, obj=scopes.item)
@require_POST
def floor_action(request: HttpRequest, item: AgendaItem, pk: int) -> HttpResponse:
    """Reorder (move a request up or down), mark given, publish; withdraw one's own request."""
    act = FLOOR_ACTIONS.get(request.POST.get("action", ""))
    if act is None:
        raise Http404
    try:
        return act(request, pk=pk)
    except EventsError as exc:
        messages.error(request, str(exc))
        return _back(request, pk)


@permission_required(perms.RUN_FLOOR, obj=scopes.item)
@require_GET
def chair(request: HttpRequest, item: AgendaItem, pk: int) -> HttpResponse:
    """The chair's view: who speaks now, for how long, and who is next."""
    lines = selectors.speakers_list(item, request.user)
    current, following = selectors.current_and_next(lines)
    context = {
        "item": item,
        "event": item.event,
        "process": item.event.process,
        "lines": lines,
        "current": current,
        "following": following,
    }
    return render(request, "events/chair.html", context)
