"""Permissions of the knowledge base. Who may see, change or moderate a record is decided in
`querysets.record_condition`; the rules below test that very condition on one record. Who may
contribute is a question of belonging to an organisation of the registry (or running or
moderating a process)."""

from typing import Any

from core.permissions import register
from core.roles import is_platform_secretariat, is_process_staff
from stakeholders.selectors import organisations_of

from .querysets import allows, moderates, runs


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _record_of(obj: Any) -> Any:
    """A record, or the record of a version."""
    from .models import RecordVersion

    return obj.record if isinstance(obj, RecordVersion) else obj


def _view(user: Any, record: Any) -> bool:
    return allows(user, "view", _record_of(record))


def _change(user: Any, record: Any) -> bool:
    return allows(user, "change", _record_of(record))


def moderates_any(user: Any) -> bool:
    ids = moderates(user)
    return ids is None or bool(ids)


def _moderate(user: Any, record: Any) -> bool:
    """On a record: one may moderate it; with none: one moderates some process's records."""
    if record is None:
        return _signed_in(user) and moderates_any(user)
    return allows(user, "moderate", _record_of(record))


def may_contribute(user: Any) -> bool:
    if not _signed_in(user):
        return False
    ids = runs(user)
    return moderates_any(user) or ids is None or bool(ids) or organisations_of(user).exists()


def _contribute(user: Any, obj: Any = None) -> bool:
    return may_contribute(user)


def publishes_at_once(user: Any, process: Any) -> bool:
    """The secretariat's records skip moderation: the process's secretariat for a record of that
    process, the platform's for any record."""
    if not _signed_in(user):
        return False
    if process is None:
        return is_platform_secretariat(user)
    return is_process_staff(user, process)


VIEW = register(
    "knowledge.view",
    _view,
    "Read a knowledge record (published ones; one's own; all for its moderators).",
)
CONTRIBUTE = register(
    "knowledge.contribute",
    _contribute,
    "Contribute a record of practice (people of an organisation, the secretariat, moderators).",
)
CHANGE = register(
    "knowledge.change",
    _change,
    "Propose a change to a record (its contributor), or make one (its moderators).",
)
MODERATE = register(
    "knowledge.moderate",
    _moderate,
    "Publish, refuse or withdraw records of the processes one moderates.",
)
