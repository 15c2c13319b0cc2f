"""A cache of public pages as anonymous visitors see them.

Keys carry the interface language, the path, the query parameters the page reads, and the
version of the public content: a counter in the database that every write to a watched model
raises in its own transaction (`watch`). Each worker reads that counter at most once every
VERSION_TTL seconds, and at once after its own writes, so a change shows in the worker that
made it immediately and in every other worker within VERSION_TTL seconds, whatever the cache
backend. Apps whose data appears on public pages `watch` their models.
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse

from .caches import register_cache

TIMEOUT = 300
VERSION_TTL = 2.0
# Saves that touch only these fields do not change what public pages show.
_PRIVATE_FIELDS = {"last_login", "password", "updated_at"}
_memo: dict[str, Any] = {"until": 0.0, "version": 0}


def invalidate() -> None:
    """Forget the remembered version, so the next public page reads the counter again."""
    _memo["until"] = 0.0


register_cache("core.pagecache", invalidate)


def bump() -> None:
    """Raise the version inside the current transaction (a rollback undoes it too)."""
    from .models import PublicContentVersion

    if not PublicContentVersion.objects.filter(pk=1).update(counter=F("counter") + 1):
        PublicContentVersion.objects.get_or_create(pk=1, defaults={"counter": 1})
    transaction.on_commit(invalidate)


def _changed(sender: Any, update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
    if update_fields and set(update_fields) <= _PRIVATE_FIELDS:
        return
    bump()


def watch(*models: type[Model]) -> None:
    """Raise the version whenever one of these models is saved or deleted."""
    for model in models:
        uid = f"pagecache:{model._meta.label}"
        post_save.connect(_changed, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(_changed, sender=model, weak=False, dispatch_uid=uid + ":delete")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _changed,
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f"{uid}:{field.name}",
            )


def _content_version() -> int:
    from .models import PublicContentVersion

    now = time.monotonic()
    if now >= _memo["until"]:
        row = PublicContentVersion.objects.filter(pk=1).values_list("counter", flat=True).first()
        _memo["version"], _memo["until"] = row or 0, now + VERSION_TTL
    return int(_memo["version"])


def _cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or request.headers.get("HX-Request"):
        return False
    # A session or pending messages make the page personal.
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _key(request: HttpRequest, params: tuple[str, ...]) -> str:
    query = "&".join(f"{p}={v}" for p in params for v in request.GET.getlist(p))
    raw = f"{getattr(request, 'LANGUAGE_CODE', '')}|{request.path}|{query}|{_content_version()}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def cache_public_page(*, params: tuple[str, ...] = ("page",)) -> Callable[..., Any]:
    """Serve anonymous visitors a cached copy. Only the query parameters named in `params` make
    a new copy (others cannot fill the cache); errors and responses that set cookies (such as
    a CSRF token) are never cached."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not _cacheable(request):
                return view(request, *args, **kwargs)
            key = _key(request, params)
            cached = cache.get(key)
            if cached is not None:
                return cached
            response = view(request, *args, **kwargs)
            personal = response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            if response.status_code == 200 and not personal and not response.streaming:
                cache.set(key, response, TIMEOUT)
            return response

        return wrapped

    return decorator
