"""The API at /api/v1/: its description, authentication, documentation and error format.

It knows no domain: each app keeps its endpoints in <app>/api.py, and `config/api.py` mounts
them."""

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from .auth import optional_auth
from .docs import ReferenceDocs
from .errors import document_common_errors, install_error_handlers


class ConsultaAPI(NinjaAPI):
    """ninja's API, whose OpenAPI document also lists the errors every operation may give."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_common_errors(schema)
        return schema


api = ConsultaAPI(
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
