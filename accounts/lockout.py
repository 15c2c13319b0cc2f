"""django-axes hooks: which login is being tried, and the page shown when it is locked."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or request.POST.get("login", "")
    return str(value).strip().lower()


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    minutes = int(float(settings.AXES_COOLOFF_TIME) * 60)
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
