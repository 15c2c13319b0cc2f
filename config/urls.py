from importlib import util

from django.urls import include, path, re_path

from api.errors import api_not_found
from core.views import healthz, set_language

from .api import api
from .apps import URL_ORDER

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("accounts/", include("allauth.urls")),
    *[path("", include(f"{app}.urls")) for app in URL_ORDER if util.find_spec(f"{app}.urls")],
]

handler500 = "core.views.server_error"
