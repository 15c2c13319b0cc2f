"""The answering page: the form as a tree the templates draw, and posted fields back to answers.

Input names are the paths of the API's errors (`partnership[1].ppp_start`), so an error finds its
field by name. Relevance, repeat counts and filtered choices come from the server's own check of
the answers (validation.validate_submission), for the first drawing and for the page's script.
"""

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from .attachments import MAX_BYTES, MB, accepted_formats, kinds_label
from .tallying import NUMBER_TYPES
from .validation import Result, pick
from .xlsform import UPLOAD_TYPES, FormDefinition, Question

GEO_TYPES = {"geopoint", "geotrace", "geoshape"}
INPUT_TYPES = {"date": "date", "time": "time", "dateTime": "datetime-local"}


@dataclass
class Node:
    question: Question
    path: str
    label: str
    hint: str
    value: Any = ""
    error: str = ""
    hidden: bool = False
    required: bool = False
    choices: list[dict[str, Any]] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)
    entries: list[list["Node"]] = field(default_factory=list)
    fixed_count: bool = False

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def id(self) -> str:
        return input_id(self.path)

    @property
    def range_as_choices(self) -> list[str]:
        """A short range is drawn as a row of radio buttons, a long one as a number field."""
        start, end, step = (float(self.range[k]) for k in ("min", "max", "step"))
        if step <= 0 or (end - start) / step > 10:
            return []
        values, value = [], start
        while value <= end + 1e-9:
            values.append(f"{value:g}")
            value += step
        return values

    @property
    def number_of_entries(self) -> int:
        return len(self.entries)

    @property
    def widget(self) -> str:
        """Which template draws the question."""
        kind, appearance = self.question.type, self.question.appearance
        if kind == "text" and "multiline" in appearance:
            return "textarea"
        if kind == "select_one" and "minimal" in appearance:
            return "dropdown"
        if kind in INPUT_TYPES:
            return "temporal"
        if kind in GEO_TYPES:
            return "geo"
        if kind in UPLOAD_TYPES:
            return "upload"
        if kind in NUMBER_TYPES - {"range"}:
            return "number"
        return kind

    @property
    def input_type(self) -> str:
        return INPUT_TYPES.get(self.question.type, "text")

    @property
    def step(self) -> str:
        return "1" if self.question.type == "integer" else "any"

    @property
    def range(self) -> dict[str, str]:
        p = self.question.parameters
        return {"min": p.get("start", "1"), "max": p.get("end", "10"), "step": p.get("step", "1")}

    @property
    def likert(self) -> bool:
        return "likert" in self.question.appearance

    @property
    def upload(self) -> dict[str, str]:
        """What the file field says it takes, and the file already received, if any."""
        formats = accepted_formats(self.question.type, self.question.accept)
        received = str(self.value or "")
        return {
            "accept": ",".join([f".{ext}" for ext in formats] + sorted(set(formats.values()))),
            "formats": kinds_label(self.question.type, formats),
            "max_mb": str(MAX_BYTES[self.question.type] // MB),
            "received": received.rpartition(".")[2].upper() if received else "",
        }

    @property
    def display_value(self) -> str:
        value = self.value
        if self.question.type == "dateTime" and isinstance(value, str):
            return value[:16]
        return "" if value is None else str(value)


def input_id(path: str) -> str:
    return "q-" + path.replace("[", "-").replace("].", "-").replace("]", "")


class Drawing:
    """Builds the tree for one language, from answers and the result of checking them."""

    def __init__(
        self, form: FormDefinition, language: str, answers: dict[str, Any], check: Result
    ) -> None:
        self.form, self.language, self.answers = form, language, answers
        self.errors = {e["field"]: e["message"] for e in check.errors}
        self.hidden, self.counts, self.offered = set(check.hidden), check.counts, check.offered

    def text(self, texts: dict[str, str]) -> str:
        return pick(texts, self.language, self.form.default_language)

    def nodes(self, questions: list[Question], answers: dict[str, Any], prefix: str) -> list[Node]:
        return [
            self.node(q, answers, prefix)
            for q in questions
            if q.type not in ("calculate", "hidden")
        ]

    def node(self, question: Question, answers: dict[str, Any], prefix: str) -> Node:
        path = f"{prefix}{question.name}"
        node = Node(
            question=question,
            path=path,
            label=self.text(question.labels) or question.name,
            hint=self.text(question.hints),
            value=answers.get(question.name, question.default),
            error=self.errors.get(path, ""),
            hidden=path in self.hidden,
            required=question.required == "true()",
        )
        if question.type == "group":
            node.children = self.nodes(question.children, answers, prefix)
        elif question.type == "repeat":
            given = answers.get(question.name)
            entries = given if isinstance(given, list) else []
            node.fixed_count = path in self.counts
            count = self.counts.get(path, max(len(entries), 1))
            entries = (entries + [{}] * count)[:count] if node.fixed_count else entries or [{}]
            node.entries = [
                self.nodes(
                    question.children, entry if isinstance(entry, dict) else {}, f"{path}[{i}]."
                )
                for i, entry in enumerate(entries, start=1)
            ]
        elif question.choices:
            offered = self.offered.get(path)
            chosen = node.value if isinstance(node.value, list) else [node.value]
            node.choices = [
                {
                    "name": c.name,
                    "label": self.text(c.labels) or c.name,
                    "selected": c.name in chosen,
                    "offered": offered is None or c.name in offered,
                    "position": chosen.index(c.name) + 1 if c.name in chosen else "",
                }
                for c in question.choices
            ]
        return node


def pages_of(form: FormDefinition, per_group: bool) -> list[list[Question]]:
    """One page, or one per top-level group (questions between groups share a page)."""
    if not per_group:
        return [form.children]
    pages: list[list[Question]] = []
    loose: list[Question] = []
    for question in form.children:
        if question.type == "group":
            if loose:
                pages.append(loose)
                loose = []
            pages.append([question])
        else:
            loose.append(question)
    if loose:
        pages.append(loose)
    return pages or [[]]


def paths_of(questions: list[Question], prefix: str = "") -> set[str]:
    """The names (top-level) a page asks about."""
    names: set[str] = set()
    for q in questions:
        names.add(q.name)
        if q.type == "group":
            names |= paths_of(q.children, prefix)
    return names


# Posted fields → answers -------------------------------------------------------------------------


def answers_from_post(
    form: FormDefinition, data: QueryDict, questions: list[Question] | None = None
) -> dict[str, Any]:
    """The answers the posted page gives, typed as the API takes them.

    Text that is not a number stays text, so the server's check names the problem.
    """
    answers: dict[str, Any] = {}
    _read(questions if questions is not None else form.children, data, "", answers)
    return answers


def _read(questions: list[Question], data: QueryDict, prefix: str, out: dict[str, Any]) -> None:
    for question in questions:
        path = f"{prefix}{question.name}"
        if question.type == "group":
            _read(question.children, data, prefix, out)
        elif question.type == "repeat":
            entries = []
            count = _count(data.get(f"{path}.count"))
            for index in range(1, count + 1):
                entry: dict[str, Any] = {}
                _read(question.children, data, f"{path}[{index}].", entry)
                entries.append(entry)
            out[question.name] = entries
        elif question.type in ("note", "calculate") or question.read_only:
            continue
        else:
            value = _value(question, data, path)
            if value not in ("", []):
                out[question.name] = value


def _count(raw: Any) -> int:
    try:
        return max(0, min(int(raw), 100))
    except (TypeError, ValueError):
        return 0


def upload_slots(
    questions: list[Question], answers: dict[str, Any], prefix: str = ""
) -> Iterator[tuple[str, Question, dict[str, Any]]]:
    """Each file question the page asks, with its input's name and the answers it goes in."""
    for question in questions:
        path = f"{prefix}{question.name}"
        if question.type == "group":
            yield from upload_slots(question.children, answers, prefix)
        elif question.type == "repeat":
            entries = answers.get(question.name)
            for index, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
                if isinstance(entry, dict):
                    yield from upload_slots(question.children, entry, f"{path}[{index}].")
        elif question.type in UPLOAD_TYPES and not question.read_only:
            yield path, question, answers


def _value(question: Question, data: QueryDict, path: str) -> Any:
    kind = question.type
    if kind in UPLOAD_TYPES and data.get(f"{path}::remove"):
        return ""  # the file received before is taken back; a new one may come with the post
    if kind == "select_multiple":
        return [value.replace("\x00", "") for value in data.getlist(path)]
    if kind == "rank":
        positions = {c.name: data.get(f"{path}::{c.name}", "") for c in question.choices}
        if not any(positions.values()):
            return []
        return [name for name, _p in sorted(positions.items(), key=lambda item: _rank_key(item[1]))]
    raw = data.get(path, "").replace("\x00", "").strip()  # NUL cannot be stored: dropped
    if kind == "acknowledge":
        return "OK" if raw else ""
    if raw and kind == "integer":
        return _number(raw, int)
    if raw and kind in ("decimal", "range"):
        return _number(raw, float)
    return raw


def _rank_key(position: str) -> float:
    try:
        return float(position)
    except ValueError:
        return float("inf")


def _number(raw: str, kind: type) -> Any:
    try:
        value = kind(raw.replace(",", ".") if kind is float else raw)
    except ValueError:
        return raw
    return value if math.isfinite(value) else raw  # "nan", "inf": left for the check to refuse


def state_json(answers: dict[str, Any]) -> str:
    return json.dumps(answers, ensure_ascii=False)


MAX_STATE = 1_000_000  # characters of answers carried between pages


def state_from(raw: str) -> dict[str, Any]:
    """Answers carried between pages in a hidden field; anything else counts as none."""
    if len(raw or "") > MAX_STATE or "\x00" in (raw or ""):
        return {}
    try:
        value = json.loads(raw or "{}", parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # NaN and Infinity are not answers
