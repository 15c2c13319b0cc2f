"""The API: /api/v1/. Each app keeps its endpoints in <app>/api.py and is mounted here."""

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

from accounts.api import router as accounts_router  # noqa: E402
from consultations.api import router as consultations_router  # noqa: E402
from core.api import router as core_router  # noqa: E402
from events.api import router as events_router  # noqa: E402
from stakeholders.api import router as stakeholders_router  # noqa: E402

api.add_router("/", accounts_router)
api.add_router("/", core_router)
api.add_router("/", stakeholders_router)
api.add_router("/", consultations_router)
api.add_router("/", events_router)
