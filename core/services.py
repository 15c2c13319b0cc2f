"""Writes of the core: processes. Each service owns its transaction and its audit entry."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .choices import CLOSED_PROCESS_STATUSES
from .exceptions import InvalidPredecessor
from .models import Process

RETENTION_FIELDS = ("retain_drafts_days", "retain_identities_days", "retain_registrations_days")
PROCESS_FIELDS = (
    "slug",
    "name",
    "convening_body",
    "description",
    "status",
    "predecessor",
    *RETENTION_FIELDS,
)


def _check_predecessor(process: Process, predecessor: Process | None) -> None:
    seen: set[int] = set()
    node = predecessor
    while node is not None:
        if process.pk is not None and node.pk == process.pk:
            raise InvalidPredecessor("A process cannot follow itself, directly or through others.")
        if node.pk in seen:  # pragma: no cover - an existing cycle would be a data error
            break
        seen.add(node.pk)
        node = node.predecessor


def _save(process: Process) -> None:
    # Two requests may pass the uniqueness check at once; the database decides, kindly.
    try:
        with transaction.atomic():
            process.save()
    except IntegrityError:
        raise ValidationError(
            {"slug": _("Another process already uses this short name.")}
        ) from None


def _snapshot(process: Process) -> dict[str, Any]:
    return {
        "slug": process.slug,
        "name": process.name,
        "convening_body": process.convening_body,
        "status": process.status,
        "predecessor": process.predecessor.slug if process.predecessor else None,
        **{field: getattr(process, field) for field in RETENTION_FIELDS},
    }


def _mark_closed(process: Process) -> None:
    """Retention counts from when the process last closed; reopening it stops the count."""
    closed = process.status in CLOSED_PROCESS_STATUSES
    if closed and process.closed_at is None:
        process.closed_at = timezone.now()
    elif not closed:
        process.closed_at = None


def create_process(
    *,
    actor: Any,
    slug: str,
    name: str,
    convening_body: str,
    description: str = "",
    status: str = "draft",
    predecessor: Process | None = None,
    **retention: int,
) -> Process:
    """Create a process and record it in the audit log."""
    unknown = set(retention) - set(RETENTION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown process fields: {sorted(unknown)}")
    with transaction.atomic():
        process = Process(
            slug=slug,
            name=name,
            convening_body=convening_body,
            description=description,
            status=status,
            predecessor=predecessor,
            **retention,
        )
        _mark_closed(process)
        _check_predecessor(process, predecessor)
        process.full_clean()
        _save(process)
        audit.record("core.process.created", actor=actor, obj=process, data=_snapshot(process))
    return process


def update_process(process: Process, *, actor: Any, **changes: Any) -> Process:
    """Change a process's details; the audit entry lists what changed, before and after."""
    unknown = set(changes) - set(PROCESS_FIELDS)
    if unknown:
        raise TypeError(f"Unknown process fields: {sorted(unknown)}")
    with transaction.atomic():
        process = Process.objects.select_for_update().get(pk=process.pk)
        before = _snapshot(process)
        old_description = process.description
        if "predecessor" in changes:
            _check_predecessor(process, changes["predecessor"])
        for field, value in changes.items():
            setattr(process, field, value)
        _mark_closed(process)
        process.full_clean()
        _save(process)
        after = _snapshot(process)
        diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        if process.description != old_description:
            # The text itself can be long; the entry says that it changed.
            diff["description"] = ["(changed)", "(changed)"]
        if diff:
            audit.record("core.process.updated", actor=actor, obj=process, data={"changes": diff})
        return process


def replace_invitees(owner: Any, emails: list[str], *, actor: Any, action: str) -> int:
    """Replace an object's invited list (its `invitees`, rows with an `email`), in one
    transaction with its audit entry; returns how many addresses it holds."""
    related = owner.invitees
    wanted = sorted({e.strip().lower() for e in emails if e.strip()})
    with transaction.atomic():
        related.exclude(email__in=wanted).delete()
        known = set(related.values_list("email", flat=True))
        related.model.objects.bulk_create(
            [
                related.model(**{related.field.name: owner, "email": e})
                for e in wanted
                if e not in known
            ]
        )
        audit.record(
            action, actor=actor, obj=owner, process=owner.process, data={"count": len(wanted)}
        )
    return len(wanted)


def apply_retention(*, now: Any = None) -> dict[str, dict[str, int]]:
    """Remove, in each closed process, what its retention periods say has expired (each app
    says what through core.personal); audited per process where anything was removed."""
    from .personal import retain_all

    now = now or timezone.now()
    applied: dict[str, dict[str, int]] = {}
    for process in Process.objects.filter(closed_at__isnull=False).order_by("pk"):
        with transaction.atomic():
            done = retain_all(process, now)
            if done:
                audit.record(
                    "core.retention.applied", actor=None, obj=process, data={"removed": done}
                )
                applied[process.slug] = done
    return applied
