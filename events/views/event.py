"""An event's page and its registration: registering, cancelling, the check-in code, rotation."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.permissions import has_perm, permission_required

from .. import permissions as perms
from .. import selectors, services
from ..calendar import calendar, ics_response
from ..exceptions import EventsError, InvalidAnswers
from ..forms import RegistrationForm
from ..models import Event, Registration
from . import scopes


def _registration_form(request: HttpRequest, event: Event, data: Any = None) -> RegistrationForm:
    organisations: list[Any] = []
    if request.user.is_authenticated:
        organisations = list(selectors.registration_organisations(event, request.user))
    return RegistrationForm(data, event=event, organisations=organisations)


def _detail_context(request: HttpRequest, event: Event) -> dict[str, Any]:
    user = request.user
    managing = has_perm(user, perms.MANAGE, event)
    registration = selectors.registration_of(event, user)
    counts = selectors.counts(event)
    return {
        "event": event,
        "process": event.process,
        "managing": managing,
        **selectors.organisers_of(event, user),
        "speakers": list(event.speakers.all()),
        "topics": list(event.topics.all()),
        "registration": registration,
        "place_in_queue": selectors.place_in_queue(registration),
        "window": selectors.registration_window(event),
        "full": selectors.is_full(event, counts),
        "rotation": selectors.rotation_for(event, user),
        "can_register": has_perm(user, perms.REGISTER, event),
        "counts": counts,
        "participants": selectors.participants(event, user),
        "agenda": list(event.agenda_items.all()),
        "figures": selectors.representation(
            Event.objects.filter(pk=event.pk), public=not managing, targets=event.targets
        ),
    }


@permission_required(perms.VIEW, obj=scopes.event)
@require_GET
def event_detail(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """An event: when and where (in the venue's time zone and the reader's), who, registration."""
    context = _detail_context(request, event)
    context["form"] = _registration_form(request, event)
    return render(request, "events/detail.html", context)


@permission_required(perms.VIEW, obj=scopes.event)
@require_GET
def event_calendar(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """One event as an iCalendar file."""
    return ics_response(calendar([selectors.calendar_item(event)]), event.slug)


@permission_required(perms.REGISTER, obj=scopes.event)
@require_POST
def register(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """Register; a full event puts the person on the waiting list and says so."""
    form = _registration_form(request, event, request.POST)
    registered = _register(request, event, form) if form.is_valid() else None
    if registered is not None:
        messages.success(request, _state_message(*registered))
        return redirect("events:detail", slug=event.slug)
    context = _detail_context(request, event)
    context["form"] = form
    return render(request, "events/detail.html", context, status=400)


def _register(
    request: HttpRequest, event: Event, form: RegistrationForm
) -> tuple[Registration, bool] | None:
    """The registration and whether it is new; None with the reason on the form if refused."""
    try:
        return services.register(
            event,
            actor=request.user,
            organisation_id=form.cleaned_data.get("organisation"),
            consent=form.cleaned_data["consent"],
            answers=form.answers(),
        )
    except InvalidAnswers as exc:
        for error in exc.errors:
            form.add_error(None, error["message"])
    except EventsError as exc:
        form.add_error(None, str(exc))
    return None


def _state_message(registration: Registration, created: bool) -> str:
    if not created:
        return _("You were already registered: %(state)s.") % {
            "state": registration.get_state_display()
        }
    return {
        "confirmed": _("You are registered. A confirmation with your QR code is on its way."),
        "waiting": _(
            "The event is full: you are on the waiting list, and will be told if a place frees up."
        ),
        "pending": _("Your registration awaits the organisers' approval."),
    }.get(registration.state, registration.get_state_display())


@permission_required(perms.CANCEL_REGISTRATION, obj=scopes.registration)
@require_POST
def cancel(request: HttpRequest, registration: Registration, pk: int) -> HttpResponse:
    """Cancel one's registration (or, for organisers, someone's)."""
    try:
        services.cancel_registration(registration, actor=request.user)
        messages.success(request, _("The registration was cancelled."))
    except EventsError as exc:
        messages.error(request, str(exc))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("events:detail", args=[registration.event.slug])
    return redirect(back)


@permission_required(perms.VIEW_QR_CODE, obj=scopes.registration)
@require_GET
def qr_code(request: HttpRequest, registration: Registration, pk: int) -> HttpResponse:
    """The holder's QR code for check-in."""
    return HttpResponse(selectors.qr_svg(registration), content_type="image/svg+xml")


@permission_required(perms.SWAP_PLACE, obj=scopes.posted_holder)
@require_POST
def swap(request: HttpRequest, holder: Registration, slug: str) -> HttpResponse:
    """Rotation: an organisation's administrator gives its place to another representative."""
    to = selectors.registration_at(holder.event, request.POST.get("to"))
    try:
        services.swap_place(holder, to, actor=request.user)
        messages.success(
            request, _("The place passed to %(name)s.") % {"name": to.user.display_name}
        )
    except EventsError as exc:
        messages.error(request, str(exc))
    return redirect("events:detail", slug=holder.event.slug)
