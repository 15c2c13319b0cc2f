"""API authentication: a personal token (Authorization: Bearer), else the browser session."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from accounts.services import authenticate_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenOrSession(HttpBearer):
    """Resolve the caller. A token that is sent must be valid, even on public endpoints.

    With `required=False`, a caller with no credentials goes on as an anonymous user.
    """

    def __init__(self, *, required: bool = True) -> None:
        super().__init__()
        self.required = required

    def __call__(self, request: HttpRequest) -> Any:
        # META rather than request.headers: the latter copies every header on each request.
        scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        # Other schemes (a proxy's Basic auth, say) are not ours to judge: they are ignored.
        if scheme.lower() == "bearer":
            if not token.strip():
                return None
            user = authenticate_token(token.strip())
            if user is not None:
                request.user = user
            return user
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session to look up: an anonymous caller, without loading one.
            if self.required:
                return None
            request.user = AnonymousUser()
            return request.user
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if request.method not in SAFE_METHODS and check_csrf(request) is not None:
                return None
            return user
        return None if self.required else AnonymousUser()

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover
        return authenticate_token(token)


required_auth = TokenOrSession(required=True)
optional_auth = TokenOrSession(required=False)
