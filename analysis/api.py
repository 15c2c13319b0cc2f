"""Endpoints of deliberations: deliberations, statements, votes and the opinion map."""

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Field, Router, Schema
from ninja.errors import AuthenticationError
from ninja.pagination import paginate

from api.errors import ApiError, responses
from api.pagination import PagePagination
from core.permissions import VIEW_PROCESS, has_perm
from core.selectors import process_for

from . import permissions as perms
from . import selectors, services
from .choices import VOTE_NAMES, MapState
from .exceptions import (
    AlreadyJoined,
    AnalysisError,
    InvalidStatement,
    InvalidVote,
    NotInAudience,
    NotOpen,
    SignInRequired,
    StatementNotVotable,
    UnknownStatement,
)
from .models import Deliberation

router = Router(tags=["deliberations"])


class DeliberationOut(Schema):
    slug: str
    process: str
    title: str
    question: str
    audience: str
    identity: str
    status: str
    url: str


class StatementOut(Schema):
    number: int
    text: str
    is_seed: bool
    status: str
    agrees: int
    disagrees: int
    passes: int


class VoteIn(Schema):
    statement: int = Field(..., ge=0, description="the statement's number")
    vote: Literal["agree", "disagree", "pass"]
    participant_token: str = Field(
        "",
        max_length=200,
        description="in anonymous deliberations, the token given on the first vote",
    )


class VoteOut(Schema):
    statement: int
    vote: str
    changed: bool
    participant_token: str = Field(
        "", description="keep it: it is your only way back to your votes"
    )


class StatementIn(Schema):
    text: str = Field(..., min_length=1, max_length=500)
    participant_token: str = Field("", max_length=200)


def _payload(d: Deliberation) -> dict[str, Any]:
    return {
        "slug": d.slug,
        "process": d.process.slug,
        "title": d.title,
        "question": d.question,
        "audience": d.audience,
        "identity": d.identity,
        "status": d.status,
        "url": f"/deliberations/{d.slug}/",
    }


def _deliberation(request: HttpRequest, slug: str, permission: str = perms.VIEW) -> Deliberation:
    deliberation = selectors.deliberation_for(request.user, slug)
    if not has_perm(request.user, permission, deliberation):
        if not request.user.is_authenticated:
            raise AuthenticationError()
        raise ApiError(403, "You may not do this.")
    return deliberation


@router.get(
    "/processes/{slug}/deliberations",
    response=responses({200: list[DeliberationOut]}, 404),
    summary="List a process's deliberations",
)
@paginate(PagePagination)
def list_deliberations(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    """The deliberations of a process the caller may see."""
    process = process_for(request.user, slug)
    if not has_perm(request.user, VIEW_PROCESS, process):
        raise ApiError(404, "Not found.")
    return [_payload(d) for d in selectors.deliberations_in(process, request.user)]


@router.get(
    "/deliberations/{slug}",
    response=responses({200: DeliberationOut}, 404),
    summary="Read a deliberation",
)
def get_deliberation(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One deliberation."""
    return _payload(_deliberation(request, slug))


@router.get(
    "/deliberations/{slug}/statements",
    response=responses({200: list[StatementOut]}, 404),
    summary="A deliberation's statements",
)
@paginate(PagePagination)
def list_statements(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    """Accepted statements with their vote counts (every statement for the secretariat)."""
    deliberation = _deliberation(request, slug)
    staff = has_perm(request.user, perms.MANAGE, deliberation)
    return selectors.statements_of(deliberation, moderation=staff)


_STATUS = {
    NotOpen: 409,
    StatementNotVotable: 409,
    AlreadyJoined: 409,
    UnknownStatement: 404,
    InvalidVote: 422,
    InvalidStatement: 422,
}


def _refusal(request: HttpRequest, exc: AnalysisError) -> Exception:
    if isinstance(exc, NotInAudience | SignInRequired):
        if not request.user.is_authenticated:
            return AuthenticationError()
        return ApiError(403, str(exc))
    return ApiError(_STATUS.get(type(exc), 409), str(exc))


@router.post(
    "/deliberations/{slug}/votes",
    response=responses({200: VoteOut, 201: VoteOut}, 401, 403, 404, 409, 422),
    summary="Vote on a statement",
)
def post_vote(request: HttpRequest, slug: str, payload: VoteIn) -> HttpResponse:
    """Agree, disagree or pass. The same vote again changes nothing (200); a new one 201."""
    deliberation = _deliberation(request, slug)
    try:
        _vote, changed, token = services.cast_vote(
            deliberation,
            actor=request.user,
            statement_number=payload.statement,
            value=VOTE_NAMES[payload.vote],
            token=payload.participant_token,
        )
    except AnalysisError as exc:
        raise _refusal(request, exc) from None
    body = {
        "statement": payload.statement,
        "vote": payload.vote,
        "changed": changed,
        "participant_token": token if token != payload.participant_token else "",
    }
    return JsonResponse(body, status=201 if changed else 200)


@router.post(
    "/deliberations/{slug}/statements",
    response=responses({201: StatementOut}, 401, 403, 404, 409, 422),
    summary="Write a statement",
)
def post_statement(request: HttpRequest, slug: str, payload: StatementIn) -> HttpResponse:
    """A participant's statement, shown once moderated."""
    deliberation = _deliberation(request, slug)
    try:
        statement, _token = services.submit_statement(
            deliberation, actor=request.user, text=payload.text, token=payload.participant_token
        )
    except AnalysisError as exc:
        raise _refusal(request, exc) from None
    body = {
        "number": statement.number,
        "text": statement.text,
        "is_seed": False,
        "status": statement.status,
        "agrees": 0,
        "disagrees": 0,
        "passes": 0,
    }
    return JsonResponse(body, status=201)


@router.get(
    "/deliberations/{slug}/opinion-groups",
    response=responses({200: dict[str, Any]}, 404),
    summary="The opinion groups (Polis's math)",
)
def get_opinion_groups(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Participants' positions by group, representative statements, consensus and
    group-informed consensus; computed again first if votes changed since."""
    deliberation = _deliberation(request, slug)
    found = selectors.opinion_map_of(deliberation)
    if not found.is_current and found.state != MapState.QUEUED:
        found = services.request_opinion_map(deliberation)
    return {"state": found.state, "current": found.is_current, **found.result}


# Themes ------------------------------------------------------------------------------------------


class ThemeRunOut(Schema):
    id: int
    question: str
    question_label: str
    method: str
    state: str
    progress: int
    texts: int
    created_at: str
    url: str


class ThemeRunIn(Schema):
    question: str = Field(..., min_length=1, max_length=200, description="the question's path")


class QuoteOut(Schema):
    response: int | None = Field(..., description="the response, for a consultation's answers")
    submission: str | None = Field(None, description="the submission's public id, on a revision")
    statement: int | None = Field(None, description="the statement's number, in a deliberation")
    path: str
    entry: int
    start: int
    end: int
    text: str


class ThemeOut(Schema):
    number: int
    label: str
    terms: list[str]
    size: int | str = Field(..., description='a count, or "<5" / "…" where suppressed')
    by_kind: dict[str, int | str]
    by_region: dict[str, int | str]
    quotes: list[QuoteOut]


class ThemeRunDetailOut(ThemeRunOut):
    themes: list[ThemeOut]


def _themes_url(source: Any) -> str:
    kind = selectors.source_kind(source)
    if kind == "revision":
        return f"/texts/{source.text.slug}/revisions/{source.number}/themes/"
    if kind == "deliberation":
        return f"/deliberations/{source.slug}/themes/"
    return f"/consultations/{source.slug}/themes/"


def _run_payload(run: Any, source: Any) -> dict[str, Any]:
    return {
        "id": run.pk,
        "question": run.question,
        "question_label": run.question_label,
        "method": run.method,
        "state": run.state,
        "progress": run.progress,
        "texts": run.texts,
        "created_at": run.created_at.isoformat(),
        "url": f"{_themes_url(source)}{run.pk}/",
    }


def _refuse(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise AuthenticationError()
    raise ApiError(403, "You may not do this.")


def _theme_source(request: HttpRequest, source: Any, *, manage: bool = False) -> Any:
    """The source if the viewer may see its themes (start runs, with manage); else 401/403."""
    if manage:
        allowed = selectors.may_start_themes(request.user, source)
    else:
        allowed = selectors.may_see_themes(request.user, source)
    if not allowed:
        _refuse(request)
    return source


def _theme_consultation(request: HttpRequest, slug: str, *, manage: bool = False) -> Any:
    from consultations.selectors import consultation_for

    return _theme_source(request, consultation_for(request.user, slug), manage=manage)


def _theme_revision(request: HttpRequest, slug: str, number: int, *, manage: bool = False) -> Any:
    from drafts.selectors import revision_for

    return _theme_source(request, revision_for(request.user, slug, number), manage=manage)


def _theme_deliberation(request: HttpRequest, slug: str, *, manage: bool = False) -> Any:
    return _theme_source(request, selectors.deliberation_for(request.user, slug), manage=manage)


def _list_runs(source: Any) -> list[dict[str, Any]]:
    return [_run_payload(run, source) for run in selectors.theme_runs_of(source)]


def _started(source: Any, start: Any) -> HttpResponse:
    try:
        run = start()
    except AnalysisError as exc:
        raise ApiError(422, str(exc)) from None
    run.refresh_from_db()
    return JsonResponse(_run_payload(run, source), status=201)


def _run_detail(request: HttpRequest, source: Any, run_id: int) -> dict[str, Any]:
    from django.http import Http404

    try:
        run = selectors.theme_run_in(source, request.user, run_id)
    except Http404:
        raise ApiError(404, "Not found.") from None
    themes = selectors.themes_of(run, request.user) if run.state == "ready" else []
    return {
        **_run_payload(run, source),
        "themes": [
            {
                "number": t.number,
                "label": t.label,
                "terms": t.terms,
                "size": t.size,
                "by_kind": {key: cell for key, _label, cell in t.by_kind},
                "by_region": {key: cell for key, _label, cell in t.by_region},
                "quotes": [
                    {
                        "response": q.response_id or None,
                        "submission": q.submission,
                        "statement": q.statement,
                        "path": q.path,
                        "entry": q.entry,
                        "start": q.start,
                        "end": q.end,
                        "text": q.text,
                    }
                    for q in t.quotes
                ],
            }
            for t in themes
        ],
    }


@router.get(
    "/consultations/{slug}/theme-runs",
    response=responses({200: list[ThemeRunOut]}, 401, 403, 404),
    summary="List a consultation's theme runs",
    tags=["themes"],
)
@paginate(PagePagination)
def list_theme_runs(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    """Theme runs of a consultation, newest first."""
    return _list_runs(_theme_consultation(request, slug))


@router.post(
    "/consultations/{slug}/theme-runs",
    response=responses({201: ThemeRunOut}, 401, 403, 404, 422),
    summary="Find themes in a free-text question's answers",
    tags=["themes"],
)
def post_theme_run(request: HttpRequest, slug: str, payload: ThemeRunIn) -> HttpResponse:
    """Start a run (inline without a broker); poll the run for its progress."""
    consultation = _theme_consultation(request, slug, manage=True)
    return _started(
        consultation,
        lambda: services.start_theme_run(
            consultation, actor=request.user, question=payload.question
        ),
    )


@router.get(
    "/consultations/{slug}/theme-runs/{run_id}",
    response=responses({200: ThemeRunDetailOut}, 401, 403, 404),
    summary="A theme run with its themes and quotes",
    tags=["themes"],
)
def get_theme_run(request: HttpRequest, slug: str, run_id: int) -> dict[str, Any]:
    """Themes with labels, sizes (small cells suppressed) and, for the secretariat, exact
    quotes as offsets into the stored answer."""
    return _run_detail(request, _theme_consultation(request, slug), run_id)


@router.get(
    "/texts/{slug}/revisions/{number}/theme-runs",
    response=responses({200: list[ThemeRunOut]}, 401, 403, 404),
    summary="List a revision's theme runs",
    tags=["themes"],
)
@paginate(PagePagination)
def list_revision_theme_runs(request: HttpRequest, slug: str, number: int):  # type: ignore[no-untyped-def]
    """Theme runs of a draft revision's published submissions, newest first."""
    return _list_runs(_theme_revision(request, slug, number))


@router.post(
    "/texts/{slug}/revisions/{number}/theme-runs",
    response=responses({201: ThemeRunOut}, 401, 403, 404, 422),
    summary="Find themes in a revision's published submissions",
    tags=["themes"],
)
def post_revision_theme_run(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Start a run on the published submissions' text (inline without a broker)."""
    revision = _theme_revision(request, slug, number, manage=True)
    return _started(
        revision, lambda: services.start_revision_theme_run(revision, actor=request.user)
    )


@router.get(
    "/texts/{slug}/revisions/{number}/theme-runs/{run_id}",
    response=responses({200: ThemeRunDetailOut}, 401, 403, 404),
    summary="A revision's theme run with its themes and quotes",
    tags=["themes"],
)
def get_revision_theme_run(
    request: HttpRequest, slug: str, number: int, run_id: int
) -> dict[str, Any]:
    """Themes with labels, sizes by constituency and region (small cells suppressed) and exact
    quotes as offsets into the published submission's body."""
    return _run_detail(request, _theme_revision(request, slug, number), run_id)


@router.get(
    "/deliberations/{slug}/theme-runs",
    response=responses({200: list[ThemeRunOut]}, 401, 403, 404),
    summary="List a deliberation's theme runs",
    tags=["themes"],
)
@paginate(PagePagination)
def list_deliberation_theme_runs(request: HttpRequest, slug: str):  # type: ignore[no-untyped-def]
    """Theme runs of a deliberation's accepted statements, newest first."""
    return _list_runs(_theme_deliberation(request, slug))


@router.post(
    "/deliberations/{slug}/theme-runs",
    response=responses({201: ThemeRunOut}, 401, 403, 404, 422),
    summary="Find themes in a deliberation's accepted statements",
    tags=["themes"],
)
def post_deliberation_theme_run(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a run on the accepted statements (inline without a broker)."""
    deliberation = _theme_deliberation(request, slug, manage=True)
    return _started(
        deliberation,
        lambda: services.start_deliberation_theme_run(deliberation, actor=request.user),
    )


@router.get(
    "/deliberations/{slug}/theme-runs/{run_id}",
    response=responses({200: ThemeRunDetailOut}, 401, 403, 404),
    summary="A deliberation's theme run with its themes and quotes",
    tags=["themes"],
)
def get_deliberation_theme_run(request: HttpRequest, slug: str, run_id: int) -> dict[str, Any]:
    """Themes with labels, sizes and exact quotes as offsets into the statements' text."""
    return _run_detail(request, _theme_deliberation(request, slug), run_id)
