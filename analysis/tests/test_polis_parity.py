# ruff: noqa: T201  (the figures are printed, as the issue asks)
"""Our opinion groups against Polis's own, per conversation (printed; run with -s to read).

Groups: the adjusted Rand index between our groups and Polis's, over the participants both
clustered, for the four open-data conversations and the three with the Polis server's full math
output. Each conversation is replayed as Polis runs it: votes in the order cast, the math
recomputed once per minute that had votes (at most 150 times, spread evenly), each computation
carrying Polis's state (who is in the conversation, the base clusters, each k's groups, the
k-smoother). The floors are the figures measured (bench/analysis.py prints them beside red-dwarf
0.4.0's), less 0.02.

Representative statements, consensus and group-informed consensus: computed on Polis's own
groups, they must be exactly the fixture's, statement for statement.
"""

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from analysis import opinions as op
from analysis.tests.polisdata import (
    FIXTURES,
    OPEN_DATA,
    available,
    conversation,
    fixture,
    vote_times,
)

pytestmark = pytest.mark.skipif(not available(), reason="../shared/data is not here")

# Measured with REPLAY (bench/analysis.py): 0.884, 0.897, 0.898, 0.833, 0.489, 0.633, 0.862;
# red-dwarf 0.4.0 out of the box, for reference: 0.459, 0.636, 1.000, 0.826, 0.513, 0.633, 0.971.
FLOORS = {
    "15-per-hour-seattle": 0.86,
    "brexit-consensus": 0.87,
    "canadian-electoral-reform": 0.87,
    "vtaiwan.uberx": 0.81,
    "below-100-ptpts": 0.46,
    "25ptpt-3gp-no-strict-with-meta": 0.61,
    "above-100-ptpts": 0.84,
}
REPLAY = {"updates": 150, "window": 60.0}


def ari_against_polis(name: str) -> tuple[float, int, int, int]:
    votes, out, polis = conversation(name)
    ours = op.replay(votes, moderated_out=out, times=vote_times(name), **REPLAY)
    found = ours.group_of()
    assert ours.state is not None and ours.state.group_of() == found
    common = [p for p in polis if p in found]
    score = adjusted_rand_score([polis[p] for p in common], [found[p] for p in common])
    return float(score), len(common), len(polis), ours.k


@pytest.mark.parametrize("name", OPEN_DATA + FIXTURES)
def test_groups_agree_with_polis(name):
    score, common, polis_count, k = ari_against_polis(name)
    print(f"\n{name}: ARI {score:.3f} over {common} of Polis's {polis_count} participants, k={k}")
    assert common >= 0.8 * polis_count
    assert score >= FLOORS[name]


def _on_polis_groups(name):
    votes, out, groups, math = fixture(name)
    matrix = op.VoteMatrix.from_votes(votes)
    rating = op.rating_matrix(matrix, out)
    ids = sorted(set(groups.values()))
    labels = np.array([ids.index(groups[p]) if p in groups else -1 for p in matrix.participants])
    inside = labels >= 0
    return matrix, rating, labels, inside, ids, set(out), math


@pytest.mark.parametrize("name", FIXTURES)
def test_repness_and_consensus_are_polis_s_on_its_groups(name):
    matrix, rating, labels, inside, ids, out, math = _on_polis_groups(name)
    per_group = op.group_stats(matrix.statements, rating[inside], labels[inside], len(ids))
    matched = 0
    for g, stats in enumerate(per_group):
        ours = [(r.statement, r.direction) for r in op.representative(stats, out)]
        theirs = [(r["tid"], r["repful-for"]) for r in math["repness"][str(ids[g])]]
        matched += ours == theirs
    consensus = op.consensus(op.statement_stats(matrix.statements, rating), out)
    same_consensus = all(
        [c.statement for c in consensus[d]] == [c["tid"] for c in math["consensus"][d]]
        for d in ("agree", "disagree")
    )
    raw = op.group_stats(matrix.statements, matrix.values[inside], labels[inside], len(ids))
    informed = op.group_informed_consensus(raw)
    gap = max(abs(informed[int(t)] - v) for t, v in math["group-aware-consensus"].items())
    print(
        f"\n{name}: repness {matched}/{len(ids)} groups identical, consensus identical: "
        f"{same_consensus}, group-informed consensus max difference {gap:.1e}"
    )
    assert matched == len(ids)
    assert same_consensus
    assert gap < 1e-9


@pytest.mark.parametrize("name", FIXTURES)
def test_repness_values_match_the_fixture(name):
    matrix, rating, labels, inside, ids, out, math = _on_polis_groups(name)
    per_group = op.group_stats(matrix.statements, rating[inside], labels[inside], len(ids))
    for g, stats in enumerate(per_group):
        for ours, theirs in zip(
            op.representative(stats, out), math["repness"][str(ids[g])], strict=True
        ):
            assert ours.n_success == theirs["n-success"]
            assert ours.n_trials == theirs["n-trials"]
            assert ours.p_test == pytest.approx(theirs["p-test"])
            assert ours.repness == pytest.approx(theirs["repness"])
            assert ours.repness_test == pytest.approx(theirs["repness-test"], rel=1e-6)
