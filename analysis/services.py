"""Every write of deliberations: setting them up, statements and their moderation, votes, and
the computation of the opinion map (run by tasks.compute_opinion_map)."""

import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import Process
from core.services import replace_invitees
from core.tasks import enqueue_on_commit

from .choices import NEXT_STATUS, MapState, RunState, StatementStatus, Status, ThemeMethod
from .exceptions import (
    DuplicateStatement,
    InvalidStatement,
    InvalidVote,
    NotFreeText,
    NotInAudience,
    NotOpen,
    SlugTaken,
    StatementNotVotable,
    StatusNotAllowed,
    TooFewAnswers,
    TooFewTexts,
    UnknownQuestion,
    UnknownStatement,
)
from .models import (
    STATEMENT_MAX,
    Deliberation,
    OpinionMap,
    Participant,
    Statement,
    Theme,
    ThemeQuote,
    ThemeRun,
    Vote,
)
from .participation import join
from .permissions import in_audience
from .themes import MIN_TEXTS, find_themes, semantic_available, tokens

logger = logging.getLogger(__name__)

DELIBERATION_FIELDS = ("title", "question", "audience", "identity", "participants_write")


# Setting up ---------------------------------------------------------------------------------------


def create_deliberation(
    process: Process, *, actor: Any, slug: str, seeds: list[str] | None = None, **fields: Any
) -> Deliberation:
    """Open a draft deliberation in a process, with its seed statements."""
    if Deliberation.objects.filter(slug=slug).exists():
        raise SlugTaken()
    deliberation = Deliberation(process=process, slug=slug, created_by=actor)
    for name in DELIBERATION_FIELDS:
        if name in fields:
            setattr(deliberation, name, fields[name])
    deliberation.full_clean()
    texts = [_clean_text(t) for t in (seeds or []) if t.strip()]
    with transaction.atomic():
        deliberation.save()
        OpinionMap.objects.create(deliberation=deliberation)
        for text in dict.fromkeys(texts):
            _new_statement(deliberation, text, author=None, seed=True)
        audit.record(
            "analysis.deliberation.created",
            actor=actor,
            obj=deliberation,
            process=process,
            data={"seeds": len(texts)},
        )
    return deliberation


def set_status(deliberation: Deliberation, status: str, *, actor: Any) -> Deliberation:
    """Open, close or reopen a deliberation."""
    with transaction.atomic():
        locked = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
        allowed = NEXT_STATUS[Status(locked.status)]
        if status not in allowed:
            raise StatusNotAllowed(
                str(locked.get_status_display()),
                str(Status(status).label) if status in Status.values else status,
                sorted(str(s) for s in allowed),
            )
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        audit.record(
            f"analysis.deliberation.{status}", actor=actor, obj=locked, process=locked.process
        )
    deliberation.status, deliberation.updated_at = status, locked.updated_at
    return deliberation


def set_invitees(deliberation: Deliberation, emails: list[str], *, actor: Any) -> int:
    """Replace the invited list; returns how many addresses it holds."""
    return replace_invitees(
        deliberation, emails, actor=actor, action="analysis.deliberation.invitees_changed"
    )


# Statements --------------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise InvalidStatement(_("Write the statement."))
    if len(text) > STATEMENT_MAX:
        raise InvalidStatement(
            _("A statement holds at most %(n)s characters.") % {"n": STATEMENT_MAX}
        )
    if "\x00" in text:
        raise InvalidStatement(_("The statement holds a character that cannot be stored."))
    return text


def _new_statement(
    deliberation: Deliberation, text: str, *, author: Participant | None, seed: bool
) -> Statement:
    same = deliberation.statements.filter(text__iexact=text).first()
    if same is not None:
        raise DuplicateStatement(same.number)
    last = deliberation.statements.aggregate(n=Max("number"))["n"]
    return Statement.objects.create(
        deliberation=deliberation,
        number=0 if last is None else last + 1,
        text=text,
        author=author,
        is_seed=seed,
        status=StatementStatus.ACCEPTED if seed else StatementStatus.PENDING,
        created_at=_stored_time(deliberation, timezone.now()),
    )


def add_seed_statement(deliberation: Deliberation, *, actor: Any, text: str) -> Statement:
    """The secretariat adds a statement, accepted as it is."""
    text = _clean_text(text)
    with transaction.atomic():
        Deliberation.objects.select_for_update().get(pk=deliberation.pk)
        statement = _new_statement(deliberation, text, author=None, seed=True)
        audit.record(
            "analysis.statement.seeded",
            actor=actor,
            obj=deliberation,
            process=deliberation.process,
            data={"statement": statement.number},
        )
        _map_changed(deliberation)
    return statement


def submit_statement(
    deliberation: Deliberation,
    *,
    actor: Any,
    text: str,
    token: str = "",
    declared: dict[str, str] | None = None,
) -> tuple[Statement, str]:
    """A participant writes a statement; it waits for moderation. Returns (statement, token)."""
    _check_open(deliberation, actor)
    if not deliberation.participants_write:
        raise InvalidStatement(_("This deliberation takes statements from its organisers only."))
    text = _clean_text(text)
    participant, token = _participant(deliberation, actor, token, declared)
    with transaction.atomic():
        Deliberation.objects.select_for_update().get(pk=deliberation.pk)
        statement = _new_statement(deliberation, text, author=participant, seed=False)
    # No audit entry: in anonymous deliberations it would tie an account to a statement.
    return statement, token


def moderate_statement(statement: Statement, *, actor: Any, status: str) -> Statement:
    """Accept a statement, or moderate it out (its votes then count for nothing)."""
    if status not in (StatementStatus.ACCEPTED, StatementStatus.REJECTED):
        raise InvalidStatement(_("Choose accept or moderate out."))
    with transaction.atomic():
        statement.status = status
        statement.save(update_fields=["status"])
        audit.record(
            f"analysis.statement.{status}",
            actor=actor,
            obj=statement.deliberation,
            process=statement.deliberation.process,
            data={"statement": statement.number},
        )
        _map_changed(statement.deliberation)
    return statement


# Votes -------------------------------------------------------------------------------------------


def _check_open(deliberation: Deliberation, actor: Any) -> None:
    if deliberation.status != Status.OPEN:
        raise NotOpen()
    if not in_audience(actor, deliberation):
        raise NotInAudience()


def _participant(
    deliberation: Deliberation, actor: Any, token: str, declared: dict[str, str] | None
) -> tuple[Participant, str]:
    from .participation import find_participant

    found = find_participant(deliberation, actor, token)
    if found is not None:
        return found, token
    return join(deliberation, actor, declared=declared)


def cast_vote(
    deliberation: Deliberation,
    *,
    actor: Any,
    statement_number: int,
    value: int,
    token: str = "",
    declared: dict[str, str] | None = None,
) -> tuple[Vote, bool, str]:
    """Record a vote (agree 1, disagree -1, pass 0). The same vote again changes nothing; another
    replaces it. Returns (vote, changed, token). Nothing is stored on a refusal."""
    if value not in (-1, 0, 1) or isinstance(value, bool):
        raise InvalidVote()
    _check_open(deliberation, actor)
    statement = deliberation.statements.filter(number=statement_number).first()
    if statement is None:
        raise UnknownStatement()
    if statement.status != StatementStatus.ACCEPTED:
        raise StatementNotVotable()
    participant, token = _participant(deliberation, actor, token, declared)
    moment = _stored_time(deliberation, timezone.now())
    with transaction.atomic():
        vote = (
            Vote.objects.select_for_update()
            .filter(participant=participant, statement=statement)
            .first()
        )
        if vote is not None and vote.value == value:
            return vote, False, token
        if vote is None:
            try:
                with transaction.atomic():
                    vote = Vote.objects.create(
                        participant=participant, statement=statement, value=value, modified=moment
                    )
            except IntegrityError:  # a twin request won the race
                vote = Vote.objects.get(participant=participant, statement=statement)
                return vote, False, token
        else:
            vote.value, vote.modified = value, moment
            vote.save(update_fields=["value", "modified"])
        _map_changed(deliberation)
    # No audit entry for a vote, as for an answer (consultations/submission.py).
    return vote, True, token


def _stored_time(deliberation: Deliberation, moment: datetime) -> datetime:
    if not deliberation.is_anonymous:
        return moment
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


# The opinion map --------------------------------------------------------------------------------


def _map_changed(deliberation: Deliberation) -> None:
    OpinionMap.objects.filter(deliberation=deliberation).update(version=F("version") + 1)


def request_opinion_map(deliberation: Deliberation) -> OpinionMap:
    """Queue the computation of the map unless it is current or already queued (inline when no
    broker is configured, so the map is current on return)."""
    from .tasks import compute_opinion_map as task

    opinion_map, _created = OpinionMap.objects.get_or_create(deliberation=deliberation)
    if opinion_map.is_current:
        return opinion_map
    with transaction.atomic():
        queued = OpinionMap.objects.filter(pk=opinion_map.pk).exclude(state=MapState.QUEUED)
        if queued.update(state=MapState.QUEUED):
            enqueue_on_commit(task, deliberation.pk)
    opinion_map.refresh_from_db()
    return opinion_map


def compute_opinion_map(deliberation: Deliberation) -> OpinionMap:
    """Run Polis's math on the current votes and store the result (the task's work)."""
    from .opinions import State, compute
    from .results import matrix_of, serialise

    opinion_map, _created = OpinionMap.objects.get_or_create(deliberation=deliberation)
    version = opinion_map.version
    matrix, moderated_out = matrix_of(deliberation)
    try:
        groups = compute(
            matrix, moderated_out=moderated_out, previous=State.from_dict(opinion_map.carried)
        )
    except Exception:
        logger.exception("opinion map of deliberation %s failed", deliberation.pk)
        OpinionMap.objects.filter(pk=opinion_map.pk).update(
            state=MapState.FAILED, error="computation failed"
        )
        raise
    result = serialise(groups, matrix)
    OpinionMap.objects.filter(pk=opinion_map.pk).update(
        state=MapState.READY,
        computed_version=version,
        computed_at=timezone.now(),
        result=result,
        carried=groups.state.as_dict() if groups.state else {},
        error="",
    )
    opinion_map.refresh_from_db()
    return opinion_map


# Themes in free text ----------------------------------------------------------------------------


def _question_of(consultation: Any, path: str) -> tuple[Any, str]:
    """The text question at `path` of the consultation's current form, and its label."""
    from consultations.selectors import current_version, definition_of
    from consultations.tallying import result_questions

    version = current_version(consultation)
    if version is None or not path:
        raise UnknownQuestion()
    form = definition_of(version)
    found = next((q for p, q in result_questions(form) if p == path), None)
    if found is None:
        raise UnknownQuestion()
    if found.type != "text":
        raise NotFreeText()
    language = form.default_language
    label = found.labels.get(language) or next(iter(found.labels.values()), found.name)
    return found, str(label)


def start_theme_run(consultation: Any, *, actor: Any, question: str) -> ThemeRun:
    """Queue the search for themes in a text question's answers (inline without a broker)."""
    from .tasks import compute_theme_run as task
    from .texts import answers_to

    _found, label = _question_of(consultation, question)
    # An answer of emoji or digits alone has no word to group by.
    count = sum(1 for answer in answers_to(consultation, question) if tokens(answer.text))
    if count < MIN_TEXTS:
        raise TooFewAnswers(count, MIN_TEXTS)
    method = ThemeMethod.SEMANTIC if semantic_available() else ThemeMethod.TFIDF
    with transaction.atomic():
        run = ThemeRun.objects.create(
            consultation=consultation,
            question=question,
            question_label=label[:500],
            method=method,
            texts=count,
            created_by=actor,
        )
        audit.record(
            "analysis.theme_run.started",
            actor=actor,
            obj=run,
            process=consultation.process,
            data={"question": question, "method": method},
        )
        enqueue_on_commit(task, run.pk)
    return run


def start_revision_theme_run(revision: Any, *, actor: Any) -> ThemeRun:
    """Queue the search for themes in a draft revision's published submissions (their body:
    written submissions' text and amendments' justifications; not the proposed wording)."""
    from .texts import submissions_to

    label = f"{revision.text.title} — {revision.title}"
    found = submissions_to(revision)
    return _start_run(
        actor=actor,
        process=revision.text.process,
        count=sum(1 for a in found if tokens(a.text)),
        fields={"revision": revision, "question": "body", "question_label": label[:500]},
    )


def start_deliberation_theme_run(deliberation: Any, *, actor: Any) -> ThemeRun:
    """Queue the search for themes in a deliberation's accepted statements."""
    from .texts import statements_to

    found = statements_to(deliberation)
    return _start_run(
        actor=actor,
        process=deliberation.process,
        count=sum(1 for a in found if tokens(a.text)),
        fields={
            "deliberation": deliberation,
            "question": "text",
            "question_label": deliberation.title[:500],
        },
    )


def _start_run(*, actor: Any, process: Any, count: int, fields: dict[str, Any]) -> ThemeRun:
    from .tasks import compute_theme_run as task

    if count < MIN_TEXTS:
        raise TooFewTexts(count, MIN_TEXTS)
    method = ThemeMethod.SEMANTIC if semantic_available() else ThemeMethod.TFIDF
    with transaction.atomic():
        run = ThemeRun.objects.create(method=method, texts=count, created_by=actor, **fields)
        audit.record(
            "analysis.theme_run.started",
            actor=actor,
            obj=run,
            process=process,
            data={"source": run.source_kind, "method": method},
        )
        enqueue_on_commit(task, run.pk)
    return run


def compute_theme_run(run: ThemeRun) -> ThemeRun:
    """Find the themes and store them with their quotes, all or nothing (the task's work)."""
    from .texts import texts_of

    ThemeRun.objects.filter(pk=run.pk).update(state=RunState.RUNNING, progress=5)
    answers = [a for a in texts_of(run) if tokens(a.text)]

    def progress(percent: int) -> None:
        ThemeRun.objects.filter(pk=run.pk).update(progress=percent)

    try:
        found = find_themes([a.text for a in answers], method=run.method, progress=progress)
        with transaction.atomic():
            for theme in found.themes:
                _store_theme(run, theme, answers)
            ThemeRun.objects.filter(pk=run.pk).update(
                state=RunState.READY, progress=100, texts=len(answers), finished_at=timezone.now()
            )
    except Exception:
        logger.exception("theme run %s failed", run.pk)
        ThemeRun.objects.filter(pk=run.pk).update(
            state=RunState.FAILED, error="computation failed", finished_at=timezone.now()
        )
        raise
    run.refresh_from_db()
    return run


def _store_theme(run: ThemeRun, found: Any, answers: list[Any]) -> None:
    members = [answers[i] for i in found.members]
    breakdown = {
        "kind": dict(Counter(a.kind or "" for a in members)),
        "region": dict(Counter(a.region or "" for a in members)),
    }
    theme = Theme.objects.create(
        run=run,
        number=found.number,
        label=found.label[:300],
        terms=found.terms,
        size=len(members),
        breakdown=breakdown,
    )
    ThemeQuote.objects.bulk_create(
        ThemeQuote(
            theme=theme,
            response_id=answers[q.document].response_id,
            submission_id=answers[q.document].submission_id,
            statement_id=answers[q.document].statement_id,
            path=run.question,
            entry=answers[q.document].entry,
            start=q.start,
            end=q.end,
            text=answers[q.document].text[q.start : q.end],
        )
        for q in found.quotes
    )
