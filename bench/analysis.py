"""Figures of analysis/: our opinion groups against Polis's on the seven shared conversations
(adjusted Rand index, and red-dwarf 0.4.0's beside it when /tmp/rd-venv has it), repness and
consensus against the Polis server's output, the time of one computation, and campaign
detection on generated comments with planted campaigns (time, pairwise precision and recall).

    .venv/bin/python bench/analysis.py            # 1,000,000 comments
    .venv/bin/python bench/analysis.py --comments 100000
    .venv/bin/python bench/analysis.py --skip-groups   # campaigns only, without the Polis part
    .venv/bin/python bench/analysis.py --schedules --red-dwarf-seeds 10 --comments 0
        # how much the groups depend on when the math ran: each conversation replayed under 18
        # update schedules, and red-dwarf under 10 seeds (its default start is random)
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import opinions as op  # noqa: E402
from analysis.campaigns import detect, pair_scores  # noqa: E402
from analysis.generated import generate  # noqa: E402
from analysis.tests.polisdata import (  # noqa: E402
    FIXTURES,
    OPEN_DATA,
    conversation,
    fixture,
    vote_times,
)
from analysis.tests.test_polis_parity import REPLAY  # noqa: E402

RED_DWARF = Path("/tmp/rd-venv/bin/python")
RED_DWARF_SCRIPT = """
import sys, json
sys.path.insert(0, {root!r})
from sklearn.metrics import adjusted_rand_score
from reddwarf.implementations.polis import run_pipeline
from analysis.tests.polisdata import conversation
name, seeds = sys.argv[1], int(sys.argv[2])
votes, out, polis = conversation(name)
last = {{}}
for t, (p, s, v) in enumerate(votes):
    last[(p, s)] = (t, v)
rows = [dict(participant_id=p, statement_id=s, vote=v, modified=t)
        for (p, s), (t, v) in last.items()]
for seed in range(seeds):
    result = run_pipeline(votes=rows, mod_out_statement_ids=out, random_state=seed)
    labels = result.participants_df["cluster_id"].dropna()
    common = [p for p in polis if p in labels.index]
    print(adjusted_rand_score([polis[p] for p in common], [int(labels[p]) for p in common]))
"""
# The update schedules of --schedules: once per window (seconds) that had votes, at most so many.
WINDOWS = (10, 30, 60, 120, 300, 900)
CAPS = (50, 150, 400)


def red_dwarf(name: str, seeds: int = 1) -> list[float] | None:
    """red-dwarf's ARI with random_state 0, 1, … (its default, None, draws a new start each run)."""
    if not RED_DWARF.exists():
        return None
    script = RED_DWARF_SCRIPT.format(root=str(ROOT))
    run = subprocess.run(
        [str(RED_DWARF), "-c", script, name, str(seeds)],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        return []
    return [float(line) for line in run.stdout.split()[-seeds:]]


def _spread(values: list[float] | None) -> str:
    """median (least–most); n/a without red-dwarf's venv, error when its run failed."""
    if not values:
        return "n/a" if values is None else "error"
    return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def _ari(polis: dict[int, int], found: dict[int, int]) -> float:
    common = [p for p in polis if p in found]
    return float(adjusted_rand_score([polis[p] for p in common], [found[p] for p in common]))


def schedules(seeds: int) -> None:
    """The ARI of each conversation replayed under every schedule of WINDOWS × CAPS, beside
    red-dwarf's over `seeds` random starts: median (least–most)."""
    print(
        f"\n| conversation | ours, {len(WINDOWS) * len(CAPS)} schedules | red-dwarf 0.4.0, "
        f"{seeds} seeds |"
    )
    print("| --- | ---: | ---: |")
    for name in OPEN_DATA + FIXTURES:
        votes, out, polis = conversation(name)
        times = vote_times(name)
        ours = [
            _ari(
                polis,
                op.replay(votes, moderated_out=out, times=times, window=w, updates=u).group_of(),
            )
            for w in WINDOWS
            for u in CAPS
        ]
        theirs = red_dwarf(name, seeds)
        print(f"| {name} | {_spread(ours)} | {_spread(theirs)} |")
    print(f"schedules: once per {WINDOWS} s that had votes, at most {CAPS} computations")


def groups() -> None:
    print(
        "| conversation | participants in groups | Polis k | our k | ARI (ours) "
        "| ARI (red-dwarf 0.4.0, seed 0) | replay | one computation |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    scores = []
    for name in OPEN_DATA + FIXTURES:
        votes, out, polis = conversation(name)
        started = time.perf_counter()
        ours = op.replay(votes, moderated_out=out, times=vote_times(name), **REPLAY)
        replayed = time.perf_counter() - started
        found = ours.group_of()
        common = [p for p in polis if p in found]
        score = _ari(polis, found)
        scores.append(score)
        theirs = red_dwarf(name)
        matrix = op.VoteMatrix.from_votes(votes)
        started = time.perf_counter()
        op.compute(matrix, moderated_out=out)
        took = time.perf_counter() - started
        print(
            f"| {name} | {len(common)} of {len(polis)} | {len(set(polis.values()))} | {ours.k} "
            f"| {score:.3f} | {f'{theirs[0]:.3f}' if theirs else _spread(theirs)} "
            f"| {replayed:.1f} s "
            f"| {took * 1000:.0f} ms |"
        )
    print(
        f"median ARI (ours): {statistics.median(scores):.3f}; replay: once per "
        f"{REPLAY['window']:.0f} s that had votes, at most {REPLAY['updates']} computations"
    )


def repness() -> None:
    print(
        "\n| fixture | repness identical (groups) | consensus identical "
        "| group-informed consensus, max diff |"
    )
    print("| --- | ---: | --- | ---: |")
    for name in FIXTURES:
        votes, out, polis, math = fixture(name)
        matrix = op.VoteMatrix.from_votes(votes)
        rating = op.rating_matrix(matrix, out)
        ids = sorted(set(polis.values()))
        labels = np.array([ids.index(polis[p]) if p in polis else -1 for p in matrix.participants])
        inside = labels >= 0
        per = op.group_stats(matrix.statements, rating[inside], labels[inside], len(ids))
        same = sum(
            [(r.statement, r.direction) for r in op.representative(stats, set(out))]
            == [(r["tid"], r["repful-for"]) for r in math["repness"][str(ids[g])]]
            for g, stats in enumerate(per)
        )
        cons = op.consensus(op.statement_stats(matrix.statements, rating), set(out))
        cons_same = all(
            [c.statement for c in cons[d]] == [c["tid"] for c in math["consensus"][d]]
            for d in ("agree", "disagree")
        )
        raw = op.group_stats(matrix.statements, matrix.values[inside], labels[inside], len(ids))
        gac = op.group_informed_consensus(raw)
        gap = max(abs(gac[int(t)] - v) for t, v in math["group-aware-consensus"].items())
        print(f"| {name} | {same}/{len(ids)} | {cons_same} | {gap:.1e} |")


def campaigns(n: int, threshold: float) -> None:
    started = time.perf_counter()
    data = generate(n)
    made = time.perf_counter() - started
    phases: dict[str, float] = {}
    started = time.perf_counter()
    report = detect(data.texts, threshold=threshold, timings=phases)
    took = time.perf_counter() - started
    precision, recall = pair_scores([g.members for g in report.near], data.campaigns)
    planted = sum(len(c) for c in data.campaigns)
    print(
        f"\ncampaigns: {n:,} comments ({planted:,} in {len(data.campaigns):,} planted campaigns, "
        f"generated in {made:.1f} s), Jaccard threshold {threshold}: detection {took:.1f} s, "
        f"{len(report.near):,} groups, {len(report.exact):,} exact-duplicate sets, "
        f"{report.arguments:,} arguments; pairwise precision {precision:.4f}, recall {recall:.4f}"
    )
    print("phases: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in phases.items()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--threshold", type=float, default=0.7)
    parser.add_argument(
        "--skip-groups", action="store_true", help="only the campaigns, not the Polis figures"
    )
    parser.add_argument(
        "--schedules", action="store_true", help="also the ARI under 18 update schedules"
    )
    parser.add_argument("--red-dwarf-seeds", type=int, default=10)
    args = parser.parse_args()
    if not args.skip_groups:
        groups()
        repness()
        if args.schedules:
            schedules(args.red_dwarf_seeds)
    if args.comments:
        campaigns(args.comments, args.threshold)


if __name__ == "__main__":
    main()
