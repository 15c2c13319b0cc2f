"""Pages of the knowledge base: search with facets, a record and its versions, contributing and
changing, the moderation queue, one's contributions, and the open-data export."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.pagecache import cache_public_page
from core.permissions import SIGNED_IN, has_perm, permission_required, public_view
from core.selectors import process_for, processes_visible_to
from stakeholders import selectors as registry
from stakeholders.services.documents import safe_filename

from . import permissions as perms
from . import selectors, services
from .choices import FACETS, LICENCE_URLS, Licence, RecordState
from .content import content_of
from .exceptions import InvalidRecord, InvalidSearch, KnowledgeError
from .exports import open_data_response
from .forms import ContributeForm, ModerationForm, RecordForm, SearchForm, WithdrawForm, links_text
from .models import Record, RecordVersion

PAGE_SIZE = 20
FACET_TITLES = {
    "type": gettext_lazy("Type"),
    "region": gettext_lazy("Region"),
    "sector": gettext_lazy("Sector"),
    "area": gettext_lazy("Thematic area"),
}


def the_record(request: HttpRequest, public_id: str, **kwargs: Any) -> Record:
    return selectors.record_for(request.user, public_id)


def the_version(request: HttpRequest, public_id: str, number: int, **kwargs: Any) -> RecordVersion:
    return selectors.version_for(request.user, public_id, number)


def _language(request: HttpRequest) -> str:
    return (getattr(request, "LANGUAGE_CODE", "") or "en").split("-")[0]


# Search ------------------------------------------------------------------------------------------


@public_view
@cache_public_page(params=("page", *SearchForm.base_fields))
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The published records, searched and filtered, with facets and their counts."""
    return _search_page(request, process=None)


@public_view
@require_GET
def process_search(request: HttpRequest, slug: str) -> HttpResponse:
    """The records contributed to one process."""
    return _search_page(request, process=process_for(request.user, slug))


def _search_page(request: HttpRequest, process: Any) -> HttpResponse:
    areas = registry.thematic_areas(active_only=False)
    form = SearchForm(request.GET or None, areas=areas)
    filters = form.filters()
    if process is not None:
        filters["process"] = process.slug
    context: dict[str, Any] = {"form": form, "process": process, "hits": [], "facets": []}
    status = 200 if form.is_valid() or not form.is_bound else 400
    text = form.cleaned_data.get("q", "") if form.is_valid() else ""
    try:
        found = selectors.search(
            request.user, text=text, filters=filters, language=_language(request)
        )
    except InvalidSearch as exc:
        form.add_error("q", str(exc))
        status = 400
    else:
        page = Paginator(found.records, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(
            page=page,
            hits=found.hits(list(page.object_list)),
            facets=_facet_links(request.GET, found.facets()),
            ranked=found.query is not None,
            lower_bound=found.count_is_lower_bound,
        )
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        query=query.urlencode(),
        can_contribute=has_perm(request.user, perms.CONTRIBUTE),
        can_moderate=has_perm(request.user, perms.MODERATE),
    )
    template = "knowledge/partials/results.html" if request.htmx else "knowledge/search.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _facet_links(params: QueryDict, facets: dict[str, Any]) -> list[dict[str, Any]]:
    """Each facet with its values and the address that selects (or clears) each one."""
    out = []
    for name in FACETS:
        values = []
        for value in facets[name]:
            query = params.copy()
            query.pop("page", None)
            if value.selected:
                query.pop(name, None)
            else:
                query[name] = value.value
            values.append({"facet": value, "query": query.urlencode()})
        out.append({"name": name, "title": FACET_TITLES[name], "values": values})
    return out


@public_view
@require_GET
def open_data(request: HttpRequest, fmt: str) -> HttpResponse:
    """The whole base, as CSV or JSON, under its licence."""
    if fmt not in ("csv", "json"):
        raise Http404
    return open_data_response(fmt)


# A record ----------------------------------------------------------------------------------------


@permission_required(perms.VIEW, obj=the_record)
@require_GET
def record_detail(request: HttpRequest, record: Record, public_id: str) -> HttpResponse:
    """A record: what it is, who took part, where and when, its evidence and licence."""
    viewer = request.user
    can_moderate = has_perm(viewer, perms.MODERATE, record)
    is_contributor = viewer.is_authenticated and record.contributed_by_id == viewer.pk
    pending = selectors.pending_version(record) if can_moderate or is_contributor else None
    latest = record.versions.order_by("-number").first() if can_moderate or is_contributor else None
    context = {
        "record": record,
        "actors": selectors.actors_of(record, viewer),
        "countries": selectors.countries_of(record),
        "regions": selectors.regions_of(record),
        "areas": list(record.thematic_areas.all()),
        "articles": selectors.articles_of(record, viewer),
        "documents": selectors.documents_of(
            record, viewer, pending if record.state != "published" else None
        ),
        "licence_url": LICENCE_URLS.get(Licence(record.licence), ""),
        "pending": pending,
        "latest": latest,
        "is_contributor": is_contributor,
        "can_change": has_perm(viewer, perms.CHANGE, record),
        "can_moderate": can_moderate,
        "withdraw_form": WithdrawForm()
        if can_moderate and record.state == RecordState.PUBLISHED
        else None,
        "contributor": _contributor(record, viewer) if can_moderate else "",
        "organisation_name": registry_name(record, viewer),
    }
    return render(request, "knowledge/detail.html", context)


def registry_name(record: Record, viewer: Any) -> str:
    from stakeholders.protection import display_name

    return display_name(record.organisation, viewer) if record.organisation else ""


def _contributor(record: Record, viewer: Any) -> str:
    from stakeholders.protection import person_label

    return person_label(record.contributed_by, record.organisation, viewer)


@permission_required(perms.VIEW, obj=the_record)
@require_GET
def record_versions(request: HttpRequest, record: Record, public_id: str) -> HttpResponse:
    """Every version of the record the viewer may read, with what each changed."""
    versions = list(selectors.versions_of(record, request.user))
    rows = [
        {"version": v, "changed": [selectors.field_label(f) for f in v.changed]} for v in versions
    ]
    return render(
        request,
        "knowledge/versions.html",
        {"record": record, "rows": rows, "private": has_perm(request.user, perms.CHANGE, record)},
    )


@permission_required(perms.VIEW, obj=the_record)
@require_GET
def document(
    request: HttpRequest, record: Record, public_id: str, document_id: str
) -> FileResponse:
    """A PDF of the record's evidence, always downloaded as a PDF under a safe name."""
    found = selectors.document_for(record, request.user, document_id)
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=safe_filename(found.original_name),
        content_type="application/pdf",
    )


# Contributing and changing -----------------------------------------------------------------------


def _record_form(request: HttpRequest, record: Record | None, process: Any) -> RecordForm:
    viewer = request.user
    kwargs: dict[str, Any] = {
        "viewer": viewer,
        "areas": registry.areas_offered_to(None).filter(is_active=True)
        if record is None
        else _areas_for(record),
        "articles": selectors.article_choices(viewer, process),
    }
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    if record is None:
        return ContributeForm(
            data,
            files,
            processes=processes_visible_to(viewer),
            organisations=registry.organisations_of(viewer),
            initial={
                "language": _language(request)
                if _language(request) in ("ar", "zh", "en", "fr", "ru", "es")
                else "en"
            },
            **kwargs,
        )
    content = content_of(record)
    initial = {
        **content,
        "links": links_text(content["links"]),
        "articles": [str(a) for a in content["articles"]],
    }
    return RecordForm(
        data, files, initial=initial, documents=record.documents.filter(shown=True), **kwargs
    )


def _areas_for(record: Record) -> Any:
    from django.db.models import Q

    from stakeholders.models import ThematicArea

    return (
        ThematicArea.objects.filter(Q(is_active=True) | Q(knowledge_records=record))
        .distinct()
        .order_by("name")
    )


@permission_required(perms.CONTRIBUTE)
@require_http_methods(["GET", "POST"])
def contribute(request: HttpRequest) -> HttpResponse:
    """Contribute a record: the secretariat's are published at once, others are moderated."""
    form = _record_form(request, None, None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = services.contribute_record(
                actor=request.user,
                content=form.content(),
                process=_chosen_process(request, data.get("process")),
                organisation=_chosen_organisation(request, data.get("organisation")),
                upload=data.get("document"),
                note=data.get("note", ""),
            )
        except InvalidRecord as exc:
            form.add_service_errors(exc)
        except KnowledgeError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            if record.state == RecordState.PUBLISHED:
                messages.success(request, _("The record was published."))
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: the record was sent to the moderators. You will be told by "
                        "e-mail when it is reviewed."
                    ),
                )
            return redirect("knowledge:detail", public_id=record.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "knowledge/edit.html", {"form": form, "record": None}, status=status)


def _chosen_process(request: HttpRequest, slug: str | None) -> Any:
    return process_for(request.user, slug) if slug else None


def _chosen_organisation(request: HttpRequest, public_id: str | None) -> Any:
    return registry.organisation_to_apply_for(request.user, public_id) if public_id else None


@permission_required(perms.CHANGE, obj=the_record)
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, record: Record, public_id: str) -> HttpResponse:
    """Propose a change (published at once when made by the record's secretariat)."""
    form = _record_form(request, record, record.process)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.propose_change(
                record,
                actor=request.user,
                content=form.content(),
                upload=form.cleaned_data.get("document"),
                note=form.cleaned_data.get("note", ""),
            )
        except InvalidRecord as exc:
            form.add_service_errors(exc)
        except KnowledgeError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            if version.state == "accepted":
                messages.success(request, _("The change was published."))
            else:
                messages.success(
                    request,
                    _(
                        "The change was sent to the moderators; the record shows its published "
                        "version until then."
                    ),
                )
            return redirect("knowledge:detail", public_id=record.public_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "knowledge/edit.html", {"form": form, "record": record}, status=status)


# Moderation --------------------------------------------------------------------------------------


@permission_required(perms.MODERATE)
@require_GET
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """What awaits moderation in the processes the viewer moderates, oldest first."""
    page = Paginator(selectors.moderation_queue(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "knowledge/moderation.html", {"page": page})


@permission_required(perms.VIEW, obj=the_version)
@require_http_methods(["GET", "POST"])
def moderate(
    request: HttpRequest, version: RecordVersion, public_id: str, number: int
) -> HttpResponse:
    """One version: what it changes; for its moderators, the decision with its reason."""
    record = version.record
    can_moderate = has_perm(request.user, perms.MODERATE, record)
    if request.method == "POST" and not can_moderate:
        return _refuse(request)
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "publish":
                services.publish_version(
                    version, actor=request.user, note=form.cleaned_data["reason"]
                )
                messages.success(request, _("Published. The contributor is told."))
            else:
                services.reject_version(
                    version, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Not published. The contributor is told why."))
        except KnowledgeError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            return redirect("knowledge:moderation")
    before = content_of(record) if record.published_at else {}
    context = {
        "record": record,
        "version": version,
        "form": form if version.state == "pending" and can_moderate else None,
        "changes": selectors.changes_between(before, version.content, request.user, record),
        "contributor": _contributor(record, request.user),
        "organisation_name": registry_name(record, request.user),
        "documents": selectors.documents_of(record, request.user, version),
    }
    return render(
        request, "knowledge/moderate.html", context, status=400 if request.method == "POST" else 200
    )


def _refuse(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied(perms.MODERATE)


@permission_required(perms.MODERATE, obj=the_record)
@require_POST
def record_withdraw(request: HttpRequest, record: Record, public_id: str) -> HttpResponse:
    """Take a published record out of the knowledge base, with the reason."""
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Give the reason for withdrawing the record: the contributor is told it.")
        )
        return redirect("knowledge:detail", public_id=record.public_id)
    try:
        services.withdraw_record(record, actor=request.user, reason=form.cleaned_data["reason"])
    except KnowledgeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The record was withdrawn. The contributor is told why."))
    return redirect("knowledge:detail", public_id=record.public_id)


@permission_required(SIGNED_IN)
@require_GET
def contributions(request: HttpRequest) -> HttpResponse:
    """The viewer's own records and what became of them."""
    page = Paginator(selectors.contributions_of(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/contributions.html",
        {"page": page, "can_contribute": has_perm(request.user, perms.CONTRIBUTE)},
    )
