"""Reads of deliberations, scoped to what the viewer may see."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from core.models import Process
from core.permissions import has_perm

from .choices import StatementStatus
from .models import Deliberation, OpinionMap, Participant, Statement
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
