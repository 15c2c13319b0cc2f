"""The opinion groups carry Polis's state from one computation to the next: base clusters and
each k's groups start from the last ones, so that groups stay put as votes arrive, the state
survives being stored as JSON, and a participant gone from the votes (erased) breaks nothing."""

import json

import numpy as np
from sklearn.metrics import adjusted_rand_score

from analysis import opinions as op


def camps(people=60, statements=20, seed=1):
    """Three camps that agree among themselves, each participant voting on most statements."""
    rng = np.random.default_rng(seed)
    stance = rng.choice([-1, 1], size=(3, statements))
    votes = []
    for p in range(people):
        camp = p % 3
        for s in range(statements):
            if rng.random() < 0.8:
                vote = stance[camp, s] if rng.random() < 0.85 else -stance[camp, s]
                votes.append((f"p{p}", s, int(vote)))
    return votes


def test_groups_follow_the_camps():
    votes = camps()
    result = op.compute(op.VoteMatrix.from_votes(votes))
    found = result.group_of()
    truth = {f"p{p}": p % 3 for p in range(60)}
    assert result.k == 3
    assert adjusted_rand_score([truth[p] for p in found], list(found.values())) > 0.9


def test_the_state_survives_json_and_gives_the_same_groups_again():
    votes = camps()
    first = op.compute(op.VoteMatrix.from_votes(votes))
    stored = json.loads(json.dumps(first.state.as_dict()))
    again = op.compute(op.VoteMatrix.from_votes(votes), previous=op.State.from_dict(stored))
    assert again.group_of() == first.group_of()
    assert op.State.from_dict(stored).group_of() == first.group_of()
    assert {c.id for c in again.state.base} == {c.id for c in first.state.base}


def test_groups_stay_put_when_a_few_votes_arrive():
    votes = camps()
    first = op.compute(op.VoteMatrix.from_votes(votes))
    more = [*votes, ("p0", 0, 1), ("p1", 1, -1), ("late", 0, 1), ("late", 1, 1)]
    second = op.compute(op.VoteMatrix.from_votes(more), previous=first.state)
    before, after = first.group_of(), second.group_of()
    assert all(after[p] == g for p, g in before.items())
    # base clusters keep their ids: the ones of the first computation are all still there
    assert {c.id for c in first.state.base} <= {c.id for c in second.state.base}


def test_a_participant_gone_from_the_votes_leaves_the_groups_whole():
    votes = camps()
    first = op.compute(op.VoteMatrix.from_votes(votes))
    rest = [v for v in votes if v[0] != "p4"]
    second = op.compute(op.VoteMatrix.from_votes(rest), previous=first.state)
    found = second.group_of()
    assert "p4" not in found
    assert all(found[p] == g for p, g in first.group_of().items() if p != "p4")


def test_the_k_smoother_waits_four_computations_before_changing_k():
    votes = camps()
    state = op.State(smoothed_k=2, last_k=2, last_k_count=5)
    seen = []
    for _ in range(4):
        result = op.compute(op.VoteMatrix.from_votes(votes), previous=state)
        state = result.state
        seen.append(result.k)
    assert seen == [2, 2, 2, 3]


def test_few_participants_make_one_group_or_none():
    assert op.compute(op.VoteMatrix.from_votes([])).k == 0
    one = op.compute(op.VoteMatrix.from_votes([("a", 0, 1), ("a", 1, -1)]))
    assert one.k == 1 and one.group_of() == {"a": 0}


def test_replay_by_time_computes_once_per_window():
    votes = camps(people=30)
    times = [i * 10.0 for i in range(len(votes))]  # one vote every 10 s
    calls = []
    original = op.compute

    def counting(*args, **kwargs):
        calls.append(kwargs.get("statistics"))
        return original(*args, **kwargs)

    op.compute = counting
    try:
        op.replay(votes, times=times, window=60.0, updates=1000)
        windows = len({t // 60 for t in times})
        assert len(calls) == windows
        calls.clear()
        op.replay(votes, times=times, window=60.0, updates=7)
        assert len(calls) == 7
        assert calls[-1] is True and not any(calls[:-1])
    finally:
        op.compute = original


def test_those_already_in_count_towards_the_fifteen():
    # Fifteen came in when there were two statements and voted on both; now there are nine. A
    # newcomer with three votes stays out: with those fifteen and the one who voted on all nine,
    # there are already 15 in, and Polis adds the most active others only while there are fewer.
    votes = [(f"p{p}", s, 1 if (p + s) % 2 else -1) for p in range(15) for s in range(2)]
    votes += [("active", s, 1 if s % 3 else -1) for s in range(9)]
    votes += [("late", s, 1) for s in range(3)]
    before = op.State(in_conversation={f"p{p}" for p in range(15)})
    result = op.compute(op.VoteMatrix.from_votes(votes), previous=before)
    inside = {p for p, i in zip(result.participants, result.in_conversation, strict=True) if i}
    assert inside == before.in_conversation | {"active"}
    # Computed afresh, only "active" has enough votes, and the 14 most active others join it.
    fresh = op.compute(op.VoteMatrix.from_votes(votes))
    added = {p for p, i in zip(fresh.participants, fresh.in_conversation, strict=True) if i}
    assert "late" in added and len(added) == 15


def test_rows_follow_the_order_of_first_votes():
    matrix = op.VoteMatrix.from_votes([("b", 1, 1), ("a", 0, -1), ("b", 0, 1), ("c", 2, 0)])
    assert matrix.participants == ["b", "a", "c"]
    assert matrix.statements == [0, 1, 2]
