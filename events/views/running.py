"""Running an event: creating and editing it, registrations and check-in, speakers, outcome and
targets."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Process
from core.permissions import permission_required

from .. import permissions as perms
from .. import selectors, services
from ..calendar import UnknownTimeZone
from ..exceptions import EventsError
from ..forms import (
    EventForm,
    OutcomeForm,
    SpeakerForm,
    TargetsForm,
    event_initial,
    outcome_initial,
    targets_text,
)
from ..models import Event, Registration
from . import scopes

# Creating and editing -----------------------------------------------------------------------------


def _event_fields(form: EventForm, process: Process) -> dict[str, Any]:
    """What the form says, as the services take it."""
    data = dict(form.cleaned_data)
    series_id = data.pop("series")
    data["series"] = process.event_series.filter(pk=series_id).first() if series_id else None
    if "organisers" not in form.fields:  # only the secretariat chooses who organises
        data["organisers"] = None
    return data


def _save_event(
    request: HttpRequest, form: EventForm, process: Process, event: Event | None
) -> Event | None:
    """The event created or changed by one service; None with the reasons on the form."""
    fields = _event_fields(form, process)
    try:
        if event is None:
            return services.create_event(process, actor=request.user, **fields)
        fields.pop("slug", None)
        return services.update_event(event, actor=request.user, **fields)
    except (UnknownTimeZone, EventsError) as exc:
        form.add_error("time_zone" if isinstance(exc, UnknownTimeZone) else None, str(exc))
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    return None


@permission_required(perms.CREATE, obj=scopes.process)
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """Create an event in a process."""
    form = EventForm(request.POST or None, process=process, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        event = _save_event(request, form, process, None)
        if event is not None:
            messages.success(request, _("The event was created."))
            return redirect("events:detail", slug=event.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "events/edit.html", {"form": form, "process": process}, status=status)


@permission_required(perms.MANAGE, obj=scopes.event)
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """Change an event's settings."""
    form = EventForm(
        request.POST or None,
        process=event.process,
        editing=True,
        initial=event_initial(event),
        viewer=request.user,
    )
    saved = request.method == "POST" and form.is_valid()
    if saved and _save_event(request, form, event.process, event) is not None:
        messages.success(request, _("The event was saved."))
        return redirect("events:detail", slug=event.slug)
    return render(
        request,
        "events/edit.html",
        {"form": form, "process": event.process, "event": event},
        status=400 if request.method == "POST" else 200,
    )


# Registrations and check-in -----------------------------------------------------------------------


@permission_required(perms.MANAGE, obj=scopes.event)
@require_GET
def manage(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """Registrations (searchable, for check-in), attendance, speakers, outcome and targets."""
    query = request.GET.get("q", "").strip()[:100]
    registrations = selectors.registrations_of(event, query)
    context = {
        "event": event,
        "process": event.process,
        "registrations": selectors.labelled(registrations, event, request.user, query=query),
        "query": query,
        "counts": selectors.counts(event),
        "speaker_form": SpeakerForm(),
        "outcome_form": OutcomeForm(initial=outcome_initial(event)),
        "targets_form": TargetsForm(initial={"targets": targets_text(event.targets)}),
        "speakers": list(event.speakers.all()),
    }
    template = "events/partials/registrations.html" if request.htmx else "events/manage.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


REGISTRATION_ACTIONS: dict[str, Callable[[Registration, Any], Any]] = {
    "approve": lambda r, actor: services.decide_registration(r, actor=actor, approve=True),
    "decline": lambda r, actor: services.decide_registration(r, actor=actor, approve=False),
    "check_in": lambda r, actor: services.check_in(r, actor=actor),
    "cancel": lambda r, actor: services.cancel_registration(r, actor=actor),
}


def _acted_on(request: HttpRequest, pk: int, action: str) -> Registration:
    if action not in REGISTRATION_ACTIONS:
        raise Http404
    return scopes.registration(request, pk)


@permission_required(perms.MANAGE_REGISTRATION, obj=_acted_on)
@require_POST
def registration_action(
    request: HttpRequest, registration: Registration, pk: int, action: str
) -> HttpResponse:
    """The organisers approve, decline, check in or cancel a registration."""
    try:
        REGISTRATION_ACTIONS[action](registration, request.user)
        messages.success(request, _("Done."))
    except EventsError as exc:
        messages.error(request, str(exc))
    return redirect("events:manage", slug=registration.event.slug)


@permission_required(perms.MANAGE, obj=scopes.event)
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, event: Event, slug: str, token: str) -> HttpResponse:
    """Where a participant's QR code leads: the organisers see who it is and check them in."""
    registration = selectors.registration_by_token(event, token)
    if request.method == "POST":
        try:
            services.check_in(registration, actor=request.user)
            messages.success(request, _("Checked in."))
        except EventsError as exc:
            messages.error(request, str(exc))
        return redirect("events:check_in", slug=event.slug, token=token)
    selectors.labelled([registration], event, request.user)
    context = {"event": event, "registration": registration, "process": event.process}
    return render(request, "events/check_in.html", context)


# Speakers, outcome and targets --------------------------------------------------------------------


@permission_required(perms.MANAGE, obj=scopes.event)
@require_POST
def add_speaker(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """Add a speaker to the programme."""
    form = SpeakerForm(request.POST)
    if form.is_valid():
        services.add_speaker(event, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The speaker was added."))
    else:
        messages.error(request, _("Give at least the speaker's name and role."))
    return redirect("events:manage", slug=event.slug)


@permission_required(perms.MANAGE, obj=scopes.event)
@require_POST
def remove_speaker(request: HttpRequest, event: Event, slug: str, speaker_id: int) -> HttpResponse:
    """Take a speaker off the programme."""
    speaker = event.speakers.filter(pk=speaker_id).first()
    if speaker is None:
        raise Http404
    services.remove_speaker(speaker, actor=request.user)
    return redirect("events:manage", slug=event.slug)


@permission_required(perms.MANAGE, obj=scopes.event)
@require_POST
def outcome(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """Publish the event's outcome."""
    form = OutcomeForm(request.POST)
    if form.is_valid():
        services.publish_outcome(event, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The outcome is published."))
        return redirect("events:detail", slug=event.slug)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("events:manage", slug=event.slug)


@permission_required(perms.MANAGE, obj=scopes.event)
@require_POST
def targets(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """Set the representation targets."""
    form = TargetsForm(request.POST)
    if form.is_valid():
        services.set_targets(event, form.cleaned_data["targets"], actor=request.user)
        messages.success(request, _("The targets were saved."))
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(error))
    return redirect("events:manage", slug=event.slug)
