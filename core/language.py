"""Remembering a visitor's interface language (the cookie LocaleMiddleware reads)."""

from django.conf import settings
from django.http import HttpResponseBase


def remember_language(response: HttpResponseBase, code: str) -> bool:
    """Set the language cookie on the response if `code` is an interface language."""
    if code not in dict(settings.LANGUAGES):
        return False
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return True
