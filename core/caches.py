"""Caches kept in a process's memory, and memos kept on a user object for one request.

Each module that keeps such a cache registers how to empty it, so that the test suite (and
anything else that needs a clean process, such as a command that switches databases) empties
them all in one call rather than knowing every cache by name.
"""

from collections.abc import Callable
from typing import Any

_clearers: dict[str, Callable[[], Any]] = {}
_USER_MEMOS = "_consulta_memos"


def register_cache(name: str, clear: Callable[[], Any]) -> None:
    """Declare a process-local cache and the function that empties it."""
    _clearers[name] = clear


def clear_process_caches() -> None:
    for clear in _clearers.values():
        clear()


def user_memo(user: Any, key: Any, compute: Callable[[], Any]) -> Any:
    """A value about this user, worked out once per user object (that is, once per request).

    Services that change what a memo says (a role granted, a membership changed) call
    `forget_user_memos` on the user they were given."""
    memos = user.__dict__.setdefault(_USER_MEMOS, {})
    if key not in memos:
        memos[key] = compute()
    return memos[key]


def forget_user_memos(user: Any) -> None:
    if user is not None:
        user.__dict__.pop(_USER_MEMOS, None)
