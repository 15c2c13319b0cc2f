from django.urls import include, path, re_path

from api.errors import api_not_found
from api.router import api
from core.views import healthz, set_language

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("stakeholders.urls")),
    path("", include("consultations.urls")),
    path("", include("events.urls")),
    path("", include("core.urls")),
]

handler500 = "core.views.server_error"
