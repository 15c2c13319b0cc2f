"""Lists of events and their calendar feeds; representation targets across a process or series."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.models import Process
from core.permissions import has_perm, permission_required, public_view
from core.selectors import process_for

from .. import permissions as perms
from .. import selectors, services
from ..calendar import ics_response
from ..forms import EventFilterForm, TargetsForm, targets_text
from ..models import Series
from . import scopes


@require_GET
@public_view
def event_list(request: HttpRequest, slug: str = "") -> HttpResponse:
    """Events by process, series, kind and date; upcoming first."""
    process = process_for(request.user, slug) if slug else None
    series = (
        selectors.series_for(request.user, request.GET["series"])
        if request.GET.get("series")
        else None
    )
    form = EventFilterForm(request.GET or None)
    context: dict[str, Any] = {
        "form": form,
        "events": selectors.event_list(request.user, _filters(form, process, series)),
        "process": process,
        "series": series,
        "can_create": process is not None and has_perm(request.user, perms.CREATE, process),
    }
    if series is not None or process is not None:
        context |= _representation(request, series or process)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "events/list.html", context, status=status)


def _filters(
    form: EventFilterForm, process: Process | None, series: Series | None
) -> dict[str, Any]:
    filters = dict(form.cleaned_data) if form.is_valid() else {}
    if process is not None:
        filters["process"] = process.slug
    if series is not None:
        filters["series"] = series.slug
    return filters


def _representation(request: HttpRequest, scope: Process | Series) -> dict[str, Any]:
    """Who took part across the scope's events, and its targets (a form for its secretariat)."""
    targets = selectors.scope_targets(scope)
    events = selectors.events_in(scope, request.user)
    found: dict[str, Any] = {
        "figures": selectors.representation(events, public=True, targets=targets)
    }
    if has_perm(request.user, perms.CREATE, scope):
        found["targets_form"] = TargetsForm(initial={"targets": targets_text(targets)})
    return found


def _save_scope_targets(request: HttpRequest, scope: Process | Series, back: str) -> HttpResponse:
    form = TargetsForm(request.POST)
    if form.is_valid():
        services.set_scope_targets(scope, form.cleaned_data["targets"], actor=request.user)
        messages.success(request, _("The targets were saved."))
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(error))
    return redirect(back)


@permission_required(perms.CREATE, obj=scopes.process)
@require_POST
def process_targets(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """Set representation targets across the process's events."""
    return _save_scope_targets(request, process, reverse("events:process_events", args=[slug]))


@permission_required(perms.CREATE, obj=scopes.series)
@require_POST
def series_targets(request: HttpRequest, series: Series, slug: str) -> HttpResponse:
    """Set representation targets across a series."""
    return _save_scope_targets(request, series, f"{reverse('events:list')}?series={slug}")


@require_GET
@public_view
def process_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """The process's events as an iCalendar feed."""
    process = process_for(request.user, slug)
    return ics_response(selectors.feed(request.user, process), process.slug)


@require_GET
@public_view
def series_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A series's events as an iCalendar feed."""
    series = selectors.series_for(request.user, slug)
    return ics_response(selectors.feed(request.user, series), series.slug)
