"""Reading Polis's open-data CSV files (compdemocracy/openData layout), with no Django: for the
parity tests and the benchmark."""

import csv


def read_votes(path: str) -> list[tuple[int, int, int]]:
    """votes.csv of the open-data layout: (voter, comment, vote) in the order cast."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda r: int(r["timestamp"]))
    return [(int(r["voter-id"]), int(r["comment-id"]), int(float(r["vote"]))) for r in rows]


def read_vote_times(path: str) -> list[float]:
    """votes.csv: the time of each vote (seconds), in the order read_votes gives them."""
    with open(path, newline="", encoding="utf-8") as handle:
        return sorted(int(r["timestamp"]) / 1000 for r in csv.DictReader(handle))


def read_moderated_out(path: str) -> list[int]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [int(r["comment-id"]) for r in csv.DictReader(handle) if r["moderated"] == "-1"]


def read_groups(path: str) -> dict[int, int]:
    """participants-votes.csv: Polis's group of each participant it clustered."""
    with open(path, newline="", encoding="utf-8") as handle:
        return {
            int(r["participant"]): int(r["group-id"])
            for r in csv.DictReader(handle)
            if r["group-id"] != ""
        }
