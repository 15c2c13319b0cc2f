"""Reads of deliberations, scoped to what the viewer may see."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.disclosure import Cell, protect, suppress
from core.models import Process
from core.permissions import has_perm

from .choices import StatementStatus
from .models import Deliberation, OpinionMap, Participant, Statement, ThemeRun
from .permissions import VIEW


def deliberations_in(process: Process, viewer: Any) -> QuerySet[Deliberation]:
    """The process's deliberations the viewer may see."""
    return (
        Deliberation.objects.filter(process=process)
        .restrict(viewer)
        .select_related("process")
        .order_by("-created_at", "title")
    )


def deliberation_for(viewer: Any, slug: str) -> Deliberation:
    """The deliberation if the viewer may see it; otherwise it does not exist (404)."""
    found = Deliberation.objects.select_related("process").filter(slug=slug).first()
    if found is None or not has_perm(viewer, VIEW, found):
        raise Http404
    return found


def statements_of(deliberation: Deliberation, *, moderation: bool = False) -> QuerySet[Statement]:
    """Accepted statements with their vote counts; every statement for moderators."""
    statements = deliberation.statements.all()
    if not moderation:
        statements = statements.filter(status=StatementStatus.ACCEPTED)
    return statements.annotate(
        agrees=Count("votes", filter=Q(votes__value=1)),
        disagrees=Count("votes", filter=Q(votes__value=-1)),
        passes=Count("votes", filter=Q(votes__value=0)),
    ).order_by("number")


def statement_for(deliberation: Deliberation, number: int) -> Statement:
    found = deliberation.statements.filter(number=number).first()
    if found is None:
        raise Http404
    return found


def votes_of(participant: Participant | None) -> dict[int, int]:
    """A participant's votes by statement number."""
    if participant is None:
        return {}
    return dict(participant.votes.values_list("statement__number", "value"))


def next_statement(deliberation: Deliberation, voted: dict[int, int]) -> Statement | None:
    """The accepted statement to vote on next: the oldest one not yet voted on."""
    return (
        deliberation.statements.filter(status=StatementStatus.ACCEPTED)
        .exclude(number__in=list(voted))
        .order_by("number")
        .first()
    )


def opinion_map_of(deliberation: Deliberation) -> OpinionMap:
    found, _created = OpinionMap.objects.get_or_create(deliberation=deliberation)
    return found


def counts_of(deliberation: Deliberation) -> dict[str, int]:
    return {
        "participants": deliberation.participants.count(),
        "statements": deliberation.statements.filter(status=StatementStatus.ACCEPTED).count(),
        "pending": deliberation.statements.filter(status=StatementStatus.PENDING).count(),
    }


# Themes ------------------------------------------------------------------------------------------


@dataclass
class QuoteView:
    """An exact quote: `text` is the stored answer at (response_id, path, entry)[start:end]."""

    response_id: int
    path: str
    entry: int
    start: int
    end: int
    text: str


@dataclass
class ThemeView:
    number: int
    label: str
    terms: list[str]
    size: Cell
    by_kind: list[tuple[str, str, Cell]]
    by_region: list[tuple[str, str, Cell]]
    quotes: list[QuoteView] = field(default_factory=list)


def theme_runs_of(consultation: Any) -> QuerySet[ThemeRun]:
    """A consultation's theme runs, newest first, with the number of themes each found."""
    return (
        ThemeRun.objects.filter(consultation=consultation)
        .annotate(theme_count=Count("themes"))
        .order_by("-created_at", "-id")
    )


def may_see_themes(viewer: Any, consultation: Any) -> bool:
    from consultations.permissions import VIEW_RESULTS

    return has_perm(viewer, VIEW_RESULTS, consultation)


def may_see_quotes(viewer: Any, consultation: Any) -> bool:
    """Quotes are written answers: the secretariat only, as in consultation results."""
    from consultations.permissions import MANAGE

    return has_perm(viewer, MANAGE, consultation)


def theme_run_in(consultation: Any, viewer: Any, pk: int) -> ThemeRun:
    """A run of this consultation if the viewer may see its themes; otherwise 404."""
    found = ThemeRun.objects.filter(consultation=consultation, pk=pk).first()
    if found is None or not may_see_themes(viewer, consultation):
        raise Http404
    return found


def _cells(counts: dict[str, int], choices: Any, size: int, suppress: bool) -> list[Any]:
    keys = sorted(counts, key=lambda k: (-counts[k], k))
    labels = dict(choices.choices)
    row = [size] + [counts[k] for k in keys]
    shown = protect([row], row, additive=False)[0] if suppress else row
    return [(k, str(labels.get(k, k or _("not given"))), shown[i + 1]) for i, k in enumerate(keys)]


def themes_of(run: ThemeRun, viewer: Any) -> list[ThemeView]:
    """The run's themes as the viewer may see them: sizes with small cells suppressed (outside
    attributed mode), quotes only for the secretariat."""
    from stakeholders.choices import OrganisationKind, Region

    consultation = run.consultation
    hide = consultation.suppresses_small_cells
    quotes = may_see_quotes(viewer, consultation)
    themes = run.themes.order_by("number")
    if quotes:
        themes = themes.prefetch_related("quotes")
    found = []
    for theme in themes:
        view = ThemeView(
            number=theme.number,
            label=theme.label,
            terms=list(theme.terms),
            size=suppress(theme.size, hide),
            by_kind=_cells(theme.breakdown.get("kind", {}), OrganisationKind, theme.size, hide),
            by_region=_cells(theme.breakdown.get("region", {}), Region, theme.size, hide),
        )
        if quotes:
            view.quotes = [
                QuoteView(q.response_id, q.path, q.entry, q.start, q.end, q.text)
                for q in theme.quotes.all()
            ]
        found.append(view)
    return found


def theme_run_for(viewer: Any, run_id: int) -> tuple[ThemeRun, list[ThemeView]]:
    """For reports: a ready run the viewer may see, with its themes (labels, sizes, quotes)."""
    run = ThemeRun.objects.select_related("consultation__process").filter(pk=run_id).first()
    if run is None or run.state != "ready" or not may_see_themes(viewer, run.consultation):
        raise Http404
    return run, themes_of(run, viewer)


# For reports -------------------------------------------------------------------------------------


def campaigns_in(consultation: Any, *, threshold: float | None = None) -> list[dict[str, Any]]:
    """Per written question of a consultation: its campaigns (near-identical answers) and exact
    duplicates, at the default similarity unless told."""
    from .campaigns import DEFAULT_THRESHOLD, consultation_campaigns

    chosen = DEFAULT_THRESHOLD if threshold is None else threshold
    return consultation_campaigns(consultation, threshold=chosen)


def quote_source(answers: dict[str, Any], path: str, entry: int) -> str | None:
    """The text a theme quote was cut from: a response's answer at `path` (entry of a repeat)."""
    from .texts import stored_text

    return stored_text(answers, path, entry)
