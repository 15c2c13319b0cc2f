"""One error shape for every failure: {"detail": "...", "errors": [{"field", "message"}]}."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from core import unavailable
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


def form_error(form: Any) -> "ApiError":
    """A form's errors in the one shape: 422, a field per message (`""` for the whole)."""
    errors = [
        {"field": "" if field == "__all__" else field, "message": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]
    return ApiError(422, _("The request is not valid."), errors)


def responses(success: dict[int, Any], *codes: int) -> dict[int, Any]:
    """An endpoint's responses: its success schema, and the error shape for each error status."""
    return {**success, **{code: ErrorOut for code in codes}}


# Answers any operation may give, whatever its own declarations say: the API's edge refuses a
# NUL or an unreadable body (400), a token that is sent must be valid even on public endpoints
# (401), parameters or a body that do not fit are refused before the endpoint runs (422), and
# while the database cannot be reached the request is to be sent again a little later (503).
COMMON_ERRORS = {
    400: "Bad Request: a NUL character, or a body that cannot be read.",
    401: "Unauthorized: the token sent is not valid.",
    422: "Unprocessable Content: a parameter or the body does not fit the schema.",
    503: "Service Unavailable: the database cannot be reached for now; send the request again "
    "after the Retry-After seconds.",
}
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _common_errors_of(operation: dict[str, Any]) -> list[int]:
    codes = [400]
    if operation.get("security"):
        codes.append(401)
    if operation.get("parameters") or operation.get("requestBody"):
        codes.append(422)
    codes.append(503)
    return codes


def document_common_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to every operation of an OpenAPI document the errors any request may meet."""
    schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
        "ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    )
    schemas = schema["components"]["schemas"]
    schemas.setdefault("FieldError", FieldError.model_json_schema())
    schemas["ErrorOut"].pop("$defs", None)
    for item in schema.get("paths", {}).values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            answers = operation.setdefault("responses", {})
            for code in _common_errors_of(operation):
                # ninja keys responses by number; the JSON document by string.
                if code not in answers and str(code) not in answers:
                    answers[code] = {
                        "description": COMMON_ERRORS[code],
                        "content": {"application/json": {"schema": ERROR_REF}},
                    }
    return schema


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


def _unavailable(request: HttpRequest, exc: Exception, api: NinjaAPI) -> HttpResponse:
    """The database is down, restarting or refusing connections (or, on SQLite, locked): a 503
    asks the client to send the request again shortly, where a 500 would blame the request."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    logger.warning("database unavailable on %s %s: %s", request.method, request.path, reason)
    response = api.create_response(
        request,
        error_body(unavailable.message()),
        status=503,
    )
    response["Retry-After"] = str(unavailable.RETRY_AFTER_S)
    return response


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

    @api.exception_handler(OperationalError)
    @api.exception_handler(InterfaceError)
    def database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _unavailable(request, exc, api)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unhandled API error on %s %s", request.method, request.path)
        return api.create_response(
            request,
            error_body(_("Something went wrong on our side; it has been logged.")),
            status=500,
        )


@public_view
@csrf_exempt  # like the API's own views: a POST to a wrong path is a 404, not an HTML 403
def api_not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Paths under /api/v1/ that match no endpoint get the API's error shape, not an HTML page."""
    return JsonResponse(error_body(_("No such endpoint.")), status=404)
