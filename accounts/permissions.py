"""Permissions about accounts and roles."""

from typing import Any

from core.permissions import register

from .selectors import is_process_staff


def _is_authenticated(user: Any, obj: Any = None) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _can_manage_roles(user: Any, process: Any) -> bool:
    return process is not None and is_process_staff(user, process)


def _owns_token(user: Any, token: Any) -> bool:
    return (
        token is not None and getattr(user, "is_authenticated", False) and token.user_id == user.pk
    )


MANAGE_OWN_ACCOUNT = register(
    "accounts.manage_own_account", _is_authenticated, "See and edit one's own profile and tokens."
)
MANAGE_PROCESS_ROLES = register(
    "accounts.manage_process_roles", _can_manage_roles, "Grant and revoke roles in a process."
)
REVOKE_TOKEN = register("accounts.revoke_token", _owns_token, "Revoke one of one's own API tokens.")
