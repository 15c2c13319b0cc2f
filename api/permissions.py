"""Declaring the permission an endpoint needs, with the same registry as the pages."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from ninja.errors import AuthenticationError

from core.permissions import ensure_known, has_perm


def requires(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Like core.permissions.permission_required, for endpoints: 401 if anonymous, else 403.

    Object-level checks happen in the endpoint, after the object is found through its scope.
    """
    ensure_known(name)

    def decorator(endpoint: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(endpoint)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            if not has_perm(request.user, name):
                if not request.user.is_authenticated:
                    raise AuthenticationError()
                raise PermissionDenied(name)
            return endpoint(request, *args, **kwargs)

        wrapped.required_permission = name  # type: ignore[attr-defined]
        return wrapped

    return decorator
