"""The API's edges: input no endpoint can store is refused, and answers that Django or ninja
make outside the API's handlers get its error shape."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _

from .errors import error_body

NUL = "\x00"
ESCAPED_NUL = "\\u0000"  # how JSON writes it; ninja decodes it


def _text_has_nul(text: str) -> bool:
    return NUL in text or ESCAPED_NUL in text


def _fields_have_nul(fields: QueryDict) -> bool:
    # Field values may be read as JSON by ninja (a body parameter next to a file): both count.
    return any(
        _text_has_nul(key) or any(_text_has_nul(value) for value in values)
        for key, values in fields.lists()
    )


def _multipart_has_nul(request: HttpRequest) -> bool | None:
    """The fields of a multipart POST, not its files (Django drops NUL from file names);
    None if it is not multipart after all."""
    try:
        return _fields_have_nul(request.POST)
    except MultiPartParserError:
        return None


def _body_has_nul(request: HttpRequest) -> bool:
    if request.method == "POST" and request.content_type == "multipart/form-data":
        found = _multipart_has_nul(request)
        if found is not None:
            return found
    try:
        body = request.body  # too large a body is refused here (400), as it would be later
    except RawPostDataException:
        return False  # a multipart stream the parser had started on: nothing ninja can read
    # Whatever the Content-Type says, ninja parses a body parameter as JSON from the raw bytes.
    if b"\x00" in body or ESCAPED_NUL.encode() in body:
        return True
    if request.content_type == "application/x-www-form-urlencoded":
        # %00 is a NUL once decoded.
        return _fields_have_nul(QueryDict(body, encoding=request.encoding))
    return False


def _has_nul(request: HttpRequest) -> bool:
    if NUL in request.path:
        return True
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in value for value in values):
            return True
    return _body_has_nul(request)


class ApiErrorShapeMiddleware:
    """Refuses NUL characters wherever ninja reads text (path, query, body, form fields; not
    uploaded files); shapes the 405 for a method an endpoint does not take."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and _has_nul(request):
            # PostgreSQL cannot store NUL in text; no caller means to send one.
            return JsonResponse(error_body(_("The request contains a NUL character.")), status=400)
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code == 405
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            shaped = JsonResponse(
                error_body(
                    _("This endpoint does not accept the %(method)s method.")
                    % {"method": request.method}
                ),
                status=405,
            )
            shaped["Allow"] = response.get("Allow", "")
            return shaped
        return response
