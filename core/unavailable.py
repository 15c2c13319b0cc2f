"""What a client is told while the database cannot be reached (a restart, a failover): shared by
the API's 503 (api/errors.py) and the pages' (core.views.server_error)."""

from django.utils.translation import gettext as _

# Seconds a browser or client is asked to wait before sending the request again.
RETRY_AFTER_S = 1


def message() -> str:
    return _("The service is briefly unavailable; send the request again shortly.")
