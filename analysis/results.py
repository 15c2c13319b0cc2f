"""From stored votes to Polis's math and back: the vote matrix of a deliberation, and the
opinion map as stored (JSON) and shown."""

from typing import Any

import numpy as np

from .choices import StatementStatus
from .models import Deliberation, Vote
from .opinions import OpinionGroups, VoteMatrix


def matrix_of(deliberation: Deliberation) -> tuple[VoteMatrix, list[int]]:
    """The vote matrix (participants by their random id, in the order of their first vote) and
    the moderated-out statements."""
    statements = list(
        deliberation.statements.exclude(status=StatementStatus.PENDING)
        .order_by("number")
        .values_list("number", "status")
    )
    votes = (
        Vote.objects.filter(statement__deliberation=deliberation)
        .order_by("id")
        .values_list("participant_id", "statement__number", "value")
    )
    matrix = VoteMatrix.from_votes(
        ((str(p), s, v) for p, s, v in votes), statements=[n for n, _s in statements]
    )
    return matrix, [n for n, status in statements if status == StatementStatus.REJECTED]


def _round(value: float) -> float:
    return round(float(value), 4)


def serialise(groups: OpinionGroups, matrix: VoteMatrix) -> dict[str, Any]:
    """The map as stored: positions without participant ids (sorted, so that their order says
    nothing of who joined when), groups, representative and consensus statements."""
    points = sorted(
        (int(g), _round(x), _round(y))
        for (x, y), g, inside in zip(
            groups.positions, groups.labels, groups.in_conversation, strict=True
        )
        if inside and g >= 0
    )
    sizes = np.bincount(groups.labels[groups.labels >= 0], minlength=groups.k)
    return {
        "k": groups.k,
        "participants": len(matrix.participants),
        "in_conversation": int(groups.in_conversation.sum()),
        "silhouettes": {str(k): _round(v) for k, v in groups.silhouettes.items()},
        "points": [[g, x, y] for g, x, y in points],
        "groups": [
            {
                "id": g,
                "size": int(sizes[g]),
                "representative": [
                    {
                        "statement": int(r.statement),
                        "direction": r.direction,
                        "n_success": r.n_success,
                        "n_trials": r.n_trials,
                        "p_success": _round(r.p_success),
                        "p_test": _round(r.p_test),
                        "repness": _round(r.repness),
                        "repness_test": _round(r.repness_test),
                        "best_agree": r.best_agree,
                    }
                    for r in groups.representative.get(g, [])
                ],
            }
            for g in range(groups.k)
        ],
        "consensus": {
            direction: [
                {
                    "statement": int(c.statement),
                    "n_success": c.n_success,
                    "n_trials": c.n_trials,
                    "p_success": _round(c.p_success),
                    "p_test": _round(c.p_test),
                }
                for c in items
            ]
            for direction, items in groups.consensus.items()
        },
        "group_consensus": {str(s): _round(v) for s, v in groups.group_consensus.items()},
        "statement_positions": {
            str(s): [_round(x), _round(y)]
            for s, (x, y) in zip(groups.statements, groups.statement_positions, strict=True)
        },
    }


def group_of_participants(deliberation: Deliberation) -> dict[str, int]:
    """Each clustered participant's group, by random id (exports): the groups of the opinion map
    as last computed, or computed now from the votes when there is none yet."""
    from .opinions import State, compute

    carried = State.from_dict(getattr(getattr(deliberation, "opinion_map", None), "carried", None))
    if carried.base:
        return carried.group_of()
    matrix, out = matrix_of(deliberation)
    return compute(matrix, moderated_out=out).group_of()
