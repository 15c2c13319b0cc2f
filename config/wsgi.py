"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

# Load the URLconf now, so a view that names an unknown permission stops the server at start-up
# rather than on its first request.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018
