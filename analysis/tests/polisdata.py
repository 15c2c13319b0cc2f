"""Loading the shared Polis data: four open-data conversations with Polis's own groups, and
three conversations with the Polis server's full math output (red-dwarf's fixtures)."""

import json
from pathlib import Path
from typing import Any

from analysis.polisfiles import read_groups, read_moderated_out, read_vote_times, read_votes

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
OPEN_DATA = [
    "15-per-hour-seattle",
    "brexit-consensus",
    "canadian-electoral-reform",
    "vtaiwan.uberx",
]
FIXTURES = ["below-100-ptpts", "25ptpt-3gp-no-strict-with-meta", "above-100-ptpts"]


def available() -> bool:
    return (DATA / "polis-opendata").is_dir() and (DATA / "polis-math-fixtures").is_dir()


def open_conversation(name: str) -> tuple[list[tuple[int, int, int]], list[int], dict[int, int]]:
    folder = DATA / "polis-opendata" / name
    return (
        read_votes(str(folder / "votes.csv")),
        read_moderated_out(str(folder / "comments.csv")),
        read_groups(str(folder / "participants-votes.csv")),
    )


def fixture(name: str) -> tuple[list[tuple[int, int, int]], list[int], dict[int, int], Any]:
    folder = DATA / "polis-math-fixtures" / name
    raw = json.loads((folder / "votes.json").read_text())
    raw.sort(key=lambda v: float(v["modified"]))
    votes = [
        (v.get("pid", v.get("participant_id")), v.get("tid", v.get("statement_id")), v["vote"])
        for v in raw
    ]
    math = json.loads((folder / "math-pca2.json").read_text())
    base = math["base-clusters"]
    index = {b: i for i, b in enumerate(base["id"])}
    groups = {
        p: g["id"]
        for g in math["group-clusters"]
        for b in g["members"]
        for p in base["members"][index[b]]
    }
    return votes, math["mod-out"], groups, math


def conversation(name: str) -> tuple[list[tuple[int, int, int]], list[int], dict[int, int]]:
    if name in FIXTURES:
        votes, out, groups, _math = fixture(name)
        return votes, out, groups
    return open_conversation(name)


def vote_times(name: str) -> list[float]:
    """When each vote of conversation() was cast (seconds), in the same order."""
    if name in FIXTURES:
        raw = json.loads((DATA / "polis-math-fixtures" / name / "votes.json").read_text())
        return sorted(float(v["modified"]) / 1000 for v in raw)
    return read_vote_times(str(DATA / "polis-opendata" / name / "votes.csv"))
