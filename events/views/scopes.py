"""The objects the pages act on, found through the viewer's scope (404 for what they may not
see). Each takes the request and the URL's arguments, as `permission_required(obj=...)` calls it.
"""

from typing import Any

from django.http import HttpRequest

from core.models import Process
from core.selectors import process_for

from .. import selectors
from ..models import AgendaItem, Event, FloorRequest, Registration, Series


def event(request: HttpRequest, slug: str, **kwargs: Any) -> Event:
    return selectors.event_for(request.user, slug)


def process(request: HttpRequest, slug: str, **kwargs: Any) -> Process:
    return process_for(request.user, slug)


def series(request: HttpRequest, slug: str, **kwargs: Any) -> Series:
    return selectors.series_for(request.user, slug)


def item(request: HttpRequest, pk: int, **kwargs: Any) -> AgendaItem:
    return selectors.agenda_item_for(request.user, pk)


def registration(request: HttpRequest, pk: int, **kwargs: Any) -> Registration:
    return selectors.registration_for(request.user, pk)


def posted_holder(request: HttpRequest, slug: str, **kwargs: Any) -> Registration:
    """The registration whose place a rotation form gives away."""
    return selectors.registration_at(event(request, slug), request.POST.get("holder"))


def posted_floor_request(request: HttpRequest, pk: int, **kwargs: Any) -> FloorRequest:
    """The request for the floor a form names, under the agenda item of the URL."""
    return selectors.floor_request_under(item(request, pk), request.POST.get("request"))


def posted_listed_request(request: HttpRequest, pk: int, **kwargs: Any) -> FloorRequest:
    """The same, only if it is on the speakers list (not withdrawn)."""
    found = item(request, pk)
    return selectors.floor_request_under(found, request.POST.get("request"), listed=True)
