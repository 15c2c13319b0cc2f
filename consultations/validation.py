"""Checking a submission against its form, on the server, whatever the client did.

`validate_submission(form, answers, language)` walks the form: it drops answers to questions that
are not relevant, recomputes calculations, checks types, choices, required and constraints, and
returns the clean answers with every error as {"field": path, "message": text}. Paths inside
repeats count from 1 (`partnership[1].ppp_start`); messages are the form's own, in the
submission's language where the form has it, else a clear default.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import geo
from .attachments import STORED_NAME
from .expressions import Context, ExpressionError, compile_expression, to_number, to_string
from .xlsform import TEXT_LENGTH, FormDefinition, Question

ANSWERLESS = {"note", "group"}
MAX_ENTRIES = 100  # entries of one repeat


@dataclass
class Result:
    answers: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)
    # What the page needs to follow the answers: paths of questions that do not apply, the
    # number of entries a repeat_count asks for, and the options a choice_filter leaves.
    hidden: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    offered: dict[str, list[str]] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors


def pick(texts: dict[str, str], language: str, default_language: str) -> str:
    """The text in the language asked for, else the form's default, else any."""
    for key in (language, default_language, "default"):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


@dataclass
class _Scope:
    """Answers seen by expressions: the repeat instance being checked, then the whole form."""

    top: dict[str, Any]
    local: dict[str, Any] | None = None

    def resolve(self, name: str) -> Any:
        if self.local is not None and name in self.local:
            return self.local[name]
        return self.top.get(name, "")


class _Checker:
    def __init__(
        self, form: FormDefinition, language: str, clock: Callable[[], datetime] | None
    ) -> None:
        self.form, self.language, self.clock = form, language, clock
        self.result = Result()

    def message(self, texts: dict[str, str], fallback: str) -> str:
        return pick(texts, self.language, self.form.default_language) or fallback

    def error(self, path: str, message: str) -> None:
        self.result.errors.append({"field": path, "message": message})

    def context(self, scope: _Scope, current: Any = "") -> Context:
        context = Context(resolve=scope.resolve, current=current)
        if self.clock is not None:
            context.clock = self.clock
        return context

    def holds(self, expression: str, scope: _Scope, current: Any = "", path: str = "") -> bool:
        try:
            return compile_expression(expression).is_true(self.context(scope, current))
        except ExpressionError as exc:
            self.error(path, _("This answer cannot be checked: %(problem)s") % {"problem": exc})
            return False

    # The walk ------------------------------------------------------------------------------------

    def questions(
        self,
        questions: list[Question],
        given: dict[str, Any],
        out: dict[str, Any],
        scope: _Scope,
        prefix: str,
    ) -> None:
        for question in questions:
            path = f"{prefix}{question.name}"
            if question.relevant and not self.holds(question.relevant, scope, path=path):
                # Answers to questions that do not apply are dropped, as in ODK, and read as empty.
                for dropped in question.walk():
                    scope_target(scope)[dropped.name] = ""
                self.result.hidden.append(path)
                continue
            if question.type == "group":
                self.questions(question.children, given, out, scope, prefix)
            elif question.type == "repeat":
                self.repeat(question, given.get(question.name), out, scope, path)
            elif question.type == "calculate":
                out[question.name] = self.calculate(question, scope, path)
                scope_target(scope)[question.name] = out[question.name]
            elif question.type not in ANSWERLESS:
                self.answer(question, given.get(question.name, ""), out, scope, path)

    def repeat(
        self, question: Question, given: Any, out: dict[str, Any], scope: _Scope, path: str
    ) -> None:
        instances = given if isinstance(given, list) else ([] if given in (None, "") else None)
        if instances is None or not all(isinstance(i, dict) for i in instances):
            self.error(path, _("A repeat is a list of objects, one per entry."))
            return
        if question.repeat_count:
            expected = self.repeat_count(question, scope, path)
            if expected is not None:
                self.result.counts[path] = expected
                if len(instances) != expected:
                    self.error(path, _("This part needs %(count)s entries.") % {"count": expected})
        cleaned = []
        for index, instance in enumerate(instances, start=1):
            local: dict[str, Any] = {}
            # Expressions inside an entry read that entry's answers first (forward ones too).
            inner = _Scope(scope.top, dict(instance))
            self.questions(question.children, instance, local, inner, f"{path}[{index}].")
            known = {q.name for child in question.children for q in child.walk()}
            for name in set(instance) - known:
                self.error(f"{path}[{index}].{name}", _("This question is not in the form."))
            cleaned.append(local)
        out[question.name] = cleaned
        scope_target(scope)[question.name] = cleaned

    def repeat_count(self, question: Question, scope: _Scope, path: str) -> int | None:
        """How many entries the form asks for, if it says; at most MAX_ENTRIES."""
        try:
            value = to_number(
                compile_expression(question.repeat_count).evaluate(self.context(scope))
            )
        except ExpressionError:
            return None
        if not math.isfinite(value):
            return None
        if value > MAX_ENTRIES:
            self.error(
                path, _("A part can have at most %(count)s entries.") % {"count": MAX_ENTRIES}
            )
            return None
        return max(0, int(value))

    def calculate(self, question: Question, scope: _Scope, path: str) -> Any:
        if not question.calculation:
            return ""
        try:
            value = compile_expression(question.calculation).evaluate(self.context(scope))
        except ExpressionError as exc:
            self.error(path, str(exc))
            return ""
        if isinstance(value, float) and not math.isfinite(value):
            # `${rating} * 2` with no rating is NaN: no value, as a blank answer is (and JSON
            # has no NaN to store).
            return ""
        return value.isoformat() if isinstance(value, date | datetime | time) else value

    def answer(
        self, question: Question, raw: Any, out: dict[str, Any], scope: _Scope, path: str
    ) -> None:
        offered = self.choices(question, scope, path)
        if question.choice_filter:
            self.result.offered[path] = [c.name for c in question.choices if c.name in offered]
        value, problem = convert(question, raw, offered)
        if problem:
            self.error(path, problem)
            return
        empty = value in ("", None, [])
        if empty:
            if question.required and self.holds(question.required, scope, path=path):
                self.error(
                    path, self.message(question.required_messages, _("This question is required."))
                )
            return
        scope_target(scope)[question.name] = value
        if question.constraint and not self.holds(
            question.constraint, scope, current=value, path=path
        ):
            self.error(
                path, self.message(question.constraint_messages, _("This answer is not allowed."))
            )
            return
        out[question.name] = (
            value.isoformat() if isinstance(value, date | datetime | time) else value
        )

    def choices(self, question: Question, scope: _Scope, path: str) -> set[str]:
        names = set()
        for choice in question.choices:
            if question.choice_filter:
                context = self.context(scope)
                context.column = _columns_of(choice)
                try:
                    if not compile_expression(question.choice_filter).is_true(context):
                        continue
                except ExpressionError:
                    continue
            names.add(choice.name)
        return names


def _columns_of(choice: Any) -> Callable[[str], Any]:
    def column(name: str) -> Any:
        return choice.name if name == "name" else choice.columns.get(name, "")

    return column


def scope_target(scope: _Scope) -> dict[str, Any]:
    """Where a new value becomes visible to later expressions."""
    return scope.local if scope.local is not None else scope.top


# Types --------------------------------------------------------------------------------------------


def convert(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
    """The answer as a value of the question's type, or a message saying what is wrong."""
    if raw is None or raw == "" or raw == []:
        return "", ""
    kind = question.type
    converter = CONVERTERS.get(kind)
    if converter is None:
        return (raw, "") if isinstance(raw, str) else ("", _("Give this answer as text."))
    return converter(question, raw, choices)


def _text(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
    if not isinstance(raw, str):
        return "", _("Give this answer as text.")
    if "\x00" in raw:
        return "", _("This text contains a character that cannot be stored (NUL).")
    # A bound on what anyone may send, before any expression reads it.
    limit = question.max_length or TEXT_LENGTH
    if len(raw) > limit:
        return "", _("This answer is too long: at most %(count)s characters.") % {
            "count": number_format(limit, force_grouping=True)
        }
    return raw, ""


def _integer(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
    if (
        isinstance(raw, bool)
        or not isinstance(raw, int | float)
        or (isinstance(raw, float) and not raw.is_integer())
    ):
        return "", _("Give a whole number.")
    return int(raw), ""


def _decimal(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        return "", _("Give a number.")
    return raw, ""


def _select_one(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
    if not isinstance(raw, str) or raw not in choices:
        return "", _("Choose one of the options offered.")
    return raw, ""


def _select_multiple(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        return "", _("Give the chosen options as a list.")
    if len(set(raw)) != len(raw) or not set(raw) <= choices:
        return "", _("Choose among the options offered, each once.")
    return raw, ""


def _rank(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
    if not isinstance(raw, list) or sorted(map(str, raw)) != sorted(choices):
        return "", _("Put every option in order, each once.")
    return raw, ""


def _temporal(parse: Callable[[str], Any], message: Any) -> Callable[..., tuple[Any, str]]:
    def check(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
        try:
            return parse(str(raw).replace("Z", "+00:00")), ""
        except ValueError:
            return "", str(message)

    return check


def _range(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
    value, problem = _decimal(question, raw, choices)
    if problem:
        return value, problem
    start = to_number(question.parameters.get("start", 1))
    end = to_number(question.parameters.get("end", 10))
    step = to_number(question.parameters.get("step", 1))
    low, high = min(start, end), max(start, end)
    on_step = step == 0 or math.isclose((value - start) / step, round((value - start) / step))
    if not (low <= value <= high and on_step):
        return "", _("Choose a value from %(low)s to %(high)s.") % {
            "low": to_string(low),
            "high": to_string(high),
        }
    return value, ""


def _geo(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
    """Through consultations.geo, for the page and the API alike."""
    if not isinstance(raw, str):
        return "", _("Give this place as text: latitude longitude [altitude accuracy].")
    if len(raw) > TEXT_LENGTH * 10:
        return "", _("This answer is too long.")
    try:
        return geo.clean(question.type, raw.strip()), ""
    except geo.GeoError as exc:
        return "", str(exc)


def _upload(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
    """A file is sent first (the page's upload, or POST …/attachments) and answered by the name
    it is kept under; submission.py checks that the consultation has it."""
    if not isinstance(raw, str) or not STORED_NAME.match(raw):
        return "", _("Send the file first, then give the name it was kept under.")
    return raw, ""


def _acknowledge(question: Question, raw: Any, choices: set[str]) -> tuple[Any, str]:
    return ("OK", "") if raw in (True, "OK", "ok", "true") else ("", _("Confirm to continue."))


CONVERTERS: dict[str, Callable[..., tuple[Any, str]]] = {
    "text": _text,
    "hidden": _text,
    "integer": _integer,
    "decimal": _decimal,
    "select_one": _select_one,
    "select_multiple": _select_multiple,
    "rank": _rank,
    "date": _temporal(date.fromisoformat, gettext_lazy("Give a date as YYYY-MM-DD.")),
    "time": _temporal(time.fromisoformat, gettext_lazy("Give a time as HH:MM.")),
    "dateTime": _temporal(
        datetime.fromisoformat, gettext_lazy("Give a date and time in ISO 8601.")
    ),
    "range": _range,
    "acknowledge": _acknowledge,
    "geopoint": _geo,
    "geotrace": _geo,
    "geoshape": _geo,
    "barcode": _text,
    "image": _upload,
    "file": _upload,
    "audio": _upload,
    "video": _upload,
}


def validate_submission(
    form: FormDefinition,
    answers: Any,
    language: str = "",
    *,
    clock: Callable[[], datetime] | None = None,
) -> Result:
    """Check answers (keyed by question name) against the form."""
    checker = _Checker(form, language or form.default_language, clock)
    if not isinstance(answers, dict):
        checker.error("answers", _("Answers are an object keyed by question name."))
        return checker.result
    known = {q.name for q in _outside_repeats(form.children)}
    for name in sorted(set(answers) - known):
        checker.error(name, _("This question is not in the form."))
    # Expressions may read answers further down the form: they start from what was sent.
    scope = _Scope(dict(answers))
    checker.questions(form.children, answers, checker.result.answers, scope, "")
    return checker.result


def _outside_repeats(questions: list[Question]) -> list[Question]:
    found = []
    for question in questions:
        found.append(question)
        if question.type == "group":
            found.extend(_outside_repeats(question.children))
    return found
