"""The written answers themes are found in: each with where it is stored, so that a quote's
offsets point into the very text kept in the response."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    response_id: int
    entry: int  # the entry of a repeat, 0 outside one
    text: str
    kind: str
    region: str


def stored_text(answers: dict[str, Any], path: str, entry: int) -> str | None:
    """The text stored at `path` (repeat/name inside a repeat) of a response's answers."""
    repeat, _sep, name = path.rpartition("/")
    entries = answers.get(repeat, []) if repeat else [answers]
    if not isinstance(entries, list) or entry >= len(entries):
        return None
    value = entries[entry].get(name) if isinstance(entries[entry], dict) else None
    return value if isinstance(value, str) else None


def answers_to(consultation: Any, path: str) -> list[Answer]:
    """Every non-blank written answer to the question at `path`, in response order."""
    repeat, _sep, _name = path.rpartition("/")
    found = []
    rows = consultation.responses.order_by("id").values_list("id", "answers", "kind", "region")
    for response_id, answers, kind, region in rows:
        entries = answers.get(repeat, []) if repeat else [answers]
        for entry in range(len(entries) if isinstance(entries, list) else 0):
            text = stored_text(answers, path, entry)
            if text and text.strip():
                found.append(Answer(response_id, entry, text, kind or "", region or ""))
    return found
