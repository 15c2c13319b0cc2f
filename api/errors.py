"""One error shape for every failure: {"detail": "...", "errors": [{"field", "message"}]}."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from core.permissions import public_view

logger = logging.getLogger(__name__)


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


class ApiError(Exception):
    """Raised in an endpoint to answer with a status and the common error shape."""

    def __init__(
        self, status: int, detail: str, errors: list[dict[str, str]] | None = None
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or []


def responses(success: dict[int, Any], *codes: int) -> dict[int, Any]:
    """An endpoint's responses: its success schema, and the error shape for each error status."""
    return {**success, **{code: ErrorOut for code in codes}}


def error_body(detail: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"detail": detail, "errors": errors or []}


def _field_of(loc: Any) -> str:
    # Pydantic locations start with where the value came from ("query", "body", "path").
    parts = [str(p) for p in (loc or [])]
    if parts and parts[0] in {"query", "path", "body", "header", "cookie", "form", "file"}:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "data", "filters"} and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


def _validation(request: HttpRequest, exc: ValidationError, api: NinjaAPI) -> HttpResponse:
    errors = [
        {"field": _field_of(e.get("loc")), "message": str(e.get("msg", "Invalid value."))}
        for e in exc.errors
    ]
    return api.create_response(
        request, error_body(_("The request is not valid."), errors), status=422
    )


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's default handlers so that every failure has the same shape."""

    @api.exception_handler(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return _validation(request, exc, api)

    @api.exception_handler(ApiError)
    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return api.create_response(request, error_body(exc.detail, exc.errors), status=exc.status)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = api.create_response(
            request,
            error_body(
                _(
                    "Authentication required: send a valid personal token as "
                    "'Authorization: Bearer <token>'."
                )
            ),
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="consulta"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, error_body(exc.message), status=exc.status_code)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, error_body(_("You do not have permission to do this.")), status=403
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body(_("Not found.")), status=404)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unhandled API error on %s %s", request.method, request.path)
        return api.create_response(
            request,
            error_body(_("Something went wrong on our side; it has been logged.")),
            status=500,
        )


@public_view
def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Paths under /api/v1/ that match no endpoint get the API's error shape, not an HTML page."""
    return JsonResponse(error_body(_("No such endpoint.")), status=404)
