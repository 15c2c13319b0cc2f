"""Personal data rights: each app registers, from its AppConfig.ready(), what it holds about a
person (`export`), how it forgets them when they delete their account (`erase`), what would
stop that (`refuse`), and what it removes once a process's retention periods have run out
(`retain`). The core knows no app; accounts' pages and API call the functions below.

- export(user) -> dict: everything the app holds about the person, as plain JSON values.
- erase(user) -> dict[str, int]: removes or unlinks it (inside the erasure's transaction, before
  the account row is deleted); returns what it did, as counts, for the audit entry.
- refuse(user) -> list[str]: reasons, to show the person, why the account cannot go yet.
- retain(process, now) -> int: removes what the process's retention periods say has expired;
  returns how many rows it removed or unlinked.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

Export = Callable[[Any], dict[str, Any]]
Erase = Callable[[Any], dict[str, int]]
Refuse = Callable[[Any], list[str]]
Retain = Callable[[Any, datetime], int]


@dataclass(frozen=True)
class Provider:
    name: str
    title: Any  # a lazily translated string: the heading of its part of the download page
    labels: dict[str, Any]  # export key -> lazily translated heading
    export: Export | None
    erase: Erase | None
    refuse: Refuse | None
    retain: Retain | None
    order: int


_providers: list[Provider] = []


def register_personal_data(
    name: str,
    *,
    title: Any = "",
    labels: dict[str, Any] | None = None,
    export: Export | None = None,
    erase: Erase | None = None,
    refuse: Refuse | None = None,
    retain: Retain | None = None,
    order: int = 100,
) -> None:
    """Declare an app's personal data (from its AppConfig.ready); registering again is a no-op."""
    if all(provider.name != name for provider in _providers):
        provider = Provider(name, title or name, labels or {}, export, erase, refuse, retain, order)
        _providers.append(provider)


def providers() -> list[Provider]:
    return sorted(_providers, key=lambda p: (p.order, p.name))


def export_all(user: Any) -> dict[str, Any]:
    """Everything each app holds about the person, by app name."""
    return {p.name: p.export(user) for p in providers() if p.export is not None}


def refusals(user: Any) -> list[str]:
    """Why the person's account cannot be deleted now (empty: it can)."""
    return [reason for p in providers() if p.refuse is not None for reason in p.refuse(user)]


def erase_all(user: Any) -> dict[str, dict[str, int]]:
    """Have each app forget the person; the caller owns the transaction."""
    return {p.name: p.erase(user) for p in providers() if p.erase is not None}


def retain_all(process: Any, now: datetime) -> dict[str, int]:
    """Apply the process's retention periods in each app; what each removed, if anything."""
    done = {p.name: p.retain(process, now) for p in providers() if p.retain is not None}
    return {name: count for name, count in done.items() if count}
