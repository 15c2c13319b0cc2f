"""The API's edges: input no endpoint can store is refused, and answers that Django or ninja
make outside the API's handlers get its error shape."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .errors import error_body


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return True
    if request.content_type == "application/json":
        return b"\\u0000" in request.body or b"\x00" in request.body
    return False


class ApiErrorShapeMiddleware:
    """Refuses NUL characters; shapes the 405 for a method an endpoint does not take."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and _has_nul(request):
            # PostgreSQL cannot store NUL in text; no caller means to send one.
            return JsonResponse(error_body(_("The request contains a NUL character.")), status=422)
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
