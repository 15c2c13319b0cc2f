"""Who runs which process: the one question the kernel asks about people.

The kernel knows no accounts model. The app that holds roles (accounts) answers through the
functions it registers here at start-up (`AppConfig.ready`); until then asking is an error.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class RoleLookup:
    # Ids of the processes the user is secretariat of; None means every process.
    staff_process_ids: Callable[[Any], Iterable[int] | None]
    is_platform_secretariat: Callable[[Any], bool]
    is_process_staff: Callable[[Any, Any], bool]


_lookup: list[RoleLookup] = []


def register_role_lookup(lookup: RoleLookup) -> None:
    """Called once by the app that keeps roles."""
    _lookup[:] = [lookup]


def _current() -> RoleLookup:
    if not _lookup:
        raise ImproperlyConfigured("No app registered a role lookup (core.roles).")
    return _lookup[0]


def staff_process_ids(user: Any) -> set[int] | None:
    ids = _current().staff_process_ids(user)
    return None if ids is None else set(ids)


def is_platform_secretariat(user: Any) -> bool:
    return _current().is_platform_secretariat(user)


def is_process_staff(user: Any, process: Any) -> bool:
    return _current().is_process_staff(user, process)
