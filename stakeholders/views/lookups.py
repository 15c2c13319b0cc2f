"""How the pages find the object their URL names: always through the viewer's scope, never by a
bare id (`permission_required(..., obj=...)` calls these before checking the permission)."""

from typing import Any

from django.http import HttpRequest

from core.models import Process
from core.selectors import process_for

from .. import selectors
from ..models import Application, Objection, Organisation
from ..permissions import CarryOver


def organisation(request: HttpRequest, public_id: str, **kwargs: Any) -> Organisation:
    return selectors.organisation_for(request.user, public_id)


def process(request: HttpRequest, slug: str, **kwargs: Any) -> Process:
    return process_for(request.user, slug)


def application(request: HttpRequest, pk: int, **kwargs: Any) -> Application:
    return selectors.application_for(request.user, pk)


def objection(request: HttpRequest, public_id: str, **kwargs: Any) -> Objection:
    return selectors.objection_for(request.user, public_id)


def carry_over(request: HttpRequest, slug: str, **kwargs: Any) -> CarryOver:
    """Every organisation (no `organisation` posted), or one of the viewer's own."""
    found = process_for(request.user, slug)
    public_id = request.POST.get("organisation", "")
    if not public_id:
        return CarryOver(found)
    return CarryOver(found, selectors.organisation_to_apply_for(request.user, public_id))
