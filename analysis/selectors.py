"""Reads of deliberations, scoped to what the viewer may see."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.disclosure import Cell, protect, suppress
from core.models import Process
from core.permissions import has_perm

from .choices import StatementStatus
from .models import Deliberation, OpinionMap, Participant, Statement, ThemeQuote, ThemeRun
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
    """An exact quote: `text` is the stored text [start:end]; the answer at (response_id, path,
    entry), a submission's body (path "body") or a statement's text (path "text")."""

    response_id: int  # 0 when the quote is not from a consultation's response
    path: str
    entry: int
    start: int
    end: int
    text: str
    submission: str | None = None  # the submission's public id
    statement: int | None = None  # the statement's number


@dataclass
class ThemeView:
    number: int
    label: str
    terms: list[str]
    size: Cell
    by_kind: list[tuple[str, str, Cell]]
    by_region: list[tuple[str, str, Cell]]
    quotes: list[QuoteView] = field(default_factory=list)


def _source_field(source: Any) -> str:
    from drafts.models import Revision

    if isinstance(source, Deliberation):
        return "deliberation"
    return "revision" if isinstance(source, Revision) else "consultation"


def source_kind(source: Any) -> str:
    """ "consultation", "revision" or "deliberation": where a theme run's texts come from."""
    return _source_field(source)


def theme_runs_of(source: Any) -> QuerySet[ThemeRun]:
    """A source's theme runs (consultation, revision or deliberation), newest first, with the
    number of themes each found."""
    return (
        ThemeRun.objects.filter(**{_source_field(source): source})
        .annotate(theme_count=Count("themes"))
        .order_by("-created_at", "-id")
    )


def may_start_themes(viewer: Any, source: Any) -> bool:
    """The secretariat of the source's process starts runs."""
    from consultations.permissions import MANAGE as MANAGE_CONSULTATION
    from drafts.permissions import MANAGE as MANAGE_TEXT

    from .permissions import MANAGE

    kind = _source_field(source)
    rule = {"consultation": MANAGE_CONSULTATION, "revision": MANAGE_TEXT}.get(kind, MANAGE)
    return has_perm(viewer, rule, source)


def may_see_themes(viewer: Any, source: Any) -> bool:
    """A consultation's themes for whoever may read its results; a revision's for whoever may
    read its compilation; a deliberation's for whoever may see the deliberation."""
    from consultations.permissions import VIEW_RESULTS
    from drafts.permissions import VIEW as VIEW_TEXT

    kind = _source_field(source)
    rule = {"consultation": VIEW_RESULTS, "revision": VIEW_TEXT}.get(kind, VIEW)
    return has_perm(viewer, rule, source)


def may_see_quotes(viewer: Any, source: Any) -> bool:
    """Quotes of written answers: the secretariat only, as in consultation results. Published
    submissions and accepted statements are public to whoever may see the themes."""
    from consultations.permissions import MANAGE

    if _source_field(source) != "consultation":
        return may_see_themes(viewer, source)
    return has_perm(viewer, MANAGE, source)


def suppresses_small_cells(source: Any) -> bool:
    """Small cells are hidden as in the consultation's results; always for the other sources."""
    if _source_field(source) == "consultation":
        return bool(source.suppresses_small_cells)
    return True


def theme_run_in(source: Any, viewer: Any, pk: int) -> ThemeRun:
    """A run of this source if the viewer may see its themes; otherwise 404."""
    found = ThemeRun.objects.filter(**{_source_field(source): source}, pk=pk).first()
    if found is None or not may_see_themes(viewer, source):
        raise Http404
    return found


def _cells(counts: dict[str, int], labels: dict[str, Any], size: int, suppress: bool) -> list[Any]:
    keys = sorted(counts, key=lambda k: (-counts[k], k))
    row = [size] + [counts[k] for k in keys]
    shown = protect([row], row, additive=False)[0] if suppress else row
    return [(k, str(labels.get(k, k or _("not given"))), shown[i + 1]) for i, k in enumerate(keys)]


def _quote_view(quote: Any) -> QuoteView:
    return QuoteView(
        quote.response_id or 0,
        quote.path,
        quote.entry,
        quote.start,
        quote.end,
        quote.text,
        submission=quote.submission.public_id if quote.submission_id else None,
        statement=quote.statement.number if quote.statement_id else None,
    )


def _quotes_still_public() -> QuerySet[ThemeQuote]:
    """A submission withdrawn or unpublished, a statement rejected since the run: no longer
    quoted (the sizes still count them, as found at the time)."""
    from drafts.choices import SubmissionState

    return ThemeQuote.objects.select_related("submission", "statement").filter(
        Q(submission__isnull=True) | Q(submission__state=SubmissionState.PUBLISHED),
        Q(statement__isnull=True) | Q(statement__status=StatementStatus.ACCEPTED),
    )


def themes_of(run: ThemeRun, viewer: Any) -> list[ThemeView]:
    """The run's themes as the viewer may see them: sizes with small cells suppressed (outside
    attributed mode), quotes only for those who may read the texts."""
    from stakeholders.choices import OrganisationKind, Region

    source = run.source
    hide = suppresses_small_cells(source)
    quotes = may_see_quotes(viewer, source)
    kinds: dict[str, Any] = dict(OrganisationKind.choices)
    if run.revision_id:
        from drafts.selectors import constituency_labels

        kinds = dict(constituency_labels())
    regions: dict[str, Any] = dict(Region.choices)
    themes = run.themes.order_by("number")
    if quotes:
        themes = themes.prefetch_related(Prefetch("quotes", _quotes_still_public()))
    found = []
    for theme in themes:
        view = ThemeView(
            number=theme.number,
            label=theme.label,
            terms=list(theme.terms),
            size=suppress(theme.size, hide),
            by_kind=_cells(theme.breakdown.get("kind", {}), kinds, theme.size, hide),
            by_region=_cells(theme.breakdown.get("region", {}), regions, theme.size, hide),
        )
        if quotes:
            view.quotes = [_quote_view(q) for q in theme.quotes.all()]
        found.append(view)
    return found


if TYPE_CHECKING:
    from consultations.models import Consultation

    class ConsultationThemeRun(ThemeRun):
        """A run whose source is a consultation: what reports read."""

        consultation: Consultation
else:
    ConsultationThemeRun = ThemeRun


def theme_run_for(viewer: Any, run_id: int) -> tuple["ConsultationThemeRun", list[ThemeView]]:
    """For reports: a ready consultation run the viewer may see, with its themes (labels,
    sizes, quotes)."""
    run = (
        ThemeRun.objects.select_related("consultation__process")
        .filter(pk=run_id, consultation__isnull=False)
        .first()
    )
    if run is None or run.state != "ready" or not may_see_themes(viewer, run.consultation):
        raise Http404
    return cast("ConsultationThemeRun", run), themes_of(run, viewer)


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
