"""Endpoints of the knowledge base: search with facets, records and their versions,
contributions and changes, moderation, and the open-data export."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.files import UploadedFile

from api.auth import required_auth
from api.errors import ApiError, responses
from api.pagination import PagePagination
from api.permissions import requires
from core.permissions import has_perm
from core.selectors import process_for
from stakeholders import selectors as registry
from stakeholders.choices import Region

from . import permissions as perms
from . import selectors, services
from .choices import ActorRole, Language, Licence, Mechanism, RecordType, Sector
from .content import content_of
from .exceptions import (
    EditPending,
    InvalidRecord,
    InvalidSearch,
    KnowledgeError,
    NotAContributor,
    NothingChanged,
    NotPending,
    NotPublished,
    OwnContribution,
    RecordWithdrawn,
)
from .exports import open_data_response, record_item
from .models import Record, RecordVersion

router = Router(tags=["knowledge base"])

CONFLICTS = (EditPending, NothingChanged, NotPending, NotPublished, RecordWithdrawn)


def _refusal(exc: KnowledgeError) -> ApiError:
    """The API's answer to a rule of the knowledge base."""
    if isinstance(exc, InvalidRecord):
        errors = [
            {"field": f, "message": m} for f, messages in exc.errors.items() for m in messages
        ]
        return ApiError(422, str(exc), errors)
    if isinstance(exc, CONFLICTS):
        return ApiError(409, str(exc))
    if isinstance(exc, OwnContribution | NotAContributor):
        return ApiError(403, str(exc))
    return ApiError(422, str(exc), [{"field": exc.field, "message": str(exc)}] if exc.field else [])


def _check(request: HttpRequest, name: str, obj: Any) -> None:
    """401 for the anonymous, 403 for others, on an object found through its scope."""
    if not has_perm(request.user, name, obj):
        if not request.user.is_authenticated:
            raise AuthenticationError()
        raise ApiError(403, _("You do not have permission to do this."))


# Schemas -----------------------------------------------------------------------------------------


class ActorIn(Schema):
    organisation: str = Field(..., max_length=16, description="the organisation's public id")
    role: ActorRole


class LinkIn(Schema):
    url: str = Field(..., max_length=500)
    label: str = Field("", max_length=200)


class ContentIn(Schema):
    record_type: RecordType
    title: str = Field(..., min_length=1, max_length=250)
    summary: str = Field(..., min_length=1, max_length=20_000, description="Markdown")
    sector: Sector
    mechanism: Mechanism
    countries: list[str] = Field([], description="ISO 3166-1 alpha-2 codes")
    regions: list[Region] = Field(
        [], description="UN regional groups (those of the countries are added)"
    )
    started_in: int | None = Field(None, ge=1980, le=2100)
    ended_in: int | None = Field(None, ge=1980, le=2100)
    outcomes: str = Field("", max_length=20_000, description="Markdown")
    actors: list[ActorIn] = Field(..., min_length=1, max_length=30)
    areas: list[str] = Field([], description="slugs of thematic areas")
    articles: list[int] = Field([], description="ids of articles of a negotiating text")
    links: list[LinkIn] = Field([], max_length=10)
    licence: Licence = Licence.CC_BY
    language: Language = Language.EN


class ContributionIn(ContentIn):
    process: str = Field("", max_length=80, description="slug of the process it informs")
    organisation: str = Field("", max_length=16, description="public id of your organisation")
    note: str = Field("", max_length=300, description="for the moderators")


class ChangeIn(Schema):
    """Only the fields given change; lists given replace the record's."""

    record_type: RecordType | None = None
    title: str | None = Field(None, min_length=1, max_length=250)
    summary: str | None = Field(None, min_length=1, max_length=20_000)
    sector: Sector | None = None
    mechanism: Mechanism | None = None
    countries: list[str] | None = None
    regions: list[Region] | None = None
    started_in: int | None = Field(None, ge=1980, le=2100)
    ended_in: int | None = Field(None, ge=1980, le=2100)
    outcomes: str | None = Field(None, max_length=20_000)
    actors: list[ActorIn] | None = Field(None, min_length=1, max_length=30)
    areas: list[str] | None = None
    articles: list[int] | None = None
    links: list[LinkIn] | None = Field(None, max_length=10)
    documents: list[str] | None = Field(None, description="public ids of the PDFs to keep")
    licence: Licence | None = None
    language: Language | None = None
    note: str = Field("", max_length=300)


class ActorOut(Schema):
    organisation_id: str
    name: str
    kind: str
    role: str


class LinkOut(Schema):
    url: str
    label: str


class RecordOut(Schema):
    id: str
    url: str
    state: str
    type: str
    title: str
    summary: str
    sector: str
    mechanism: str
    countries: list[str]
    regions: list[str]
    started_in: int | None
    ended_in: int | None
    outcomes: str
    actors: list[ActorOut]
    thematic_areas: list[str]
    articles: list[str]
    links: list[LinkOut]
    documents: list[str]
    licence: str
    licence_url: str
    language: str
    process: str
    version: int
    published_at: str
    updated_at: str


class HitOut(Schema):
    id: str
    url: str
    type: str
    title: str
    title_html: str = Field(..., description="the title, escaped, with the words found in <mark>")
    snippet_html: str = Field(..., description="a passage, escaped, with the words found in <mark>")
    sector: str
    regions: list[str]
    started_in: int | None
    ended_in: int | None
    language: str
    process: str
    published_at: datetime | None


class HitPage(Schema):
    items: list[HitOut]
    count: int
    count_is_lower_bound: bool = Field(
        False,
        description="true when more records match than `count` says: a search with words "
        "counts its matches up to 1000",
    )
    page: int
    pages: int
    next: str | None
    previous: str | None


class FacetOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetsOut(Schema):
    count: int
    count_is_lower_bound: bool = Field(
        False,
        description="true when more records match than `count` says; the facets then count "
        "among the newest `count` records found",
    )
    type: list[FacetOut]
    region: list[FacetOut]
    sector: list[FacetOut]
    area: list[FacetOut]


class VersionOut(Schema):
    record: str
    number: int
    state: str
    changed: list[str]
    created_at: datetime
    moderated_at: datetime | None
    note: str
    reason: str


class VersionPage(Schema):
    items: list[VersionOut]
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


class QueueItemOut(VersionOut):
    title: str
    process: str


class QueuePage(Schema):
    items: list[QueueItemOut]
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


class SearchIn(Schema):
    q: str = Field("", max_length=200, description='words; "a phrase"; -left-out')
    type: RecordType | None = None
    region: Region | None = None
    sector: Sector | None = None
    area: str = Field("", max_length=60)
    language: Language | None = Field(None, description="records in this language only")
    process: str = Field("", max_length=80)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


# Payloads ----------------------------------------------------------------------------------------


def record_payload(record: Record) -> dict[str, Any]:
    item = record_item(record)
    item["state"] = record.state
    item["documents"] = [
        f"/knowledge/{record.public_id}/documents/{d.public_id}/"
        for d in record.documents.filter(shown=True)
    ]
    return item


def version_payload(v: RecordVersion) -> dict[str, Any]:
    return {
        "record": v.record.public_id,
        "number": v.number,
        "state": v.state,
        "changed": list(v.changed),
        "created_at": v.created_at,
        "moderated_at": v.moderated_at,
        "note": v.note,
        "reason": v.reason,
    }


def _hit_payload(hit: selectors.Hit) -> dict[str, Any]:
    r = hit.record
    return {
        "id": r.public_id,
        "url": f"/knowledge/{r.public_id}/",
        "type": r.record_type,
        "title": r.title,
        "title_html": str(hit.title),
        "snippet_html": str(hit.snippet),
        "sector": r.sector,
        "regions": list(r.regions),
        "started_in": r.started_in,
        "ended_in": r.ended_in,
        "language": r.language,
        "process": r.process.slug if r.process else "",
        "published_at": r.published_at,
    }


def _search(request: HttpRequest, query: SearchIn) -> selectors.Search:
    filters = {
        "type": query.type.value if query.type else "",
        "region": query.region.value if query.region else "",
        "sector": query.sector.value if query.sector else "",
        "area": query.area,
        "language": query.language.value if query.language else "",
        "process": query.process,
    }
    language = (getattr(request, "LANGUAGE_CODE", "") or "en").split("-")[0]
    try:
        return selectors.search(request.user, text=query.q, filters=filters, language=language)
    except InvalidSearch as exc:
        raise ApiError(422, str(exc), [{"field": "q", "message": str(exc)}]) from None


def _record(request: HttpRequest, public_id: str) -> Record:
    return selectors.record_for(request.user, public_id)


# Reading -----------------------------------------------------------------------------------------


@router.get(
    "/knowledge/records",
    response=responses({200: HitPage}, 422),
    summary="Search the knowledge base",
)
def search_records(
    request: HttpRequest, query: Query[SearchIn], paging: Query[PagePagination.Input]
) -> dict[str, Any]:
    """Published records matching the words (best first, with highlighted passages) and the
    filters; newest first without words."""
    found = _search(request, query)
    page = PagePagination().paginate_queryset(found.records, paging, request)
    page["count_is_lower_bound"] = found.count_is_lower_bound
    if (
        found.count_is_lower_bound
        and page["next"] is None
        and len(page["items"]) == paging.page_size
    ):
        # Beyond the count, the matches go on: the next page is there to read.
        params = request.GET.copy()
        params["page"] = str(paging.page + 1)
        page["next"] = f"{request.path}?{params.urlencode()}"
    page["items"] = [_hit_payload(h) for h in found.hits(page["items"])]
    return page


@router.get(
    "/knowledge/facets",
    response=responses({200: FacetsOut}, 422),
    summary="Count the records found, by facet",
)
def search_facets(request: HttpRequest, query: Query[SearchIn]) -> dict[str, Any]:
    """For the same words and filters as the search: how many records have each type, region,
    sector and thematic area."""
    found = _search(request, query)
    facets = found.facets()
    return {
        "count": found.records.count(),
        "count_is_lower_bound": found.count_is_lower_bound,
        **{name: [vars(v) for v in values] for name, values in facets.items()},
    }


@router.get(
    "/knowledge/records/{public_id}",
    response=responses({200: RecordOut}, 404),
    summary="Read a record",
)
def get_record(request: HttpRequest, public_id: str) -> dict[str, Any]:
    """A record as it is shown (its published version, or for its contributor and moderators
    the version awaiting moderation before its first publication)."""
    return record_payload(_record(request, public_id))


@router.get(
    "/knowledge/records/{public_id}/versions",
    response=responses({200: VersionPage}, 404),
    summary="List a record's versions",
)
def list_versions(
    request: HttpRequest, public_id: str, paging: Query[PagePagination.Input]
) -> dict[str, Any]:
    """Published versions; every version for the contributor and the record's moderators."""
    record = _record(request, public_id)
    page = PagePagination().paginate_queryset(
        selectors.versions_of(record, request.user).select_related("record"), paging, request
    )
    page["items"] = [version_payload(v) for v in page["items"]]
    return page


@router.get(
    "/knowledge/export",
    response=responses({200: None}, 422),
    summary="Download the whole base (open data)",
)
def export(request: HttpRequest, format: Literal["csv", "json"] = "json") -> HttpResponse:  # noqa: A002
    """Every published record, under the base's licence (each record states its own)."""
    return open_data_response(format)


# Contributing and changing -----------------------------------------------------------------------


@router.post(
    "/knowledge/records",
    response=responses({201: RecordOut}, 401, 403, 404, 422),
    auth=required_auth,
    summary="Contribute a record",
)
@requires(perms.CONTRIBUTE)
def contribute(request: HttpRequest, payload: ContributionIn) -> Status[dict[str, Any]]:
    """Published at once when the secretariat contributes; otherwise state "pending" until the
    moderators decide (the contributor is told by e-mail)."""
    data = payload.dict()
    process_slug, organisation_id = data.pop("process"), data.pop("organisation")
    note = data.pop("note")
    process = process_for(request.user, process_slug) if process_slug else None
    organisation = (
        registry.organisation_to_apply_for(request.user, organisation_id)
        if organisation_id
        else None
    )
    try:
        record = services.contribute_record(
            actor=request.user,
            content=_content(data),
            process=process,
            organisation=organisation,
            note=note,
        )
    except KnowledgeError as exc:
        raise _refusal(exc) from None
    return Status(201, record_payload(record))


def _content(data: dict[str, Any]) -> dict[str, Any]:
    """A payload's values as plain data (enums as their values)."""

    def plain(value: Any) -> Any:
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return getattr(value, "value", value)

    return {k: plain(v) for k, v in data.items()}


@router.patch(
    "/knowledge/records/{public_id}",
    response=responses({200: VersionOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Change a record",
)
def change_record(request: HttpRequest, public_id: str, payload: ChangeIn) -> dict[str, Any]:
    """A new version with the fields given: "accepted" (published) when made by the record's
    secretariat, else "pending" until the moderators decide. 409 while another is pending."""
    record = _record(request, public_id)
    _check(request, perms.CHANGE, record)
    given = _content(payload.dict(exclude_unset=True))
    note = given.pop("note", "")
    content = {**content_of(record), **given}
    try:
        version = services.propose_change(record, actor=request.user, content=content, note=note)
    except KnowledgeError as exc:
        raise _refusal(exc) from None
    return version_payload(version)


@router.post(
    "/knowledge/records/{public_id}/documents",
    response=responses({201: VersionOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Add a PDF to a record's evidence",
)
def add_document(
    request: HttpRequest, public_id: str, file: File[UploadedFile], note: Form[str] = ""
) -> Status[dict[str, Any]]:
    """Multipart, one PDF (10 MB at most, checked by content: no scripts, actions or embedded
    files). A new version, moderated like any change."""
    record = _record(request, public_id)
    _check(request, perms.CHANGE, record)
    try:
        version = services.add_evidence(record, actor=request.user, upload=file, note=note[:300])
    except KnowledgeError as exc:
        raise _refusal(exc) from None
    return Status(201, version_payload(version))


# Moderation --------------------------------------------------------------------------------------


@router.get(
    "/knowledge/moderation",
    response=responses({200: QueuePage}, 401, 403),
    auth=required_auth,
    summary="List what awaits moderation",
)
@requires(perms.MODERATE)
def moderation_queue(request: HttpRequest, paging: Query[PagePagination.Input]) -> dict[str, Any]:
    """Versions awaiting moderation in the processes the caller moderates, oldest first."""
    page = PagePagination().paginate_queryset(
        selectors.moderation_queue(request.user), paging, request
    )
    page["items"] = [
        {
            **version_payload(v),
            "title": v.content.get("title", ""),
            "process": v.record.process.slug if v.record.process else "",
        }
        for v in page["items"]
    ]
    return page


def _pending(request: HttpRequest, public_id: str, number: int) -> RecordVersion:
    version = selectors.version_for(request.user, public_id, number)
    _check(request, perms.MODERATE, version.record)
    return version


@router.post(
    "/knowledge/records/{public_id}/versions/{number}/publish",
    response=responses({200: VersionOut}, 401, 403, 404, 409),
    auth=required_auth,
    summary="Publish a version",
)
def publish(request: HttpRequest, public_id: str, number: int, payload: NoteIn) -> dict[str, Any]:
    """Publish a contribution or a change awaiting moderation (not one's own)."""
    version = _pending(request, public_id, number)
    try:
        version = services.publish_version(version, actor=request.user, note=payload.note)
    except KnowledgeError as exc:
        raise _refusal(exc) from None
    return version_payload(version)


@router.post(
    "/knowledge/records/{public_id}/versions/{number}/reject",
    response=responses({200: VersionOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Refuse a version",
)
def reject(request: HttpRequest, public_id: str, number: int, payload: ReasonIn) -> dict[str, Any]:
    """Refuse it, with the reason the contributor is told."""
    version = _pending(request, public_id, number)
    try:
        version = services.reject_version(version, actor=request.user, reason=payload.reason)
    except KnowledgeError as exc:
        raise _refusal(exc) from None
    return version_payload(version)


@router.post(
    "/knowledge/records/{public_id}/withdraw",
    response=responses({200: RecordOut}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Withdraw a record",
)
def withdraw(request: HttpRequest, public_id: str, payload: ReasonIn) -> dict[str, Any]:
    """Take a published record out of the base, with the reason (its versions are kept)."""
    record = _record(request, public_id)
    _check(request, perms.MODERATE, record)
    try:
        record = services.withdraw_record(record, actor=request.user, reason=payload.reason)
    except KnowledgeError as exc:
        raise _refusal(exc) from None
    return record_payload(record)
