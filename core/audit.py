"""The hash-chained audit log: `record` appends an entry, `find_first_broken` checks the chain.

Each entry's hash covers the one before it; the head row names the newest entry and is sealed
with AUDIT_KEY, so that entries removed from the end are detected too. Someone with the database
alone can still put back an older sealed head after cutting the log back to it: anchors
(`current_anchor`), published outside the database and checked by `verify_audit --expect`,
detect that.
"""

import hashlib
import hmac
import json
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Model, Subquery
from django.utils import timezone
from django.utils.translation import gettext

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
    if entry.personal_digest:
        # Only entries with personal values carry it, so older entries hash as they always did.
        payload["personal_digest"] = entry.personal_digest
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(settings.AUDIT_KEY.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def personal_digest(personal: dict[str, Any]) -> str:
    """A keyed hash of an entry's personal values (with their nonce), or "" when there are none.
    The nonce keeps a short value (a token's name) from being guessed from the digest once the
    values are gone, even by a holder of AUDIT_KEY."""
    if not personal:
        return ""
    canonical = json.dumps(personal, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    message = f"consulta.audit.personal:{canonical}"
    return hmac.new(settings.AUDIT_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def _with_nonce(personal: dict[str, Any] | None) -> dict[str, Any]:
    values = _normalise(personal)
    return {**values, "nonce": secrets.token_hex(16)} if values else {}


def head_seal(seq: int, last_hash: str) -> str:
    """The head's seal: only a holder of AUDIT_KEY (kept outside the database) can make one."""
    message = f"consulta.audit.head:{seq}:{last_hash}"
    return hmac.new(settings.AUDIT_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def _sealed(head: Mapping[str, Any]) -> bool:
    return hmac.compare_digest(head["seal"] or "", head_seal(head["seq"], head["hash"]))


def _lock_chain() -> None:
    # SQLite runs write transactions one at a time (IMMEDIATE mode); PostgreSQL needs a lock so
    # two writers never take the same predecessor.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _tip() -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The head row and the newest entry, read in one query while the head exists."""
    newest = AuditEntry.objects.order_by("-seq")
    head = (
        AuditHead.objects.filter(pk=1)
        .annotate(
            last_seq=Subquery(newest.values("seq")[:1]),
            last_hash=Subquery(newest.values("hash")[:1]),
        )
        .values("seq", "hash", "seal", "last_seq", "last_hash")
        .first()
    )
    if head is None:
        return None, newest.values("seq", "hash").first()
    has_entries = head["last_seq"] is not None
    last = {"seq": head["last_seq"], "hash": head["last_hash"]} if has_entries else None
    return head, last


def _vouches_for(head: dict[str, Any] | None, last: dict[str, Any] | None) -> bool:
    """True if the head is sealed and names the newest entry: only then is it sealed again."""
    if head is None or not _sealed(head):
        return False
    newest = (last["seq"], last["hash"]) if last else (0, GENESIS_HASH)
    return (head["seq"], head["hash"]) == newest


def record(
    action: str,
    *,
    actor: Any,
    obj: Model | None = None,
    process: Process | None = None,
    data: dict[str, Any] | None = None,
    personal: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log, chained to the last one.

    `data` is kept for good; `personal` holds values about a person that their erasure removes
    (see AuditEntry.personal)."""
    with transaction.atomic():
        _lock_chain()
        head, last = _tip()
        # Numbered past whatever the head remembers, so entries removed from the end stay a gap.
        seq = max(last["seq"] if last else 0, head["seq"] if head else 0) + 1
        entry = AuditEntry(
            seq=seq,
            created_at=timezone.now(),
            actor_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            # Never str(obj): for a person or a registration that is a name. Pages name the
            # object at display time, through `label_entries`, for what the viewer may read.
            object_repr=f"{obj._meta.label_lower}#{obj.pk}" if obj is not None else "",
            process=process if process is not None else (obj if isinstance(obj, Process) else None),
            data=_normalise(data),
            personal=_with_nonce(personal),
            prev_hash=last["hash"] if last else GENESIS_HASH,
        )
        entry.personal_digest = personal_digest(entry.personal)
        entry.hash = compute_hash(entry)
        entry.save()
        # A head that was missing or tampered with is not sealed again: the break stays visible.
        seal = head_seal(seq, entry.hash) if _vouches_for(head, last) else ""
        if head is not None:
            AuditHead.objects.filter(pk=1).update(seq=seq, hash=entry.hash, seal=seal)
        else:
            AuditHead.objects.create(pk=1, seq=seq, hash=entry.hash, seal=seal)
        return entry


def ensure_head(using: str = "default") -> None:
    """Start an empty log with a sealed head (after `flush`, which empties every table)."""
    if not AuditHead.objects.using(using).exists() and not AuditEntry.objects.using(using).exists():
        AuditHead.objects.using(using).create(
            pk=1, seq=0, hash=GENESIS_HASH, seal=head_seal(0, GENESIS_HASH)
        )


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def _entries() -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)


def _walk() -> tuple[int, int, str, ChainBreak | None]:
    """Check every entry and its link; return how many were read, the last seq and hash."""
    expected_seq, expected_prev, checked = 1, GENESIS_HASH, 0
    for entry in _entries():
        checked += 1
        if entry.seq != expected_seq:
            return checked, 0, "", ChainBreak(expected_seq, f"entry #{expected_seq} is missing")
        if entry.prev_hash != expected_prev:
            broken = ChainBreak(entry.seq, "its link to the previous entry does not match")
            return checked, 0, "", broken
        if compute_hash(entry) != entry.hash:
            return checked, 0, "", ChainBreak(entry.seq, "its content does not match its hash")
        if entry.personal and personal_digest(entry.personal) != entry.personal_digest:
            # Blank values are an erasure; values that are there must be the ones hashed.
            broken = ChainBreak(entry.seq, "its personal values do not match their digest")
            return checked, 0, "", broken
        expected_seq, expected_prev = entry.seq + 1, entry.hash
    return checked, expected_seq - 1, expected_prev, None


def _check_head(last_seq: int, last_hash: str) -> ChainBreak | None:
    """The head must exist, carry a valid seal and name the newest entry."""
    head = AuditHead.objects.filter(pk=1).values("seq", "hash", "seal").first()
    after = last_seq + 1
    if head is None:
        return ChainBreak(
            after, f"the head of the log is missing, so entries from #{after} on may be gone"
        )
    if not _sealed(head):
        return ChainBreak(
            after,
            f"the head of the log is not validly sealed, so entries from #{after} on may be gone",
        )
    if head["seq"] > last_seq:
        return ChainBreak(after, f"entries #{after} to #{head['seq']} are missing")
    if (head["seq"], head["hash"]) != (last_seq, last_hash):
        return ChainBreak(last_seq, "it does not match the recorded head of the log")
    return None


def find_first_broken() -> tuple[int, ChainBreak | None]:
    """Walk the chain from the start; return how many entries were checked and the first break.

    Intact means: entries #1 to #N, each once, each linked to the one before and matching its
    hash, and a head sealed with AUDIT_KEY that names entry #N.
    """
    checked, last_seq, last_hash, broken = _walk()
    return checked, broken or _check_head(last_seq, last_hash)


# Anchors: the head's sequence and hash, published outside the database ------------------------


@dataclass(frozen=True)
class Anchor:
    seq: int | None
    hash: str

    def __str__(self) -> str:
        return self.hash if self.seq is None else f"{self.seq}:{self.hash}"


_ANCHOR = re.compile(r"(?:(?P<seq>\d+):)?(?P<hash>[0-9a-f]{64})")


def parse_anchor(text: str) -> Anchor:
    """`HASH` or `SEQ:HASH`, as `current_anchor` prints it; ValueError otherwise."""
    match = _ANCHOR.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(text)
    seq = match["seq"]
    return Anchor(int(seq) if seq is not None else None, match["hash"])


def current_anchor() -> Anchor:
    """The newest entry's sequence and hash: what an operator publishes after a verification."""
    head = AuditHead.objects.filter(pk=1).values("seq", "hash").first()
    return Anchor(head["seq"], head["hash"]) if head else Anchor(0, GENESIS_HASH)


def find_anchor(anchor: Anchor) -> Anchor | None:
    """The entry a published anchor names, if the log still holds it with that hash."""
    if anchor.seq == 0:
        return anchor if anchor.hash == GENESIS_HASH else None
    entries = AuditEntry.objects.filter(hash=anchor.hash)
    if anchor.seq is not None:
        entries = entries.filter(seq=anchor.seq)
    seq = entries.values_list("seq", flat=True).first()
    return Anchor(seq, anchor.hash) if seq is not None else None


# Display: what the audit page calls each object and actor ---------------------------------------

# Given the ids of one object type and the viewer, the labels the viewer may read (ids left out
# get the neutral "<verbose name> #<id>").
LabelHook = Callable[[list[str], Any], dict[str, str]]
_label_hooks: dict[str, LabelHook] = {}


def register_label(object_type: str, hook: LabelHook) -> None:
    """Let an app name its objects on the audit page (from its AppConfig.ready)."""
    if _label_hooks.get(object_type, hook) is not hook:
        raise ImproperlyConfigured(f"Audit labels for {object_type!r} are registered twice.")
    _label_hooks[object_type] = hook


def neutral_label(object_type: str, object_id: str) -> str:
    try:
        name = str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        name = object_type
    return f"{name} #{object_id}"


def _labels(wanted: dict[str, set[str]], viewer: Any) -> dict[str, dict[str, str]]:
    return {
        object_type: _label_hooks[object_type](sorted(ids), viewer)
        for object_type, ids in wanted.items()
        if object_type in _label_hooks
    }


def label_entries(entries: list[AuditEntry], viewer: Any) -> list[AuditEntry]:
    """Set `object_label`, `actor_label` and `details` on each entry: one query per type."""
    user_type = get_user_model()._meta.label_lower
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.object_type:
            wanted[entry.object_type].add(entry.object_id)
        if entry.actor_id:
            wanted[user_type].add(str(entry.actor_id))
    labels = _labels(wanted, viewer)

    def label(object_type: str, object_id: str) -> str:
        found = labels.get(object_type, {}).get(object_id)
        return found or neutral_label(object_type, object_id)

    for entry in entries:
        entry.object_label = label(entry.object_type, entry.object_id) if entry.object_type else ""
        entry.actor_label = label(user_type, str(entry.actor_id)) if entry.actor_id else ""
        personal = {k: v for k, v in entry.personal.items() if k != "nonce"}
        entry.details = data_pairs({**entry.data, **personal})
    return entries


def data_pairs(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """An entry's data as (field, value) pairs to read; nested fields get dotted names."""
    pairs: list[tuple[str, str]] = []
    for key, value in (data or {}).items() if isinstance(data, dict) else []:
        if isinstance(value, dict) and value:
            pairs.extend(data_pairs(value, f"{prefix}{key}."))
        elif prefix == "changes." and isinstance(value, list) and len(value) == 2:
            # The services' diffs: {"changes": {field: [before, after]}}.
            pairs.append((f"{prefix}{key}", f"{_plain(value[0])} → {_plain(value[1])}"))
        else:
            pairs.append((f"{prefix}{key}", _plain(value)))
    return pairs


def _plain(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


# Personal data: what the log says about a person ------------------------------------------------


def entries_about(user: Any) -> dict[str, Any]:
    """The entries the person made or that are about their account, for their own download.
    Others who acted on their account are not named: the entry says only that it was not them."""
    from django.db.models import Q

    user_type = get_user_model()._meta.label_lower
    about = Q(actor_id=user.pk) | Q(object_type=user_type, object_id=str(user.pk))
    entries = AuditEntry.objects.filter(about).select_related("process").order_by("seq")
    return {
        "entries": [
            {
                "seq": e.seq,
                "time": e.created_at.isoformat(),
                "action": e.action,
                "by_you": e.actor_id == user.pk,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "process": e.process.slug if e.process else None,
                "data": e.data,
                "personal": {k: v for k, v in e.personal.items() if k != "nonce"},
            }
            for e in entries.iterator(chunk_size=2000)
        ]
    }


def forget_person(user_id: int) -> int:
    """Blank the personal values of the entries a person made or that are about their account
    (their erasure); returns how many entries had any. Everything else in the entries stays."""
    from django.db.models import Q

    user_type = get_user_model()._meta.label_lower
    about = Q(actor_id=user_id) | Q(object_type=user_type, object_id=str(user_id))
    return AuditEntry.objects.filter(about).forget_personal()
