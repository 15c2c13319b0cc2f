"""Endpoints of negotiating texts: texts and revisions (the tree, exports), diffs,
submissions and amendments (list, create, submit, withdraw, moderate), the compilation and the
influence tracker. The same error shape and pagination as the rest of the API."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from ninja.files import UploadedFile

from api.auth import required_auth
from api.errors import ApiError, responses
from api.pagination import PagePagination
from core.permissions import has_perm
from core.selectors import process_for

from . import diffing, selectors, services
from . import permissions as perms
from .exceptions import (
    DeadlinePassed,
    DraftsError,
    NotAllowed,
    StepNotAllowed,
)
from .forms import BCP47
from .models import Revision, Submission, Text

router = Router(tags=["negotiating texts"])


def _check(request: HttpRequest, name: str, obj: Any) -> None:
    if not has_perm(request.user, name, obj):
        if not request.user.is_authenticated:
            raise AuthenticationError()
        raise ApiError(403, "You may not do this.")


def _raise_for(exc: DraftsError) -> None:
    if isinstance(exc, DeadlinePassed):
        raise ApiError(409, str(exc), [{"field": "deadline", "message": exc.deadline.isoformat()}])
    if isinstance(exc, StepNotAllowed):
        raise ApiError(409, str(exc), [{"field": "action", "message": ", ".join(exc.allowed)}])
    if isinstance(exc, NotAllowed):
        raise ApiError(403, str(exc))
    field = exc.field or ""
    raise ApiError(422, str(exc), [{"field": field, "message": str(exc)}] if field else [])


# Texts and revisions ----------------------------------------------------------------------------


class RevisionSummary(Schema):
    id: int
    number: int
    title: str
    issued_on: str | None
    language: str
    languages: list[str]
    deadline: datetime | None
    url: str


class TextOut(Schema):
    slug: str
    process: str
    title: str
    description: str
    status: str
    revisions: list[RevisionSummary]


def revision_summary(r: Revision) -> dict[str, Any]:
    return {
        "id": r.pk,
        "number": r.number,
        "title": r.title,
        "issued_on": r.issued_on.isoformat() if r.issued_on else None,
        "language": r.language,
        "languages": r.languages,
        "deadline": r.deadline,
        "url": reverse("drafts:revision", args=[r.text.slug, r.number]),
    }


def text_payload(text: Text) -> dict[str, Any]:
    return {
        "slug": text.slug,
        "process": text.process.slug,
        "title": text.title,
        "description": text.description,
        "status": text.status,
        "revisions": [revision_summary(r) for r in text.revisions.order_by("number")],
    }


class TextPage(Schema):
    items: list[TextOut]
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None


@router.get(
    "/processes/{slug}/texts", response=responses({200: TextPage}, 404), summary="List texts"
)
def list_texts(
    request: HttpRequest, slug: str, paging: Query[PagePagination.Input]
) -> dict[str, Any]:
    """The negotiating texts of a process the caller may see, with their revisions."""
    process = process_for(request.user, slug)
    texts = (
        selectors.texts_in(process, request.user)
        .select_related("process")
        .prefetch_related("revisions")
    )
    page = PagePagination().paginate_queryset(texts, paging, request)
    page["items"] = [text_payload(t) for t in page["items"]]
    return page


@router.get("/texts/{slug}", response=responses({200: TextOut}, 404), summary="Read a text")
def get_text(request: HttpRequest, slug: str) -> dict[str, Any]:
    """A text and its revisions."""
    return text_payload(selectors.text_for(request.user, slug))


class LanguageQuery(Schema):
    language: str = Field("", max_length=20, description="BCP 47; the original if absent")


def _tree_payload(item: selectors.Item) -> dict[str, Any]:
    return {
        "eid": item.eid,
        "kind": item.kind,
        "num": item.num,
        "heading": item.heading,
        "text": item.text,
        "wrap_up": item.wrap_up,
        "language": item.language,
        "children": [_tree_payload(c) for c in item.children],
    }


@router.get(
    "/revisions/{int:pk}",
    response=responses({200: dict[str, Any]}, 404),
    summary="Read a revision's tree",
)
def get_revision(request: HttpRequest, pk: int, query: Query[LanguageQuery]) -> dict[str, Any]:
    """The revision's elements as a tree (Akoma Ntoso eIds), in one language."""
    revision = selectors.revision_by_id(request.user, pk)
    return {
        **revision_summary(revision),
        "text": revision.text.slug,
        "elements": [_tree_payload(i) for i in selectors.tree(revision, query.language)],
    }


@router.post(
    "/revisions/{int:pk}/languages",
    response=responses({201: RevisionSummary}, 401, 403, 404, 413, 422),
    auth=required_auth,
    summary="Add a language version of a revision",
)
def add_language(
    request: HttpRequest, pk: int, language: Form[str], file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """Multipart: `language` (BCP 47) and `file`, the same tree in Consulta Markdown. A file
    that is not the same tree says where it differs (422), and nothing is stored."""
    revision = selectors.revision_by_id(request.user, pk)
    _check(request, perms.MANAGE, revision)
    code = (language or "").strip()
    if not BCP47.match(code):
        message = _("Give a language code such as en, fr, ar, zh-Hans or es-419 (BCP 47).")
        raise ApiError(422, message, [{"field": "language", "message": message}])
    content = file.read(services.texts.MAX_BYTES + 1)
    try:
        services.add_language(revision, actor=request.user, content=content, language=code)
    except DraftsError as exc:
        _raise_for(exc)
    return Status(201, revision_summary(revision))


class ExportQuery(LanguageQuery):
    format: Literal["akn", "md", "html", "pdf"] = "akn"


@router.get(
    "/revisions/{int:pk}/export",
    response=responses({200: None}, 404, 422),
    summary="Export a revision",
)
def export_revision(request: HttpRequest, pk: int, query: Query[ExportQuery]) -> HttpResponse:
    """Akoma Ntoso 3.0 XML (valid against its schema), Markdown, HTML or PDF."""
    from .views import EXPORT_TYPES, export_body

    revision = selectors.revision_by_id(request.user, pk)
    language = selectors.language_of(revision, query.language)
    content_type, extension = EXPORT_TYPES[query.format]
    response = HttpResponse(
        export_body(revision, query.format, language), content_type=content_type
    )
    name = f"{revision.text.slug}-r{revision.number}-{language}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/revisions/{int:a}/diff/{int:b}",
    response=responses({200: dict[str, Any]}, 404, 422),
    summary="What changed between two revisions",
)
def diff_revisions(
    request: HttpRequest, a: int, b: int, query: Query[LanguageQuery]
) -> dict[str, Any]:
    """Per article: added, removed, renumbered (matched by content) or changed, with the
    word-level changes."""
    old = selectors.revision_by_id(request.user, a)
    new = selectors.revision_by_id(request.user, b)
    if old.text_id != new.text_id:
        raise ApiError(422, "The two revisions belong to different texts.")
    changes = diffing.compare(old, new, query.language)
    return {
        "from": revision_summary(old),
        "to": revision_summary(new),
        "summary": diffing.summary(changes),
        "articles": [diffing.as_json(c) for c in changes],
    }


# Submissions ------------------------------------------------------------------------------------


class SubmissionIn(Schema):
    kind: Literal["written", "amendment"]
    speaks_for: str = Field(
        ...,
        max_length=40,
        description='"org:<organisation public id>" or "state:<ISO code>" (a delegate)',
    )
    language: str = Field(..., max_length=35, pattern=BCP47.pattern, description="BCP 47")
    title: str = Field("", max_length=200)
    body: str = Field("", max_length=100_000, description="the text, or the justification")
    articles: list[str] = Field([], max_length=500, description="eIds of articles (written)")
    element: str = Field("", max_length=200, description="eId of the element amended")
    operation: Literal["insert", "replace", "delete", ""] = ""
    quote: str = Field("", max_length=10_000, description="TextQuoteSelector.exact")
    prefix: str = Field("", max_length=64, description="TextQuoteSelector.prefix")
    suffix: str = Field("", max_length=64, description="TextQuoteSelector.suffix")
    start: int | None = Field(None, ge=0, description="TextPositionSelector.start")
    end: int | None = Field(None, ge=0, description="TextPositionSelector.end")
    proposed_text: str = Field("", max_length=100_000)


def _draft(payload: SubmissionIn) -> services.Draft:
    return services.Draft(**payload.dict())


def submission_payload(s: Submission, viewer: Any) -> dict[str, Any]:
    """A submission as the viewer may read it: the author's organisation as the registry
    decides (never a protected person), the moderation reason to the author and moderators."""
    private = s.author_id == getattr(viewer, "pk", None) or has_perm(viewer, perms.MODERATE, s)
    target = None
    if s.element is not None:
        selectors_: list[dict[str, Any]] = []
        if s.quote_exact:
            selectors_ = [
                {
                    "type": "TextQuoteSelector",
                    "exact": s.quote_exact,
                    "prefix": s.quote_prefix,
                    "suffix": s.quote_suffix,
                },
                {"type": "TextPositionSelector", "start": s.position_start, "end": s.position_end},
            ]
        target = {"source": s.element.eid, "language": s.anchor_language, "selector": selectors_}
    return {
        "id": s.public_id,
        "revision": s.revision_id,
        "kind": s.kind,
        "state": s.state,
        "author": selectors.author_label(s, viewer),
        "constituency": s.constituency,
        "region": s.region,
        "language": s.language,
        "title": s.title,
        "body": s.body,
        "words": s.words,
        "articles": [a.eid for a in s.articles.all()],
        "operation": s.operation,
        "target": target,
        "proposed_text": s.proposed_text,
        "submitted_at": s.submitted_at,
        "published_at": s.published_at,
        "moderation_reason": s.moderation_reason if private else "",
        "attachment": reverse("drafts:attachment", args=[s.public_id]) if s.attachment else None,
        "url": reverse("drafts:submission", args=[s.public_id]),
    }


class SubmissionFilters(Schema):
    article: str = Field("", max_length=200, description="eId of an article")
    state: Literal["draft", "pending", "published", "rejected", "withdrawn", ""] = ""
    kind: Literal["written", "amendment", ""] = ""


@router.get(
    "/revisions/{int:pk}/submissions",
    response=responses({200: dict[str, Any]}, 404),
    summary="List submissions and amendments",
)
def list_submissions(
    request: HttpRequest,
    pk: int,
    filters: Query[SubmissionFilters],
    paging: Query[PagePagination.Input],
) -> dict[str, Any]:
    """The revision's submissions the caller may see (published ones; one's own; all for its
    moderators), per article with `article`."""
    revision = selectors.revision_by_id(request.user, pk)
    found = selectors.submissions_on(revision, request.user, **filters.dict())
    page = PagePagination().paginate_queryset(found, paging, request)
    page["items"] = [submission_payload(s, request.user) for s in page["items"]]
    return page


@router.post(
    "/revisions/{int:pk}/submissions",
    response=responses({201: dict[str, Any]}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Write a submission or an amendment (a draft)",
)
def create_submission(
    request: HttpRequest, pk: int, payload: SubmissionIn
) -> Status[dict[str, Any]]:
    """A draft: send it with /submit. 409 with the deadline once the call is closed; 422 for a
    passage not in the element, one that matches twice, or over 2,000 words."""
    revision = selectors.revision_by_id(request.user, pk)
    _check(request, perms.WRITE, revision)
    try:
        submission = services.create_submission(revision, actor=request.user, draft=_draft(payload))
    except DraftsError as exc:
        _raise_for(exc)
    return Status(201, submission_payload(submission, request.user))


def _submission(request: HttpRequest, public_id: str) -> Submission:
    return selectors.submission_for(request.user, public_id)


@router.get(
    "/submissions/{public_id}",
    response=responses({200: dict[str, Any]}, 404),
    summary="Read a submission",
)
def get_submission(request: HttpRequest, public_id: str) -> dict[str, Any]:
    """One submission or amendment, with its anchor as W3C Web Annotation selectors."""
    submission = _submission(request, public_id)
    payload = submission_payload(submission, request.user)
    payload["anchors"] = [
        {
            "revision": a.revision_id,
            "status": a.status,
            "element": a.element.eid if a.element else None,
            "start": a.start,
            "end": a.end,
            "score": a.score,
            "reason": a.reason,
        }
        for a in selectors.anchors_of(submission)
    ]
    return payload


@router.patch(
    "/submissions/{public_id}",
    response=responses({200: dict[str, Any]}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Change a draft",
)
def update_submission(
    request: HttpRequest, public_id: str, payload: SubmissionIn
) -> dict[str, Any]:
    """Replace a draft's content (all fields, as when creating it)."""
    submission = _submission(request, public_id)
    _check(request, perms.EDIT_SUBMISSION, submission)
    try:
        submission = services.update_submission(
            submission, actor=request.user, draft=_draft(payload)
        )
    except DraftsError as exc:
        _raise_for(exc)
    return submission_payload(submission, request.user)


@router.post(
    "/submissions/{public_id}/attachment",
    response=responses({200: dict[str, Any]}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Attach a PDF to a draft",
)
def attach(request: HttpRequest, public_id: str, file: File[UploadedFile]) -> dict[str, Any]:
    """Multipart upload of one PDF (10 MB at most; scripts, actions and embedded files are
    refused)."""
    submission = _submission(request, public_id)
    _check(request, perms.EDIT_SUBMISSION, submission)
    try:
        submission = services.attach_document(submission, actor=request.user, upload=file)
    except DraftsError as exc:
        _raise_for(exc)
    return submission_payload(submission, request.user)


class ModerationIn(Schema):
    decision: Literal["publish", "reject"]
    reason: str = Field("", max_length=5000, description="required to reject; sent to the author")


@router.post(
    "/submissions/{public_id}/moderate",
    response=responses({200: dict[str, Any]}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Publish or refuse a submission (moderators)",
)
def moderate(request: HttpRequest, public_id: str, payload: ModerationIn) -> dict[str, Any]:
    """Moderators and the process's secretariat decide; the author is e-mailed."""
    submission = _submission(request, public_id)
    _check(request, perms.MODERATE, submission)
    try:
        submission = services.moderate_submission(
            submission, actor=request.user, decision=payload.decision, reason=payload.reason
        )
    except DraftsError as exc:
        _raise_for(exc)
    return submission_payload(submission, request.user)


@router.get(
    "/revisions/{int:pk}/moderation",
    response=responses({200: dict[str, Any]}, 401, 403, 404),
    auth=required_auth,
    summary="The moderation queue",
)
def moderation_queue(
    request: HttpRequest, pk: int, paging: Query[PagePagination.Input]
) -> dict[str, Any]:
    """Stakeholders' submissions waiting for a moderator, oldest first."""
    revision = selectors.revision_by_id(request.user, pk)
    _check(request, perms.MODERATE, revision)
    page = PagePagination().paginate_queryset(
        selectors.moderation_queue(revision, request.user), paging, request
    )
    page["items"] = [submission_payload(s, request.user) for s in page["items"]]
    return page


# The compilation and influence -------------------------------------------------------------------


@router.get(
    "/revisions/{int:pk}/compilation",
    response=responses({200: dict[str, Any]}, 404, 422),
    summary="The compilation per article",
)
def compilation(
    request: HttpRequest, pk: int, paging: Query[PagePagination.Input]
) -> dict[str, Any]:
    """Counts per article and constituency for every article, and the published submissions
    and amendments under their articles a page at a time (an entry on several articles is
    listed under each)."""
    import math

    revision = selectors.revision_by_id(request.user, pk)
    size, number = paging.page_size, paging.page
    found = selectors.compilation(revision, request.user, offset=(number - 1) * size, limit=size)
    pages = max(1, math.ceil(found["placements"] / size))

    def link(n: int) -> str:
        query = request.GET.copy()
        query["page"] = str(n)
        return f"{request.path}?{query.urlencode()}"

    return {
        "revision": revision_summary(revision),
        "count": found["count"],
        "totals": found["totals"],
        "articles": [
            {
                "eid": g.article.eid if g.article else None,
                "number": g.article.element.label if g.article else None,
                "counts": g.counts,
                "total": g.total,
            }
            for g in found["summary"]
        ],
        "items": [
            {"article": g.article.eid if g.article else None, **_entry(e)}
            for g in found["groups"]
            for e in g.entries
        ],
        "page": number,
        "pages": pages,
        "next": link(number + 1) if number < pages else None,
        "previous": link(number - 1) if number > 1 else None,
    }


def _entry(s: selectors.Entry) -> dict[str, Any]:
    return {
        "id": s.public_id,
        "kind": s.kind,
        "author": s.author_label,
        "constituency": s.constituency,
        "region": s.region,
        "language": s.language,
        "title": s.title,
        "operation": s.operation,
        "element": s.element_eid,
        "quote": s.quote_exact,
        "proposed_text": s.proposed_text,
        "body": s.body,
        "url": reverse("drafts:submission", args=[s.public_id]),
    }


@router.get(
    "/revisions/{int:pk}/influence",
    response=responses({200: dict[str, Any]}, 404),
    summary="Which proposals on the previous revision this one reflects",
)
def influence(request: HttpRequest, pk: int) -> dict[str, Any]:
    """Per amendment: adopted, partly reflected or not reflected, with the score and the
    matching passage as evidence; and per constituency and author, how many were reflected."""
    revision = selectors.revision_by_id(request.user, pk)
    previous = selectors.previous_of(revision)
    rows = selectors.influence_on(revision)
    return {
        "revision": revision_summary(revision),
        "previous": revision_summary(previous) if previous else None,
        "tally": selectors.influence_tally(rows, request.user),
        "amendments": [
            {
                "id": r.submission.public_id,
                "author": selectors.author_label(r.submission, request.user),
                "constituency": r.submission.constituency,
                "verdict": r.verdict,
                "score": r.score,
                "proposed": r.proposed,
                "evidence": r.evidence,
                "element": r.element.eid if r.element else None,
                "reason": r.reason,
            }
            for r in rows
        ],
    }


# Last: its path would otherwise take /moderate and /attachment.
@router.post(
    "/submissions/{public_id}/{step}",
    response=responses({200: dict[str, Any]}, 401, 403, 404, 409, 422),
    auth=required_auth,
    summary="Send or withdraw a submission",
)
def step_submission(
    request: HttpRequest, public_id: str, step: Literal["submit", "withdraw"]
) -> dict[str, Any]:
    """`submit` sends a draft (a Member State's is published at once, a stakeholder's waits for
    a moderator); `withdraw` takes it back. 409 names the steps allowed."""
    submission = _submission(request, public_id)
    _check(request, perms.EDIT_SUBMISSION, submission)
    run = services.submit_submission if step == "submit" else services.withdraw_submission
    try:
        submission = run(submission, actor=request.user)
    except DraftsError as exc:
        _raise_for(exc)
    return submission_payload(submission, request.user)
