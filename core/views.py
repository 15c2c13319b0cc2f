import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from . import audit, selectors, services, unavailable
from . import permissions as perms
from .exceptions import CoreError
from .forms import AuditFilterForm, ProcessForm
from .home import open_now
from .language import remember_language
from .models import Process
from .navigation import process_links
from .pagecache import cache_public_page
from .permissions import has_perm, permission_required, public_view

logger = logging.getLogger(__name__)


def _process(request: HttpRequest, slug: str, **kwargs: Any) -> Process:
    return selectors.process_for(request.user, slug)


@cache_public_page()
@require_GET
@public_view
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: what Consulta is, what is open now, and the processes to follow."""
    processes = selectors.processes_visible_to(request.user)[:6]
    context = {"processes": processes, "open_now": open_now(request.user)}
    return render(request, "core/home.html", context)


@cache_public_page()
@require_GET
@public_view
def process_list(request: HttpRequest) -> HttpResponse:
    """Every process the visitor may see."""
    page = Paginator(selectors.processes_visible_to(request.user), 25).get_page(
        request.GET.get("page")
    )
    can_create = has_perm(request.user, perms.CREATE_PROCESS)
    return render(request, "core/process_list.html", {"page": page, "can_create": can_create})


@cache_public_page()
@permission_required(perms.VIEW_PROCESS, obj=_process)
@require_GET
def process_detail(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """One process: its description, its predecessor and successors."""
    context = {
        "process": process,
        "can_change": has_perm(request.user, perms.CHANGE_PROCESS, process),
        "links": process_links(process),
        **selectors.process_with_relations(process, request.user),
    }
    return render(request, "core/process_detail.html", context)


def _save_process(
    request: HttpRequest, form: ProcessForm, process: Process | None
) -> Process | None:
    try:
        if process is None:
            return services.create_process(actor=request.user, **form.cleaned_data)
        return services.update_process(process, actor=request.user, **form.cleaned_data)
    except CoreError as exc:
        form.add_error("predecessor", str(exc))
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    return None


def _process_form_page(
    request: HttpRequest, form: ProcessForm, process: Process | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "core/process_form.html", {"form": form, "process": process}, status=status
    )


@permission_required(perms.CREATE_PROCESS)
@require_http_methods(["GET", "POST"])
def process_create(request: HttpRequest) -> HttpResponse:
    """The secretariat opens a new process."""
    if request.method == "GET":
        return _process_form_page(request, ProcessForm(user=request.user), None)
    form = ProcessForm(request.POST, user=request.user)
    saved = _save_process(request, form, None) if form.is_valid() else None
    if saved is None:
        return _process_form_page(request, form, None, status=400)
    return redirect("core:process_detail", slug=saved.slug)


@permission_required(perms.CHANGE_PROCESS, obj=_process)
@require_http_methods(["GET", "POST"])
def process_edit(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """The process's secretariat edits its details and status."""
    if request.method == "GET":
        initial = {f: getattr(process, f) for f in services.PROCESS_FIELDS}
        return _process_form_page(
            request, ProcessForm(initial=initial, user=request.user, instance=process), process
        )
    form = ProcessForm(request.POST, user=request.user, instance=process)
    saved = _save_process(request, form, process) if form.is_valid() else None
    if saved is None:
        return _process_form_page(request, form, process, status=400)
    return redirect("core:process_detail", slug=saved.slug)


@permission_required(perms.VIEW_AUDIT_LOG)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log of the processes the viewer runs, with filters."""
    form = AuditFilterForm(request.GET or None, processes=selectors.processes_run_by(request.user))
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "action": data["action"],
            "actor_email": data["actor"] or "",
            "process_slug": data["process"],
            "object_type": data["object_type"],
            "since": data["since"],
            "until": data["until"],
        }
    entries = selectors.audit_entries_for(request.user, **filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    # Names are looked up now, for what this viewer may read: the log itself stores none.
    page.object_list = audit.label_entries(list(page.object_list), request.user)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "actions": selectors.audit_action_names(request.user),
    }
    template = "core/partials/audit_table.html" if request.htmx else "core/audit_log.html"
    status = 200 if form.is_valid() or not form.is_bound else 400
    response = render(request, template, context, status=status)
    # One address serves the page and its fragment: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@never_cache
@require_safe
@public_view
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_GET
@public_view
def set_language(request: HttpRequest) -> HttpResponse:
    """Remember the interface language in a cookie and go back to the page the visitor was on.

    A GET, so that the switcher carries no CSRF token and public pages stay cacheable: changing
    someone's display language is not an action worth forging.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    remember_language(response, request.GET.get("language", ""))
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's last resort for an exception nothing else handled. The database being
    unreachable (a restart, a failover; wherever it was met, a view or a middleware reading the
    session) is a 503 to try again shortly, in the API's error shape under /api/; anything else
    is our bug, a 500. No context processors: the error may have come from them."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.http import JsonResponse
    from django.template import loader

    if not isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return HttpResponse(loader.get_template("500.html").render({}), status=500)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": unavailable.message(), "errors": []}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response["Retry-After"] = str(unavailable.RETRY_AFTER_S)
    return response
