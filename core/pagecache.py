"""A cache of public pages as anonymous visitors see them.

Keys carry the interface language, the full path and a version of the public content. Each
worker reads that version from the database at most once every VERSION_TTL seconds, and at once
after its own writes (`invalidate`), so a change shows in the worker that made it immediately and
in every other worker within VERSION_TTL seconds, whatever the cache backend. Apps whose data
appears on public pages add a version source with `add_version_source`.
"""

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

TIMEOUT = 300
VERSION_TTL = 2.0
_version_sources: list[Callable[[], str]] = []
_memo: dict[str, Any] = {"until": 0.0, "version": ""}


def add_version_source(source: Callable[[], str]) -> None:
    """Register a function whose result changes whenever public content it covers changes."""
    if source not in _version_sources:
        _version_sources.append(source)


def invalidate() -> None:
    """Forget the remembered version, so the next public page reads fresh content."""
    _memo["until"] = 0.0


def _content_version() -> str:
    now = time.monotonic()
    if now >= _memo["until"]:
        _memo["version"] = "|".join(source() for source in _version_sources)
        _memo["until"] = now + VERSION_TTL
    return str(_memo["version"])


def _cacheable(request: HttpRequest) -> bool:
    if request.method != "GET" or request.headers.get("HX-Request"):
        return False
    # A session or pending messages make the page personal.
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _key(request: HttpRequest) -> str:
    raw = f"{getattr(request, 'LANGUAGE_CODE', '')}|{request.get_full_path()}|{_content_version()}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve anonymous visitors a cached copy; never cache errors or responses setting cookies."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, response, TIMEOUT)
        return response

    return wrapped
