"""What every page of consultations starts from: the object, found through its scope, and the
permissions the page declares."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from core.models import Process
from core.permissions import ensure_known, has_perm
from core.selectors import process_for

from .. import selectors
from ..models import Consultation
from ..xlsform import FormDefinition


def the_process(request: HttpRequest, slug: str, **kwargs: Any) -> Process:
    return process_for(request.user, slug)


def the_consultation(request: HttpRequest, slug: str, **kwargs: Any) -> Consultation:
    return selectors.consultation_for(request.user, slug)


def post_requires(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the permission a page's POST needs on its consultation, beside the one
    `permission_required` (outside this decorator) declares for the page itself. Anonymous
    visitors are sent to sign in; unknown names fail at import time."""
    ensure_known(name)

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: HttpRequest, consultation: Any, *args: Any, **kwargs: Any) -> Any:
            if request.method == "POST" and not has_perm(request.user, name, consultation):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied(name)
            return view(request, consultation, *args, **kwargs)

        wrapped.post_permission = name  # type: ignore[attr-defined]
        return wrapped

    return decorator


def language_for(request: HttpRequest, form: FormDefinition) -> str:
    """The form's language the visitor asked for (by the form, the address or the interface)."""
    asked = request.POST.get("_language") or request.GET.get("lang") or request.LANGUAGE_CODE
    asked = (asked or "").lower()
    for code in (asked, asked.split("-")[0]):
        if code in form.languages:
            return code
    return form.default_language
