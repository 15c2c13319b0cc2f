"""The permission registry: every permission is a named rule, checked through `has_perm`.

Apps register their permissions in their own permissions.py at start-up. Views and endpoints
name the permission they need; naming one that was never registered stops the server at start-up.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from .exceptions import UnknownPermission
from .roles import is_platform_secretariat, is_process_staff, staff_process_ids

Rule = Callable[[Any, Any], bool]


@dataclass(frozen=True)
class Permission:
    name: str
    rule: Rule
    description: str


_registry: dict[str, Permission] = {}


def register(name: str, rule: Rule, description: str) -> str:
    """Register a permission and return its name, to be kept as a module constant."""
    if name in _registry and _registry[name].rule is not rule:
        raise ImproperlyConfigured(f"Permission {name!r} is registered twice.")
    _registry[name] = Permission(name, rule, description)
    return name


def registered() -> dict[str, Permission]:
    return dict(_registry)


def ensure_known(name: str) -> str:
    """Fail loudly, at import time, when code names a permission that does not exist."""
    if name not in _registry:
        raise ImproperlyConfigured(f"Unknown permission {name!r}: it is not registered.")
    return name


def has_perm(user: Any, name: str, obj: Any = None) -> bool:
    """The one place where permissions are checked."""
    try:
        permission = _registry[name]
    except KeyError:
        raise UnknownPermission(name) from None
    if user is None or (user.is_authenticated and not user.is_active):
        user = _anonymous()
    return permission.rule(user, obj)


def check_perm(user: Any, name: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless the user has the permission (on the object)."""
    if not has_perm(user, name, obj):
        raise PermissionDenied(name)


def permission_required(
    name: str, *, obj: Callable[..., Any] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the permission a view needs; unknown names fail here, at import time.

    With `obj`, the object is looked up first (`obj(request, **url_kwargs)`, which may raise
    Http404) and passed to the view after the request. Anonymous visitors are sent to log in.
    """
    ensure_known(name)

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            target = obj(request, **kwargs) if obj is not None else None
            if not has_perm(request.user, name, target):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied(name)
            if obj is not None:
                return view(request, target, *args, **kwargs)
            return view(request, *args, **kwargs)

        wrapped.required_permission = name  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Declare that a view is open to anyone, on purpose (it still finds its objects through the
    viewer's scope). Every view of ours either declares a permission or says this."""
    view.public = True  # type: ignore[attr-defined]
    return view


def _anonymous() -> Any:
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# The core's own permissions ---------------------------------------------------------------------


def _is_platform_secretariat(user: Any, obj: Any = None) -> bool:
    return is_platform_secretariat(user)


def _is_process_secretariat(user: Any, process: Any) -> bool:
    return process is not None and is_process_staff(user, process)


def _can_view_process(user: Any, process: Any) -> bool:
    from .choices import PUBLIC_PROCESS_STATUSES

    if process is None:
        return False
    return process.status in PUBLIC_PROCESS_STATUSES or _is_process_secretariat(user, process)


def _can_view_audit_log(user: Any, obj: Any = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    ids = staff_process_ids(user)
    return ids is None or bool(ids)


def _signed_in(user: Any, obj: Any = None) -> bool:
    return bool(getattr(user, "is_authenticated", False))


SIGNED_IN = register(
    "core.signed_in",
    _signed_in,
    "Be signed in (views that check finer rules on the objects they find).",
)
CREATE_PROCESS = register("core.create_process", _is_platform_secretariat, "Create a new process.")
CHANGE_PROCESS = register(
    "core.change_process", _is_process_secretariat, "Edit a process's details and status."
)
VIEW_PROCESS = register(
    "core.view_process", _can_view_process, "Read a process (drafts only for its staff)."
)
VIEW_AUDIT_LOG = register(
    "core.view_audit_log", _can_view_audit_log, "Read the audit log of the processes one runs."
)
