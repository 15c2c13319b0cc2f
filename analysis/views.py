"""Pages of deliberations: the list, taking part (vote, write), the opinion map, moderation and
exports; and the near-duplicate campaigns among a consultation's written answers."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Process
from core.permissions import has_perm, permission_required, public_view
from core.selectors import process_for

from . import permissions as perms
from . import selectors, services
from .choices import VOTE_NAMES, MapState, StatementStatus, Status
from .exceptions import AnalysisError, SlugTaken
from .forms import (
    CampaignForm,
    DeliberationForm,
    StatementForm,
    ThemeRunForm,
    ThemeStartForm,
    VoteForm,
)
from .models import Deliberation
from .participation import cookie_name, find_participant, has_joined


def the_process(request: HttpRequest, slug: str, **kwargs: Any) -> Process:
    return process_for(request.user, slug)


def the_deliberation(request: HttpRequest, slug: str, **kwargs: Any) -> Deliberation:
    return selectors.deliberation_for(request.user, slug)


def _token(request: HttpRequest, deliberation: Deliberation) -> str:
    return request.COOKIES.get(cookie_name(deliberation), "")[:200]


def _keep_token(response: HttpResponse, deliberation: Deliberation, token: str) -> HttpResponse:
    if token:
        response.set_cookie(
            cookie_name(deliberation),
            token,
            max_age=400 * 24 * 3600,
            path=f"/deliberations/{deliberation.slug}/",
            secure=not settings.DEBUG and not getattr(settings, "CONSULTA_DEMO", False),
            httponly=True,
            samesite="Lax",
        )
    return response


@public_view
@require_GET
def deliberation_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A process's deliberations (drafts only for its secretariat)."""
    process = process_for(request.user, slug)
    return render(
        request,
        "analysis/list.html",
        {
            "process": process,
            "deliberations": selectors.deliberations_in(process, request.user),
            "can_create": has_perm(request.user, perms.MANAGE, process),
        },
    )


@permission_required(perms.MANAGE, obj=the_process)
@require_http_methods(["GET", "POST"])
def deliberation_create(request: HttpRequest, process: Process, slug: str) -> HttpResponse:
    """Open a deliberation: its question and seed statements."""
    form = DeliberationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            deliberation = services.create_deliberation(
                process, actor=request.user, slug=data.pop("slug"), seeds=data.pop("seeds"), **data
            )
        except SlugTaken as exc:
            form.add_error("slug", str(exc))
        except (AnalysisError, ValidationError) as exc:
            form.add_error(None, _messages_of(exc))
        else:
            messages.success(request, _("The deliberation was created as a draft."))
            return redirect("analysis:detail", slug=deliberation.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "analysis/edit.html", {"process": process, "form": form}, status=status)


def _messages_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@permission_required(perms.VIEW, obj=the_deliberation)
@require_GET
def deliberation_detail(
    request: HttpRequest, deliberation: Deliberation, slug: str
) -> HttpResponse:
    """The question, the next statement to vote on, and one's votes so far."""
    participant = find_participant(deliberation, request.user, _token(request, deliberation))
    voted = selectors.votes_of(participant)
    statements = list(selectors.statements_of(deliberation))
    for statement in statements:
        statement.my_vote = voted.get(statement.number)  # type: ignore[attr-defined]
    context = {
        "process": deliberation.process,
        "deliberation": deliberation,
        "statements": statements,
        "next": selectors.next_statement(deliberation, voted),
        "voted": len(voted),
        "can_take_part": has_perm(request.user, perms.PARTICIPATE, deliberation),
        "can_manage": has_perm(request.user, perms.MANAGE, deliberation),
        "joined_elsewhere": participant is None
        and deliberation.is_anonymous
        and has_joined(deliberation, request.user),
        "statement_form": StatementForm(),
        "counts": selectors.counts_of(deliberation),
        "statuses": sorted(services.NEXT_STATUS[Status(deliberation.status)]),
        "Status": Status,
    }
    return render(request, "analysis/detail.html", context)


@permission_required(perms.VIEW, obj=the_deliberation)
@require_POST
def vote(request: HttpRequest, deliberation: Deliberation, slug: str) -> HttpResponse:
    """Agree, disagree or pass on a statement; back to the deliberation (works without JS)."""
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose agree, disagree or pass on a statement."))
        return redirect("analysis:detail", slug=deliberation.slug)
    token = _token(request, deliberation)
    try:
        _vote, _changed, token = services.cast_vote(
            deliberation,
            actor=request.user,
            statement_number=form.cleaned_data["statement"],
            value=VOTE_NAMES[form.cleaned_data["vote"]],
            token=token,
        )
    except AnalysisError as exc:
        messages.error(request, str(exc))
        return redirect("analysis:detail", slug=deliberation.slug)
    response = redirect(f"/deliberations/{deliberation.slug}/#vote")
    return _keep_token(response, deliberation, token)


@permission_required(perms.VIEW, obj=the_deliberation)
@require_POST
def statement_add(request: HttpRequest, deliberation: Deliberation, slug: str) -> HttpResponse:
    """Write a statement; it waits for moderation (seed statements from the secretariat do not)."""
    form = StatementForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("analysis:detail", slug=deliberation.slug)
    token = _token(request, deliberation)
    try:
        if has_perm(request.user, perms.MANAGE, deliberation):
            services.add_seed_statement(
                deliberation, actor=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, _("The statement was added."))
        else:
            _statement, token = services.submit_statement(
                deliberation, actor=request.user, text=form.cleaned_data["text"], token=token
            )
            messages.success(request, _("Thank you: your statement will be shown once moderated."))
    except AnalysisError as exc:
        messages.error(request, str(exc))
    return _keep_token(redirect("analysis:detail", slug=deliberation.slug), deliberation, token)


@permission_required(perms.VIEW, obj=the_deliberation)
@require_GET
def opinion_map(request: HttpRequest, deliberation: Deliberation, slug: str) -> HttpResponse:
    """The opinion groups: an SVG map with its table, representative statements, consensus."""
    found = selectors.opinion_map_of(deliberation)
    if not found.is_current and found.state != MapState.QUEUED:
        try:
            found = services.request_opinion_map(deliberation)
        except Exception:  # noqa: BLE001  the last map is shown, with the failure said
            found.refresh_from_db()
    texts = dict(deliberation.statements.values_list("number", "text"))
    from .mapping import map_context

    context = {
        "process": deliberation.process,
        "deliberation": deliberation,
        "map": found,
        "MapState": MapState,
        **map_context(found.result, texts),
    }
    return render(request, "analysis/map.html", context)


@permission_required(perms.MANAGE, obj=the_deliberation)
@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, deliberation: Deliberation, slug: str) -> HttpResponse:
    """Accept statements or moderate them out."""
    if request.method == "POST":
        wanted = request.POST.get("status", "")
        try:
            number = int(request.POST.get("statement", ""))
        except ValueError:
            raise Http404 from None
        statement = selectors.statement_for(deliberation, number)
        try:
            services.moderate_statement(statement, actor=request.user, status=wanted)
        except AnalysisError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Statement %(n)s: %(s)s.") % {"n": number, "s": StatementStatus(wanted).label},
            )
        return redirect("analysis:moderate", slug=deliberation.slug)
    context = {
        "process": deliberation.process,
        "deliberation": deliberation,
        "statements": selectors.statements_of(deliberation, moderation=True),
    }
    return render(request, "analysis/moderate.html", context)


@permission_required(perms.MANAGE, obj=the_deliberation)
@require_POST
def deliberation_status(
    request: HttpRequest, deliberation: Deliberation, slug: str
) -> HttpResponse:
    """Open, close or reopen."""
    wanted = request.POST.get("status", "")
    if wanted not in Status.values:
        raise Http404
    try:
        services.set_status(deliberation, wanted, actor=request.user)
    except AnalysisError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The deliberation is now: %(status)s.") % {"status": Status(wanted).label}
        )
    return redirect("analysis:detail", slug=deliberation.slug)


@permission_required(perms.MANAGE, obj=the_deliberation)
@require_GET
def export(request: HttpRequest, deliberation: Deliberation, slug: str, name: str) -> HttpResponse:
    """One file of the Polis open-data layout."""
    from .opendata import FILES, Export
    from .results import group_of_participants

    if name not in FILES:
        raise Http404
    groups = (
        group_of_participants(deliberation) if name in ("participants-votes", "summary") else {}
    )
    body = Export(deliberation, groups).file(name)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{deliberation.slug}-{name}.csv"'
    return response


def the_consultation(request: HttpRequest, slug: str, **kwargs: Any) -> Any:
    from consultations.selectors import consultation_for

    return consultation_for(request.user, slug)


def _consultation_manage() -> str:
    from consultations.permissions import MANAGE

    return MANAGE


@permission_required(_consultation_manage(), obj=the_consultation)
@require_GET
def campaigns(request: HttpRequest, consultation: Any, slug: str) -> HttpResponse:
    """Near-identical written answers of a consultation: one argument beside its signatures."""
    from .campaigns import DEFAULT_THRESHOLD, consultation_campaigns

    form = CampaignForm(request.GET or None, initial={"threshold": DEFAULT_THRESHOLD})
    threshold = form.cleaned_data["threshold"] if form.is_valid() else DEFAULT_THRESHOLD
    report = consultation_campaigns(consultation, threshold=threshold)
    context = {
        "process": consultation.process,
        "consultation": consultation,
        "form": form,
        "report": report,
    }
    return render(
        request,
        "analysis/campaigns.html",
        context,
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


def _text_questions(consultation: Any) -> list[tuple[str, str]]:
    from consultations.selectors import current_version, definition_of
    from consultations.tallying import result_questions

    version = current_version(consultation)
    if version is None:
        return []
    form = definition_of(version)
    language = form.default_language
    return [
        (path, str(q.labels.get(language) or next(iter(q.labels.values()), q.name)))
        for path, q in result_questions(form)
        if q.type == "text"
    ]


def _may_see_themes(request: HttpRequest, consultation: Any) -> None:
    if not selectors.may_see_themes(request.user, consultation):
        raise Http404


@public_view
@require_http_methods(["GET", "POST"])
def theme_runs(request: HttpRequest, slug: str) -> HttpResponse:
    """A consultation's theme runs; the secretariat starts one on a free-text question."""
    consultation = the_consultation(request, slug)
    can_start = selectors.may_start_themes(request.user, consultation)
    if not can_start:
        _may_see_themes(request, consultation)
    form = ThemeRunForm(request.POST or None, questions=_text_questions(consultation))
    return _theme_runs_page(
        request,
        consultation,
        form=form if can_start else None,
        start=lambda: services.start_theme_run(
            consultation, actor=request.user, question=form.cleaned_data["question"]
        ),
    )


@public_view
@require_GET
def theme_run(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A run's themes with sizes and (for the secretariat) exact quotes; polled while running."""
    consultation = the_consultation(request, slug)
    run = selectors.theme_run_in(consultation, request.user, pk)
    return _theme_run_page(request, consultation, run)


def the_revision(request: HttpRequest, slug: str, number: int, **kwargs: Any) -> Any:
    from drafts.selectors import revision_for

    return revision_for(request.user, slug, number)


def _text_view() -> str:
    from drafts.permissions import VIEW

    return VIEW


@permission_required(_text_view(), obj=the_revision)
@require_http_methods(["GET", "POST"])
def revision_theme_runs(
    request: HttpRequest, revision: Any, slug: str, number: int
) -> HttpResponse:
    """A revision's theme runs; the secretariat starts one on its published submissions."""
    can_start = selectors.may_start_themes(request.user, revision)
    return _theme_runs_page(
        request,
        revision,
        form=_start_form(request) if can_start else None,
        start=lambda: services.start_revision_theme_run(revision, actor=request.user),
    )


@permission_required(_text_view(), obj=the_revision)
@require_GET
def revision_theme_run(
    request: HttpRequest, revision: Any, slug: str, number: int, pk: int
) -> HttpResponse:
    """A run's themes in a revision's published submissions, with sizes and exact quotes."""
    return _theme_run_page(request, revision, selectors.theme_run_in(revision, request.user, pk))


@permission_required(perms.VIEW, obj=the_deliberation)
@require_http_methods(["GET", "POST"])
def deliberation_theme_runs(
    request: HttpRequest, deliberation: Deliberation, slug: str
) -> HttpResponse:
    """A deliberation's theme runs; its secretariat starts one on the accepted statements."""
    can_start = selectors.may_start_themes(request.user, deliberation)
    return _theme_runs_page(
        request,
        deliberation,
        form=_start_form(request) if can_start else None,
        start=lambda: services.start_deliberation_theme_run(deliberation, actor=request.user),
    )


@permission_required(perms.VIEW, obj=the_deliberation)
@require_GET
def deliberation_theme_run(
    request: HttpRequest, deliberation: Deliberation, slug: str, pk: int
) -> HttpResponse:
    """A run's themes in a deliberation's accepted statements, with sizes and exact quotes."""
    run = selectors.theme_run_in(deliberation, request.user, pk)
    return _theme_run_page(request, deliberation, run)


def _start_form(request: HttpRequest) -> ThemeStartForm:
    # Bound on every POST, even an empty one: the form has no field.
    return ThemeStartForm(request.POST if request.method == "POST" else None)


def _source_context(source: Any) -> dict[str, Any]:
    """What the theme pages say of their source: its title, its page, the themes' page."""
    from django.urls import reverse

    kind = selectors.source_kind(source)
    if kind == "consultation":
        args, page = [source.slug], reverse("consultations:detail", args=[source.slug])
        process = source.process
    elif kind == "revision":
        args = [source.text.slug, source.number]
        page, process = reverse("drafts:revision", args=args), source.text.process
    else:
        args, page = [source.slug], reverse("analysis:detail", args=[source.slug])
        process = source.process
    names = {"consultation": "theme_runs", "revision": "revision_theme_runs"}
    themes_url = reverse(f"analysis:{names.get(kind, 'deliberation_theme_runs')}", args=args)
    title = f"{source.text.title} — {source.title}" if kind == "revision" else source.title
    return {
        "process": process,
        "source": source,
        "source_kind": kind,
        "source_title": title,
        "source_url": page,
        "themes_url": themes_url,
    }


def _theme_runs_page(
    request: HttpRequest, source: Any, *, form: Any, start: Callable[[], Any]
) -> HttpResponse:
    context = _source_context(source)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                run = start()
            except AnalysisError as exc:
                form.add_error("question" if "question" in form.fields else None, str(exc))
            else:
                return redirect(f"{context['themes_url']}{run.pk}/")
    context.update(runs=selectors.theme_runs_of(source), form=form)
    status = 400 if request.method == "POST" else 200
    return render(request, "analysis/theme_runs.html", context, status=status)


def _theme_run_page(request: HttpRequest, source: Any, run: Any) -> HttpResponse:
    context = _source_context(source)
    context.update(
        run=run,
        run_url=f"{context['themes_url']}{run.pk}/",
        themes=selectors.themes_of(run, request.user) if run.state == "ready" else [],
        quotes=selectors.may_see_quotes(request.user, source),
        suppressed=selectors.suppresses_small_cells(source),
    )
    if request.headers.get("HX-Request"):
        if run.state in ("queued", "running"):
            return render(request, "analysis/partials/theme_progress.html", context)
        return HttpResponse(headers={"HX-Refresh": "true"})  # done: the whole page again
    return render(request, "analysis/theme_run.html", context)
