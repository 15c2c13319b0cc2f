from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.fields import is_id
from core.models import Process
from core.permissions import SIGNED_IN, has_perm, permission_required
from core.selectors import process_for
from stakeholders.protection import display_name
from stakeholders.selectors import accredited_organisations_of, organisations_of

from . import permissions as perms
from . import selectors, services
from .calendar import UnknownTimeZone, calendar, ics_response
from .choices import Audience, OrganiserRole
from .exceptions import EventsError, InvalidAnswers
from .forms import (
    EventFilterForm,
    EventForm,
    FloorRequestForm,
    OutcomeForm,
    RegistrationForm,
    SpeakerForm,
    TargetsForm,
)
from .models import AgendaItem, Event, Registration


def _event(request: HttpRequest, slug: str, **kwargs: Any) -> Event:
    return selectors.event_for(request.user, slug)


def _process(request: HttpRequest, slug: str, **kwargs: Any) -> Process:
    return process_for(request.user, slug)


def _item(request: HttpRequest, pk: int, **kwargs: Any) -> AgendaItem:
    return selectors.agenda_item_for(request.user, pk)


def _item_event(request: HttpRequest, pk: int, **kwargs: Any) -> Event:
    return _item(request, pk).event


# Lists --------------------------------------------------------------------------------------------


@require_GET
def event_list(request: HttpRequest, slug: str = "") -> HttpResponse:
    """Events by process, series, kind and date; upcoming first."""
    process = process_for(request.user, slug) if slug else None
    series = (
        selectors.series_for(request.user, request.GET["series"])
        if request.GET.get("series")
        else None
    )
    form = EventFilterForm(request.GET or None)
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    if process is not None:
        filters["process"] = process.slug
    if series is not None:
        filters["series"] = series.slug
    events = selectors.event_list(request.user, filters)
    context = {
        "form": form,
        "events": events,
        "process": process,
        "series": series,
        "can_create": process is not None and has_perm(request.user, perms.CREATE, process),
    }
    if process is not None or series is not None:
        scope = selectors.events_in(series or process, request.user)
        targets = selectors.scope_targets(series or process)
        context["figures"] = selectors.representation(scope, public=True, targets=targets)
        if has_perm(request.user, perms.CREATE, series or process):
            context["targets_form"] = TargetsForm(initial={"targets": _targets_text(targets)})
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "events/list.html", context, status=status)


def _targets_text(targets: dict[str, dict[str, int]]) -> str:
    return "\n".join(
        f"{dimension} {group} {share}"
        for dimension, groups in (targets or {}).items()
        for group, share in groups.items()
    )


def _series(request: HttpRequest, slug: str, **kwargs: Any) -> Any:
    return selectors.series_for(request.user, slug)


def _save_scope_targets(request: HttpRequest, scope: Any, back: str) -> HttpResponse:
    form = TargetsForm(request.POST)
    if form.is_valid():
        services.set_scope_targets(scope, form.cleaned_data["targets"], actor=request.user)
        messages.success(request, _("The targets were saved."))
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(error))
    return redirect(back)


@permission_required(perms.CREATE, obj=_process)
@require_POST
def process_targets(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """Set representation targets across the process's events."""
    return _save_scope_targets(request, process, reverse("events:process_events", args=[slug]))


@permission_required(perms.CREATE, obj=_series)
@require_POST
def series_targets(request: HttpRequest, series: Any, slug: str) -> HttpResponse:
    """Set representation targets across a series."""
    return _save_scope_targets(request, series, f"{reverse('events:list')}?series={slug}")


@require_GET
def process_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The process's events as an iCalendar feed."""
    process = process_for(request.user, slug)
    return ics_response(selectors.feed(request.user, process), process.slug)


@require_GET
def series_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A series's events as an iCalendar feed."""
    series = selectors.series_for(request.user, slug)
    return ics_response(selectors.feed(request.user, series), series.slug)


# One event ----------------------------------------------------------------------------------------


def _registration_form(request: HttpRequest, event: Event, data: Any = None) -> RegistrationForm:
    user = request.user
    organisations: list[Any] = []
    if user.is_authenticated:
        organisations = list(
            accredited_organisations_of(user, event.process)
            if event.audience == Audience.ACCREDITED
            else organisations_of(user)
        )
    return RegistrationForm(data, event=event, organisations=organisations)


def _detail_context(request: HttpRequest, event: Event) -> dict[str, Any]:
    user = request.user
    managing = has_perm(user, perms.MANAGE, event)
    organisers = list(event.organisers.select_related("organisation"))
    return {
        "event": event,
        "process": event.process,
        "managing": managing,
        "organisers": [
            display_name(o.organisation, user)
            for o in organisers
            if o.role == OrganiserRole.ORGANISER
        ],
        "co_sponsors": [
            display_name(o.organisation, user)
            for o in organisers
            if o.role == OrganiserRole.CO_SPONSOR
        ],
        "speakers": list(event.speakers.all()),
        "topics": list(event.topics.all()),
        "registration": selectors.registration_of(event, user),
        "rotation": selectors.rotation_for(event, user),
        "can_register": has_perm(user, perms.REGISTER, event),
        "counts": selectors.counts(event),
        "participants": selectors.participants(event, user),
        "agenda": list(event.agenda_items.all()),
        "figures": selectors.representation(
            Event.objects.filter(pk=event.pk), public=not managing, targets=event.targets
        ),
    }


@permission_required(perms.VIEW, obj=_event)
@require_GET
def event_detail(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """An event: when and where (in the venue's time zone and the reader's), who, registration."""
    context = _detail_context(request, event)
    context["form"] = _registration_form(request, event)
    return render(request, "events/detail.html", context)


@permission_required(perms.VIEW, obj=_event)
@require_GET
def event_calendar(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """One event as an iCalendar file."""
    return ics_response(calendar([selectors.calendar_item(event)]), event.slug)


@permission_required(perms.REGISTER, obj=_event)
@require_POST
def register(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """Register; a full event puts the person on the waiting list and says so."""
    form = _registration_form(request, event, request.POST)
    if form.is_valid():
        try:
            registration, created = services.register(
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
        else:
            messages.success(request, _state_message(registration, created))
            return redirect("events:detail", slug=event.slug)
    context = _detail_context(request, event)
    context["form"] = form
    return render(request, "events/detail.html", context, status=400)


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


def _registration(request: HttpRequest, pk: int, **kwargs: Any) -> Registration:
    return selectors.registration_for(request.user, pk)


@permission_required(SIGNED_IN, obj=_registration)
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


@permission_required(SIGNED_IN, obj=_registration)
@require_GET
def qr_code(request: HttpRequest, registration: Registration, pk: int) -> HttpResponse:
    """The holder's QR code for check-in."""
    if registration.user_id != request.user.pk or registration.state != "confirmed":
        raise Http404
    return HttpResponse(selectors.qr_svg(registration), content_type="image/svg+xml")


# Running an event ---------------------------------------------------------------------------------


@permission_required(perms.MANAGE, obj=_event)
@require_GET
def manage(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """Registrations (searchable, for check-in), attendance, speakers, outcome and targets."""
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "event": event,
        "process": event.process,
        "registrations": selectors.labelled(
            selectors.registrations_of(event, query), event, request.user, query=query
        ),
        "query": query,
        "counts": selectors.counts(event),
        "speaker_form": SpeakerForm(),
        "outcome_form": OutcomeForm(
            initial={
                "key_messages": event.key_messages,
                "recommendations": event.recommendations,
                "links": "\n".join(
                    f"{link['title']} {link['url']}" for link in event.outcome_links
                ),
            }
        ),
        "targets_form": TargetsForm(initial={"targets": _targets_text(event.targets)}),
        "speakers": list(event.speakers.all()),
    }
    template = "events/partials/registrations.html" if request.htmx else "events/manage.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


ACTIONS = {"approve", "decline", "check_in", "cancel"}


@permission_required(SIGNED_IN, obj=_registration)
@require_POST
def registration_action(
    request: HttpRequest, registration: Registration, pk: int, action: str
) -> HttpResponse:
    """The organisers approve, decline, check in or cancel a registration."""
    if action not in ACTIONS:
        raise Http404
    if not has_perm(request.user, perms.MANAGE, registration.event):
        raise PermissionDenied(perms.MANAGE)
    try:
        if action == "check_in":
            services.check_in(registration, actor=request.user)
        elif action == "cancel":
            services.cancel_registration(registration, actor=request.user)
        else:
            services.decide_registration(
                registration, actor=request.user, approve=action == "approve"
            )
        messages.success(request, _("Done."))
    except EventsError as exc:
        messages.error(request, str(exc))
    return redirect("events:manage", slug=registration.event.slug)


@permission_required(perms.MANAGE, obj=_event)
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, event: Event, slug: str, token: str) -> HttpResponse:
    """Where a participant's QR code leads: the organisers see who it is and check them in."""
    registration = (
        event.registrations.select_related("user", "organisation").filter(token=token).first()
    )
    if registration is None:
        raise Http404
    if request.method == "POST":
        try:
            services.check_in(registration, actor=request.user)
            messages.success(request, _("Checked in."))
        except EventsError as exc:
            messages.error(request, str(exc))
        return redirect("events:check_in", slug=event.slug, token=token)
    selectors.labelled([registration], event, request.user)
    return render(
        request,
        "events/check_in.html",
        {"event": event, "registration": registration, "process": event.process},
    )


@permission_required(SIGNED_IN)
@require_POST
def swap(request: HttpRequest, slug: str) -> HttpResponse:
    """Rotation: an organisation's administrator gives its place to another representative."""
    event = selectors.event_for(request.user, slug)
    holder = _posted_registration(event, request.POST.get("holder"))
    to = _posted_registration(event, request.POST.get("to"))
    from stakeholders.protection import administers

    if not (
        has_perm(request.user, perms.MANAGE, event)
        or (holder.organisation and administers(request.user, holder.organisation))
    ):
        raise PermissionDenied(perms.MANAGE)
    try:
        services.swap_place(holder, to, actor=request.user)
        messages.success(
            request, _("The place passed to %(name)s.") % {"name": to.user.display_name}
        )
    except EventsError as exc:
        messages.error(request, str(exc))
    return redirect("events:detail", slug=event.slug)


def _posted_registration(event: Event, raw: Any) -> Registration:
    if not is_id(raw):
        raise Http404
    found = event.registrations.select_related("user", "organisation").filter(pk=int(raw)).first()
    if found is None:
        raise Http404
    return found


@permission_required(perms.MANAGE, obj=_event)
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


@permission_required(perms.MANAGE, obj=_event)
@require_POST
def remove_speaker(request: HttpRequest, event: Event, slug: str, speaker_id: int) -> HttpResponse:
    """Take a speaker off the programme."""
    speaker = event.speakers.filter(pk=speaker_id).first()
    if speaker is None:
        raise Http404
    services.remove_speaker(speaker, actor=request.user)
    return redirect("events:manage", slug=event.slug)


@permission_required(perms.MANAGE, obj=_event)
@require_POST
def outcome(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """Publish the event's outcome."""
    form = OutcomeForm(request.POST)
    if form.is_valid():
        services.publish_outcome(
            event,
            actor=request.user,
            key_messages=form.cleaned_data["key_messages"],
            recommendations=form.cleaned_data["recommendations"],
            links=form.cleaned_data["links"],
        )
        messages.success(request, _("The outcome is published."))
        return redirect("events:detail", slug=event.slug)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("events:manage", slug=event.slug)


@permission_required(perms.MANAGE, obj=_event)
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


# Creating and editing -----------------------------------------------------------------------------


def _save_event(
    request: HttpRequest, form: EventForm, process: Process, event: Event | None
) -> Event | None:
    data = dict(form.cleaned_data)
    organisers, co_sponsors = data.pop("organisers", []), data.pop("co_sponsors", [])
    topics = data.pop("topics")
    invitees = data.pop("invitees")
    series_id = data.pop("series")
    data["series"] = process.event_series.filter(pk=series_id).first() if series_id else None
    try:
        if event is None:
            event = services.create_event(process, actor=request.user, topics=topics, **data)
        else:
            data.pop("slug", None)
            event = services.update_event(event, actor=request.user, topics=topics, **data)
    except (UnknownTimeZone, EventsError) as exc:
        form.add_error("time_zone" if isinstance(exc, UnknownTimeZone) else None, str(exc))
        return None
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return None
    services.set_invitees(event, invitees, actor=request.user)
    if "organisers" in form.fields:
        services.set_organisers(
            event, actor=request.user, organisers=organisers, co_sponsors=co_sponsors
        )
    return event


@permission_required(perms.CREATE, obj=_process)
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """Create an event in a process."""
    form = EventForm(request.POST or None, process=process, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        event = _save_event(request, form, process, None)
        if event is not None:
            messages.success(request, _("The event was created."))
            return redirect("events:detail", slug=event.slug)
    return render(
        request,
        "events/edit.html",
        {"form": form, "process": process},
        status=400 if request.method == "POST" else 200,
    )


@permission_required(perms.MANAGE, obj=_event)
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event: Event, slug: str) -> HttpResponse:
    """Change an event's settings."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(event.time_zone)
    initial = {
        name: getattr(event, name)
        for name in (
            "title",
            "kind",
            "summary",
            "time_zone",
            "venue",
            "online_url",
            "capacity",
            "requires_approval",
            "audience",
            "organisation_cap",
            "participant_list",
        )
    }
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        value = getattr(event, name)
        initial[name] = value.astimezone(zone).replace(tzinfo=None) if value else None
    initial["languages"] = ", ".join(event.languages)
    initial["series"] = event.series_id
    initial["topics"] = list(event.topics.values_list("pk", flat=True))
    organisers = list(event.organisers.select_related("organisation"))
    initial["organisers"] = [
        o.organisation.public_id for o in organisers if o.role == OrganiserRole.ORGANISER
    ]
    initial["co_sponsors"] = [
        o.organisation.public_id for o in organisers if o.role == OrganiserRole.CO_SPONSOR
    ]
    initial["invitees"] = "\n".join(event.invitees.values_list("email", flat=True))
    initial["questions"] = "\n".join(
        q["label"] + (" *" if q.get("required") else "") for q in event.questions
    )
    form = EventForm(
        request.POST or None,
        process=event.process,
        editing=True,
        initial=initial,
        viewer=request.user,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_event(request, form, event.process, event)
        if saved is not None:
            messages.success(request, _("The event was saved."))
            return redirect("events:detail", slug=event.slug)
    return render(
        request,
        "events/edit.html",
        {"form": form, "process": event.process, "event": event},
        status=400 if request.method == "POST" else 200,
    )


# The floor ----------------------------------------------------------------------------------------


@permission_required(perms.VIEW_AGENDA_ITEM, obj=_item)
@require_http_methods(["GET", "POST"])
def agenda_item(request: HttpRequest, item: AgendaItem, pk: int) -> HttpResponse:
    """An agenda item: ask for the floor; the secretariat sees the proposed order and reorders."""
    event = item.event
    managing = has_perm(request.user, perms.MANAGE, event)
    organisations = list(accredited_organisations_of(request.user, event.process))
    form = (
        FloorRequestForm(request.POST or None, organisations=organisations)
        if organisations
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(perms.REQUEST_FLOOR)
        if form.is_valid():
            try:
                services.request_floor(
                    item,
                    actor=request.user,
                    organisation_id=form.cleaned_data["organisation"],
                    spokesperson=form.cleaned_data["spokesperson"],
                    topic=form.cleaned_data["topic"],
                    gender=form.cleaned_data["gender"],
                )
                messages.success(request, _("Your request for the floor was recorded."))
                return redirect("events:agenda_item", pk=item.pk)
            except (EventsError, ValidationError) as exc:
                form.add_error(
                    None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                )
    lines = selectors.speakers_list(item, request.user) if (managing or item.published) else []
    mine = (
        [line for line in lines if line.request.organisation in organisations]
        if not managing
        else []
    )
    return render(
        request,
        "events/agenda_item.html",
        {
            "item": item,
            "event": event,
            "process": event.process,
            "managing": managing,
            "form": form,
            "lines": lines,
            "mine": mine,
        },
        status=400 if request.method == "POST" else 200,
    )


@permission_required(perms.VIEW_AGENDA_ITEM, obj=_item)
@require_POST
def floor_action(request: HttpRequest, item: AgendaItem, pk: int) -> HttpResponse:
    """Reorder (move a request up or down), mark given, publish; withdraw one's own request."""
    action = request.POST.get("action", "")
    target = (
        item.floor_requests.filter(pk=int(request.POST["request"])).first()
        if is_id(request.POST.get("request"))
        else None
    )
    managing = has_perm(request.user, perms.MANAGE, item.event)
    try:
        if (
            action == "withdraw"
            and target is not None
            and (
                managing
                or target.organisation
                in accredited_organisations_of(request.user, item.event.process)
            )
        ):
            services.withdraw_floor_request(target, actor=request.user)
        elif not managing:
            raise PermissionDenied(perms.MANAGE)
        elif action in ("up", "down") and target is not None:
            order = [line.request.pk for line in selectors.speakers_list(item, request.user)]
            if target.pk not in order:
                raise Http404
            index = order.index(target.pk)
            other = index - 1 if action == "up" else index + 1
            if 0 <= other < len(order):
                order[index], order[other] = order[other], order[index]
            services.reorder_floor(item, order, actor=request.user)
        elif action == "given" and target is not None:
            services.mark_given(target, actor=request.user)
        elif action in ("publish", "unpublish"):
            services.publish_speakers_list(item, actor=request.user, published=action == "publish")
        else:
            raise Http404
    except EventsError as exc:
        messages.error(request, str(exc))
    back = request.POST.get("next", "")
    return redirect(
        back
        if back in (reverse("events:chair", args=[item.pk]),)
        else reverse("events:agenda_item", args=[item.pk])
    )


@permission_required(perms.MANAGE, obj=_item_event)
@require_GET
def chair(request: HttpRequest, event: Event, pk: int) -> HttpResponse:
    """The chair's view: who speaks now, for how long, and who is next."""
    item = _item(request, pk)
    lines = selectors.speakers_list(item, request.user)
    current, following = selectors.current_and_next(lines)
    return render(
        request,
        "events/chair.html",
        {
            "item": item,
            "event": event,
            "process": event.process,
            "lines": lines,
            "current": current,
            "following": following,
        },
    )
