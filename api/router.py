"""The API at /api/v1/: its description, authentication, documentation and error format.

It knows no domain: each app keeps its endpoints in <app>/api.py, and `config/api.py` mounts
them."""

from ninja import NinjaAPI

from .auth import optional_auth
from .docs import ReferenceDocs
from .errors import install_error_handlers

api = NinjaAPI(
    title="Consulta API",
    version="1",
    description=(
        "Multi-stakeholder engagement for intergovernmental processes. Authenticate with a "
        "personal token from your profile page: `Authorization: Bearer <token>`. Every error has "
        'the shape `{"detail": "...", "errors": [{"field": "...", "message": "..."}]}`. '
        "Lists are paginated with `page` and `page_size`."
    ),
    auth=optional_auth,
    urls_namespace="api",
    docs=ReferenceDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
