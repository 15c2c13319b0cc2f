"""What a response adds to the results: (question, value) cells, counted in Tally rows.

Questions inside a repeat are named `repeat/question` and counted once per entry. The value ""
means "answered"; choice questions add one cell per chosen option, numbers and dates their value
(dates by day), text only that it was answered. A value the form works out (calculate, hidden)
adds its value when it is a number: never text, which could repeat what someone wrote.
"""

import math
from collections.abc import Iterator
from typing import Any

from .expressions import to_number, to_string
from .xlsform import FormDefinition, Question

CHOICE_TYPES = {"select_one", "select_multiple", "rank", "acknowledge"}
NUMBER_TYPES = {"integer", "decimal", "range"}
DATE_TYPES = {"date", "dateTime"}
TEXT_TYPES = {"text", "time", "hidden", "calculate"}
WORKED_OUT_TYPES = {"calculate", "hidden"}
RESULT_TYPES = CHOICE_TYPES | NUMBER_TYPES | DATE_TYPES | TEXT_TYPES


def result_questions(form: FormDefinition) -> Iterator[tuple[str, Question]]:
    """Every question that has results, with the path it is counted under, in form order."""
    yield from _walk(form.children, "")


def _walk(questions: list[Question], prefix: str) -> Iterator[tuple[str, Question]]:
    for question in questions:
        if question.type == "group":
            yield from _walk(question.children, prefix)
        elif question.type == "repeat":
            yield from _walk(question.children, f"{prefix}{question.name}/")
        elif question.type in RESULT_TYPES:
            yield f"{prefix}{question.name}", question


def cells_of(form: FormDefinition, answers: dict[str, Any]) -> list[tuple[str, str]]:
    cells: list[tuple[str, str]] = []
    _cells(form.children, answers, "", cells)
    return cells


def _cells(
    questions: list[Question], answers: dict[str, Any], prefix: str, out: list[tuple[str, str]]
) -> None:
    for question in questions:
        if question.type == "group":
            _cells(question.children, answers, prefix, out)
        elif question.type == "repeat":
            for entry in answers.get(question.name) or []:
                _cells(question.children, entry, f"{prefix}{question.name}/", out)
        elif question.type in RESULT_TYPES:
            value = answers.get(question.name, "")
            if value in ("", None, []):
                continue
            path = f"{prefix}{question.name}"
            out.append((path, ""))
            out.extend((path, v) for v in values_counted(question, value))


def values_counted(question: Question, value: Any) -> list[str]:
    if question.type == "select_multiple":
        return [str(v) for v in value]
    if question.type == "rank":
        # A ranking is counted by the option put first.
        return [str(value[0])] if value else []
    if question.type in CHOICE_TYPES:
        return [str(value)]
    if question.type in NUMBER_TYPES:
        return [to_string(value)]
    if question.type in DATE_TYPES:
        return [str(value)[:10]]
    if question.type in WORKED_OUT_TYPES and _is_number(value):
        return [to_string(to_number(value))]
    return []


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False
