from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as consulta_urls


def ok(request: HttpRequest) -> HttpResponse:
    """The baseline: the same server and middleware, no work in the view."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok", ok), *consulta_urls]
