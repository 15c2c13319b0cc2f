"""A visibility condition (a Q) tested on one object in memory.

Each app writes who may see what once, as the Q that its querysets' `restrict(user, action)`
filters by; its permissions ask the same Q of one object already loaded, without a query, so
the list and the detail cannot disagree. Only the lookups such conditions use are known here; any
other fails loudly rather than being answered wrongly.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

_LOOKUPS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": lambda value, wanted: value == wanted,
    "in": lambda value, wanted: value in wanted,
    "isnull": lambda value, wanted: (value is None) == wanted,
}


def matches(node: Q, obj: Any) -> bool:
    """Whether the object meets the condition, tested on its attributes (no query)."""
    held: Iterable[bool] = (_holds(child, obj) for child in node.children)
    result = all(held) if node.connector == Q.AND else any(held)
    return result != node.negated


def _holds(child: Any, obj: Any) -> bool:
    if isinstance(child, Q):
        return matches(child, obj)
    lookup, wanted = child
    *path, last = lookup.split("__")
    if last not in _LOOKUPS:
        path, last = [*path, last], "exact"
    value = obj
    for name in path:
        try:
            value = getattr(value, name)
        except ObjectDoesNotExist:  # a reverse one-to-one that was never made
            value = None
        if value is None:
            break
    if callable(value):  # a lookup not known here (`__startswith`…)
        raise ValueError(f"{lookup!r} cannot be tested in memory.")
    return bool(_LOOKUPS[last](value, wanted))
