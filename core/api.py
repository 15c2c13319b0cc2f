"""Endpoints for processes."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from api.errors import responses
from api.pagination import PagePagination

from . import permissions as perms
from .models import Process
from .permissions import check_perm
from .selectors import process_for, processes_visible_to, visible_predecessor

router = Router(tags=["processes"])


class ProcessOut(Schema):
    slug: str
    name: str
    convening_body: str
    description: str
    status: str
    predecessor: str | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_predecessor(obj: Process, context: Any) -> str | None:
        if obj.predecessor_id is None:
            return None
        predecessor = visible_predecessor(obj, context["request"].user)
        return predecessor.slug if predecessor is not None else None


@router.get("/processes", response=list[ProcessOut], summary="List processes")
@paginate(PagePagination)
def list_processes(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Every process the caller may see: public ones, and drafts for their secretariat."""
    return processes_visible_to(request.user)


@router.get(
    "/processes/{slug}",
    response=responses({200: ProcessOut}, 401, 404),
    summary="Read a process",
)
def get_process(request: HttpRequest, slug: str) -> object:
    """One process by its short name; a draft reads as not found to anyone but its staff."""
    process = process_for(request.user, slug)
    check_perm(request.user, perms.VIEW_PROCESS, process)
    return process
