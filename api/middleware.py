"""Answers under /api/ that Django or ninja make outside the API's handlers get its error shape."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .errors import error_body


class ApiErrorShapeMiddleware:
    """A 405 for a method an endpoint does not take is otherwise plain text."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
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
