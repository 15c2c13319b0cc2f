"""The free texts themes are found in: each with where it is stored, so that a quote's offsets
point into the very text kept: a response's answer, a submission's body, a statement's text."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    response_id: int | None
    entry: int  # the entry of a repeat, 0 outside one
    text: str
    kind: str
    region: str
    submission_id: int | None = None
    statement_id: int | None = None


def stored_text(answers: dict[str, Any], path: str, entry: int) -> str | None:
    """The text stored at `path` (repeat/name inside a repeat) of a response's answers."""
    repeat, _sep, name = path.rpartition("/")
    entries = answers.get(repeat, []) if repeat else [answers]
    if not isinstance(entries, list) or not 0 <= entry < len(entries):
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


def submissions_to(revision: Any) -> list[Answer]:
    """The body of every published submission on a revision (a written submission's text, an
    amendment's justification), with its constituency and region, in submission order."""
    from drafts.selectors import published_on

    rows = published_on(revision).values_list("id", "body", "constituency", "region")
    return [
        Answer(None, 0, body, constituency or "", region or "", submission_id=pk)
        for pk, body, constituency, region in rows
        if body and body.strip()
    ]


def statements_to(deliberation: Any) -> list[Answer]:
    """The text of every accepted statement of a deliberation, in number order. No kind or
    region: a statement's author may be anonymous, so themes give sizes only."""
    from .selectors import statements_of

    rows = statements_of(deliberation).values_list("id", "text")
    return [Answer(None, 0, text, "", "", statement_id=pk) for pk, text in rows if text.strip()]


def texts_of(run: Any) -> list[Answer]:
    """The texts of a theme run's source."""
    if run.consultation_id:
        return answers_to(run.consultation, run.question)
    if run.revision_id:
        return submissions_to(run.revision)
    return statements_to(run.deliberation)
