"""The hash-chained audit log: `record` appends an entry, `find_first_broken` checks the chain."""

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from .models import AuditEntry, AuditHead, Process

GENESIS_HASH = "0" * 64
# Any fixed number: PostgreSQL advisory locks are keyed by integers.
_CHAIN_LOCK_KEY = 72_001_337


def _normalise(data: dict[str, Any] | None) -> dict[str, Any]:
    # Round-trip through JSON so what is hashed is exactly what the database gives back.
    return json.loads(json.dumps(data or {}, default=str))


def compute_hash(entry: AuditEntry) -> str:
    payload = {
        "seq": entry.seq,
        "created_at": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "process_id": entry.process_id,
        "data": entry.data,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(settings.AUDIT_KEY.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def _lock_chain() -> None:
    # SQLite runs write transactions one at a time (IMMEDIATE mode); PostgreSQL needs a lock so
    # two writers never take the same predecessor.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def record(
    action: str,
    *,
    actor: Any,
    obj: Model | None = None,
    process: Process | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log, chained to the last one."""
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
        entry = AuditEntry(
            seq=(last["seq"] + 1) if last else 1,
            created_at=timezone.now(),
            actor_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:200] if obj is not None else "",
            process=process if process is not None else (obj if isinstance(obj, Process) else None),
            data=_normalise(data),
            prev_hash=last["hash"] if last else GENESIS_HASH,
        )
        entry.hash = compute_hash(entry)
        entry.save()
        if not AuditHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash):
            AuditHead.objects.create(pk=1, seq=entry.seq, hash=entry.hash)
        return entry


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


def find_first_broken() -> tuple[int, ChainBreak | None]:
    """Walk the chain from the start; return how many entries were checked and the first break."""
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    for entry in _entries():
        checked += 1
        if entry.seq != expected_seq:
            return checked, ChainBreak(expected_seq, f"entry #{expected_seq} is missing")
        if entry.prev_hash != expected_prev:
            return checked, ChainBreak(entry.seq, "its link to the previous entry does not match")
        if compute_hash(entry) != entry.hash:
            return checked, ChainBreak(entry.seq, "its content does not match its hash")
        expected_seq, expected_prev = entry.seq + 1, entry.hash
    head = AuditHead.objects.filter(pk=1).values("seq", "hash").first() or {"seq": 0, "hash": ""}
    last_seq = expected_seq - 1
    if head["seq"] != last_seq or (last_seq and head["hash"] != expected_prev):
        if head["seq"] > last_seq:
            return checked, ChainBreak(
                last_seq + 1, f"entries #{last_seq + 1} to #{head['seq']} are missing"
            )
        return checked, ChainBreak(last_seq, "it does not match the recorded head of the log")
    return checked, None
