"""Reads of the core: processes and the audit log, always through a visibility scope."""

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import AuditEntry, Process
from .roles import staff_process_ids


def processes_visible_to(user: Any) -> QuerySet[Process]:
    return Process.objects.visible_to(user).select_related("predecessor").order_by("name")


def processes_run_by(user: Any) -> QuerySet[Process]:
    """The processes the user is secretariat of (every process for the platform secretariat)."""
    ids = staff_process_ids(user)
    processes = Process.objects.order_by("name")
    return processes if ids is None else processes.filter(pk__in=ids)


def process_for(user: Any, slug: str) -> Process:
    """The process with this slug if the user may see it; Http404 otherwise (drafts stay hidden)."""
    return get_object_or_404(processes_visible_to(user), slug=slug)


def visible_predecessor(process: Process, user: Any) -> Process | None:
    """The process's predecessor, if the user may see it (a draft stays with its staff)."""
    from .permissions import VIEW_PROCESS, has_perm

    predecessor = process.predecessor
    return predecessor if has_perm(user, VIEW_PROCESS, predecessor) else None


def process_with_relations(process: Process, user: Any) -> dict[str, Any]:
    """A process with the successors the user may see."""
    return {"successors": list(processes_visible_to(user).filter(predecessor=process))}


def audit_entries_for(
    user: Any,
    *,
    action: str = "",
    actor_email: str = "",
    process_slug: str = "",
    object_type: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    """The audit entries the user may read, filtered; newest first."""
    entries = AuditEntry.objects.visible_to(user).select_related("actor", "process")
    if action:
        entries = entries.filter(action__startswith=action)
    if actor_email:
        entries = entries.filter(actor__email__iexact=actor_email.strip())
    if process_slug:
        entries = entries.filter(process__slug=process_slug)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if since:
        entries = entries.filter(created_at__date__gte=since)
    if until:
        entries = entries.filter(created_at__date__lte=until)
    return entries.order_by("-seq")


def audit_action_names(user: Any) -> list[str]:
    return list(
        AuditEntry.objects.visible_to(user)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
