"""Results of a consultation, read from the running tallies, with small cells suppressed.

Outside attributed mode no count under 5 is ever shown: it reads "<5". Where cells add up to a
total that is shown (the options of a select_one, the groups of a breakdown), one suppressed cell
could be found by subtraction, so a second one is hidden too (secondary suppression); it reads
"…", since it is not under 5.

Numbers and dates are drawn in bins chosen when the results are read (the tallies keep a count
per value): one bar per value of a short scale, bins of a round width otherwise, periods of a
month, a quarter, a year or more for dates. Written answers are read from the responses, for the
secretariat only.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.disclosure import THRESHOLD, Cell, protect
from stakeholders.choices import OrganisationKind, Region

from .counting import tally_cells
from .expressions import ExpressionError, Node, compile_expression, to_string
from .models import Consultation, Response
from .tallying import (
    CHOICE_TYPES,
    DATE_TYPES,
    NUMBER_TYPES,
    WORKED_OUT_TYPES,
    result_questions,
)
from .validation import pick
from .xlsform import FormDefinition, Question

BREAKDOWNS = {"kind": OrganisationKind, "region": Region}


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]
    percents: list[str]

    @property
    def count(self) -> Cell:
        return self.cells[0]

    @property
    def percent(self) -> str:
        return self.percents[0]

    @property
    def share(self) -> float:
        """The bar's length, 0 to 1 (0 when suppressed)."""
        return float(self.percents[0].rstrip("%") or 0) / 100 if self.percents[0] else 0.0


@dataclass(frozen=True)
class Bin:
    """A bar of a number or date chart."""

    key: str
    label: str
    start: float  # the bin holds start <= x < end
    end: float


@dataclass
class QuestionResult:
    path: str
    label: str
    type: str
    display: str  # choices, numbers, dates or text
    answered: list[Cell]
    rows: list[Row] = field(default_factory=list)
    stats: dict[str, str] = field(default_factory=dict)


@dataclass
class Results:
    total: list[Cell]
    columns: list[tuple[str, str]]  # (key, label); the first is "all"
    questions: list[QuestionResult]
    by: str


def _percent(cell: Cell, base: Cell) -> str:
    if isinstance(cell, str) or isinstance(base, str) or not base:
        return ""
    return f"{100 * cell / base:.1f}%"


class _Builder:
    def __init__(self, consultation: Consultation, form: FormDefinition, **options: Any) -> None:
        self.consultation, self.form = consultation, form
        self.language = options.get("language") or form.default_language
        self.by: str = str(options.get("by") or "") if options.get("by") in BREAKDOWNS else ""
        self.suppress = consultation.suppresses_small_cells
        self.filters = {k: v for k, v in (options.get("filters") or {}).items() if v}
        if self.suppress:
            # A filtered total beside the full one would give hidden cells away by subtraction;
            # outside attributed mode, breakdowns (protected) take the place of filters.
            self.filters = {}
        self.counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.columns: list[tuple[str, str]] = [("", _("All"))]

    def load(self) -> None:
        # The tallies and what is not folded into them yet, read without writing (counting.py).
        for question, value, kind, region, count in tally_cells(self.consultation, self.filters):
            cell = self.counts[(question, value)]
            cell[""] += count
            if self.by:
                # "" is the whole column; "-" gathers those who did not state a kind or region.
                cell[(kind if self.by == "kind" else region) or "-"] += count
        if self.by:
            groups = self.counts.get(("", ""), {})
            choices: list[tuple[str, str]] = [
                (str(value), str(label)) for value, label in BREAKDOWNS[self.by].choices
            ]
            choices.append(("-", _("Not stated")))
            # Attributed results leave out groups nobody is in; elsewhere every group is shown,
            # since an absent column would tell "nobody" from "fewer than 5".
            self.columns += [
                (key, label) for key, label in choices if self.suppress or groups.get(key)
            ]

    def value(self, question: str, value: str, column: str) -> int:
        cell = self.counts.get((question, value))
        return 0 if cell is None else cell.get(column, 0)

    def line(self, question: str, value: str) -> list[int]:
        return [self.value(question, value, key) for key, _label in self.columns]

    def shown(self, numbers: list[int]) -> list[Cell]:
        """A line of totals (all, then each group), protected like any other row."""
        if not self.suppress:
            return list(numbers)
        return protect([numbers], numbers, additive=False)[0]

    def build(self) -> Results:
        self.load()
        total = self.line("", "")
        found = (self.question(path, q) for path, q in result_questions(self.form))
        questions = [q for q in found if q is not None]
        return Results(self.shown(total), self.columns, questions, self.by)

    def question(self, path: str, question: Question) -> QuestionResult | None:
        """The figures of one question; None for a value the form works out (calculate,
        hidden) unless it has a label and numbers to show."""
        answered = self.line(path, "")
        label = pick(question.labels, self.language, self.form.default_language)
        if question.type in WORKED_OUT_TYPES and not (label and self.has_numbers(path)):
            return None
        result = QuestionResult(
            path=path,
            label=label or path,
            type=question.type,
            display="text",
            answered=self.shown(answered),
        )
        if question.type in CHOICE_TYPES:
            result.display = "choices"
            keys = [
                (c.name, pick(c.labels, self.language, self.form.default_language) or c.name)
                for c in question.choices
            ] or [("OK", _("Confirmed"))]
            additive = question.type in ("select_one", "rank", "acknowledge")
            self.rows(result, path, keys, answered, additive=additive)
        elif question.type in NUMBER_TYPES or question.type in WORKED_OUT_TYPES:
            result.display = "numbers"
            self.numbers(result, path, question)
        elif question.type in DATE_TYPES:
            result.display = "dates"
            self.dates(result, path)
        return result

    def has_numbers(self, path: str) -> bool:
        return any(_is_number(v) for v, _n in self.tallied_values(path))

    def rows(
        self,
        result: QuestionResult,
        path: str,
        keys: list[tuple[str, str]],
        answered: list[int],
        *,
        additive: bool,
        values: dict[str, list[str]] | None = None,
    ) -> None:
        """One row per key; `values` maps a key to the tallied values it gathers (bins)."""
        matrix = [
            [
                sum(self.value(path, v, col) for v in (values or {}).get(key, [key]))
                for col, _label in self.columns
            ]
            for key, _label in keys
        ]
        cells: list[list[Cell]] = (
            protect(matrix, answered, additive=additive)
            if self.suppress
            else [list(row) for row in matrix]
        )
        for (key, label), row in zip(keys, cells, strict=True):
            percents = [_percent(c, a) for c, a in zip(row, result.answered, strict=True)]
            result.rows.append(Row(key, label, row, percents))

    def tallied_values(self, path: str) -> list[tuple[str, int]]:
        return sorted(
            (value, cell.get("", 0))
            for (question, value), cell in self.counts.items()
            if question == path and value
        )

    def numbers(self, result: QuestionResult, path: str, question: Question) -> None:
        tallied = sorted((float(v), v, n) for v, n in self.tallied_values(path) if _is_number(v))
        if not tallied:
            return
        found = [(x, n) for x, _v, n in tallied]
        bins = number_bins(question, found, suppress=self.suppress)
        self.binned(result, path, bins, [(x, v) for x, v, _n in tallied])
        n = sum(count for _v, count in found)
        if not self.suppress or n >= THRESHOLD:
            mean = sum(v * c for v, c in found) / n
            result.stats = {_("mean"): f"{mean:.4g}", _("median"): f"{_median(found, n):.4g}"}

    def dates(self, result: QuestionResult, path: str) -> None:
        found: list[tuple[float, str, int]] = []
        for value, count in self.tallied_values(path):
            day = _day(value)
            if day is not None:
                found.append((_month(day), value, count))
        found.sort()
        bins = date_bins([(m, n) for m, _v, n in found], suppress=self.suppress)
        self.binned(result, path, bins, [(m, v) for m, v, _n in found])

    def binned(
        self, result: QuestionResult, path: str, bins: list[Bin], values: list[tuple[float, str]]
    ) -> None:
        """One row per bin, each gathering the tallied values that fall in it."""
        if not bins:
            return
        gathered: dict[str, list[str]] = defaultdict(list)
        for position, text in values:
            gathered[_bin_of(bins, position).key].append(text)
        keys = [(b.key, b.label) for b in bins]
        answered = self.line(path, "")
        self.rows(result, path, keys, answered, additive=True, values=gathered)


# Bins of numbers and dates ------------------------------------------------------------------------
#
# Tallies keep a count per value, so bins are chosen when results are read. Outside attributed
# mode a bin's label must not reveal anyone's answer: bins come from the form's own bounds where
# it has them; bins drawn from the answers use only values that at least 5 answers share or go
# beyond (the lowest and highest bins are open-ended), so no extreme answer shows in a label.

MAX_VALUES = 12  # up to this many values, one bar each
MAX_BINS = 10  # number bins otherwise: about this many, of a width 1, 2 or 5 × 10^k
MAX_PERIODS = 15  # dates: the shortest period (month, quarter, year…) that needs no more bars
PERIODS = (1, 3, 12, 24, 60, 120, 240, 600, 1200)  # in months
OTHER = "other"


def _bin_of(bins: list[Bin], position: float) -> Bin:
    """The bin a value falls in: "other" if there is one, else the first or last bin."""
    for item in bins:
        if item.start <= position < item.end:
            return item
    if bins[-1].key == OTHER:
        return bins[-1]
    return bins[0] if position < bins[0].start else bins[-1]


def number_bins(question: Question, found: list[tuple[float, int]], *, suppress: bool) -> list[Bin]:
    """The bins of a number question's answers (value, count), sorted by value."""
    low, high, step = _form_domain(question)
    if low is not None and high is not None and step and (high - low) / step < MAX_VALUES:
        # A short scale the form defines (1–5): one bar per value, whatever was answered.
        count = round((high - low) / step) + 1
        return _value_bins([_clean(low + k * step) for k in range(count)])
    integers = all(v.is_integer() for v, _n in found)
    if low is not None and high is not None and question.type == "range":
        return _width_bins(low, high, integers)
    values = [v for v, _n in found]
    if suppress and sum(n for _v, n in found) < THRESHOLD:
        return []
    if len(values) <= MAX_VALUES and (not suppress or all(n >= THRESHOLD for _v, n in found)):
        if integers and values[-1] - values[0] < MAX_VALUES:
            values = [float(v) for v in range(int(values[0]), int(values[-1]) + 1)]
        return _value_bins(values)
    if not suppress:
        return _width_bins(values[0], values[-1], integers)
    first, last = _trimmed(found)
    bins = _width_bins(first, last, integers)
    return _open_ends(
        bins,
        below=low is None or bins[0].start > low,
        above=high is None or bins[-1].end <= high,
        integers=integers,
    )


def _value_bins(values: list[float]) -> list[Bin]:
    ends = [*values[1:], math.inf]
    return [
        Bin(_number_text(v), _number_label(v), v, end) for v, end in zip(values, ends, strict=True)
    ]


def _width_bins(low: float, high: float, integers: bool) -> list[Bin]:
    width = _nice((high - low) / MAX_BINS, integers)
    bins = []
    for k in range(math.floor(low / width + 1e-9), math.floor(high / width + 1e-9) + 1):
        start, end = _clean(k * width), _clean((k + 1) * width)
        if integers:
            label = _number_label(start) if width == 1 else _span(start, end - 1)
        else:
            label = _span(start, end)
        bins.append(Bin(_number_text(start), label, start, end))
    if len(bins) > 1 and bins[-1].start == high and not (integers and width == 1):
        # The highest value alone would open a bin of its own (0–100 by 10s): the one below
        # takes it in, as "90–100".
        last = bins.pop()
        before = bins[-1]
        bins[-1] = Bin(before.key, _span(before.start, high), before.start, last.end)
    return bins


def _open_ends(bins: list[Bin], *, below: bool, above: bool, integers: bool) -> list[Bin]:
    """The first and last bins reach to the answers beyond them (top- and bottom-coding)."""
    first, last = bins[0], bins[-1]
    if below and above and len(bins) == 1:
        return [Bin(first.key, _("any value"), -math.inf, math.inf)]
    if below:
        edge = _number_label(first.end - 1) if integers else _number_label(first.end)
        label = _("%(value)s or less") if integers else _("under %(value)s")
        bins[0] = Bin(first.key, label % {"value": edge}, -math.inf, first.end)
    if above:
        last = bins[-1]
        label = _("%(value)s or more") % {"value": _number_label(last.start)}
        bins[-1] = Bin(last.key, label, last.start, math.inf)
    return bins


def _trimmed(found: list[tuple[float, int]]) -> tuple[float, float]:
    """The values at or beyond which at least THRESHOLD answers lie, from each end."""

    def reach(items: list[tuple[float, int]]) -> float:
        seen = 0
        for value, count in items:
            seen += count
            if seen >= THRESHOLD:
                return value
        return items[-1][0]

    low, high = reach(found), reach(found[::-1])
    return (low, high) if low <= high else (high, low)


def _nice(raw: float, integers: bool) -> float:
    """The smallest width of the form 1, 2 or 5 × 10^k that is at least `raw`."""
    if raw <= 0:
        return 1.0
    exponent = math.floor(math.log10(raw))
    for mantissa in (1, 2, 5, 10):
        width = _clean(mantissa * 10.0**exponent)
        if width >= raw:
            break
    return max(1.0, round(width)) if integers else width


def _form_domain(question: Question) -> tuple[float | None, float | None, float | None]:
    """The lowest and highest values the form allows, and the step between them."""
    if question.type == "range":
        p = question.parameters
        try:
            start, end = float(p.get("start", 1)), float(p.get("end", 10))
            step = abs(float(p.get("step", 1))) or 1.0
        except ValueError:
            return None, None, None
        if not all(math.isfinite(x) for x in (start, end, step)):
            return None, None, None
        return min(start, end), max(start, end), step
    low, high = _constraint_bounds(question.constraint)
    if question.type == "integer":
        low = None if low is None else float(math.ceil(low))
        high = None if high is None else float(math.floor(high))
        return low, high, 1.0
    return low, high, None


def _constraint_bounds(constraint: str) -> tuple[float | None, float | None]:
    """Bounds set by a constraint such as `. >= 1 and . <= 5` (comparisons joined by `and`)."""
    if not constraint:
        return None, None
    try:
        tree = compile_expression(constraint).tree
    except ExpressionError:
        return None, None
    bounds: list[float | None] = [None, None]
    _bounds_of(tree, bounds)
    return bounds[0], bounds[1]


FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _bounds_of(node: Node, bounds: list[float | None]) -> None:
    if node.op == "and":
        for arg in node.args:
            _bounds_of(arg, bounds)
        return
    if node.op not in FLIPPED or len(node.args) != 2:
        return
    left, right = node.args
    op = node.op
    if left.op == "literal" and right.op == "current":
        left, right, op = right, left, FLIPPED[op]
    if left.op != "current" or right.op != "literal" or not isinstance(right.args[0], float):
        return
    value = right.args[0]
    if not math.isfinite(value):
        return
    if op in (">", ">="):
        bounds[0] = value if bounds[0] is None else max(bounds[0], value)
    else:
        bounds[1] = value if bounds[1] is None else min(bounds[1], value)


def date_bins(found: list[tuple[float, int]], *, suppress: bool) -> list[Bin]:
    """Periods for dates given as (month number, count), sorted: the shortest period (month,
    quarter, year, several years) that draws them in at most MAX_PERIODS bars.

    Outside attributed mode the periods span only dates that at least 5 answers share or go
    beyond; the few answers outside them are gathered under "Other months" (years…).
    """
    if not found or (suppress and sum(n for _m, n in found) < THRESHOLD):
        return []
    first, last = _trimmed(found) if suppress else (found[0][0], found[-1][0])
    width = next(
        (w for w in PERIODS if int(last) // w - int(first) // w < MAX_PERIODS), PERIODS[-1]
    )
    start, end = int(first) // width * width, (int(last) // width + 1) * width
    bins = [
        Bin(_period_key(m, width), _period_label(m, width), m, m + width)
        for m in range(start, end, width)
    ]
    if found[0][0] < start or found[-1][0] >= end:
        others = {1: _("Other months"), 3: _("Other quarters"), 12: _("Other years")}
        bins.append(Bin(OTHER, str(others.get(width, _("Other periods"))), math.nan, math.nan))
    return bins


def _period_key(month: int, width: int) -> str:
    year, index = divmod(month, 12)
    if width == 1:
        return f"{year:04d}-{index + 1:02d}"
    if width == 3:
        return f"{year:04d}-Q{index // 3 + 1}"
    if width == 12:
        return f"{year:04d}"
    return f"{year:04d}-{(month + width - 1) // 12:04d}"


def _period_label(month: int, width: int) -> str:
    year, index = divmod(month, 12)
    if width == 3:
        return _("Q%(quarter)s %(year)s") % {"quarter": index // 3 + 1, "year": year}
    if width > 12:
        return f"{year}–{(month + width - 1) // 12}"
    return _period_key(month, width)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _month(day: date) -> float:
    return float(day.year * 12 + day.month - 1)


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _clean(value: float) -> float:
    """Rounded off the error of binary fractions (0.1 × 3), so that labels read right."""
    return float(f"{value:.12g}")


def _number_text(value: float) -> str:
    return to_string(value)


def _number_label(value: float) -> str:
    if value.is_integer() and abs(value) >= 10000:
        return number_format(int(value), force_grouping=True)
    return to_string(value)


def _span(start: float, end: float) -> str:
    return f"{_number_label(start)}–{_number_label(end)}"


def _median(found: list[tuple[float, int]], n: int) -> float:
    middle, seen = (n - 1) / 2, 0
    lower = upper = None
    for value, count in found:
        if lower is None and seen + count > math.floor(middle):
            lower = value
        if upper is None and seen + count > math.ceil(middle):
            upper = value
        seen += count
    return ((lower or 0.0) + (upper or 0.0)) / 2


def build_results(consultation: Consultation, form: FormDefinition, **options: Any) -> Results:
    """The figures of every question; options: language, by (kind|region), filters."""
    return _Builder(consultation, form, **options).build()


# Written answers ----------------------------------------------------------------------------------

WRITTEN_PER_PAGE = 50
# Written answers are read from the responses themselves (tallies do not keep text): the latest
# this many, so that the page stays fast however many there are; the export has every one.
WRITTEN_FROM = 2000
PEOPLE_SHOWN = 3


@dataclass
class WrittenAnswer:
    """One answer as written, with how many gave it (the same words, spacing and case aside)."""

    language: str
    count: int = 0
    people: dict[str, None] = field(default_factory=dict)
    wordings: Counter[str] = field(default_factory=Counter)

    @property
    def text(self) -> str:
        """The wording given most often (the latest of those, on a tie)."""
        return self.wordings.most_common(1)[0][0]

    @property
    def named(self) -> list[str]:
        return list(self.people)[:PEOPLE_SHOWN]

    @property
    def others(self) -> int:
        return max(0, len(self.people) - PEOPLE_SHOWN)


@dataclass
class WrittenAnswers:
    page: Page
    query: str  # the results page's query with this question named, for links to other pages
    partial: bool  # only the latest WRITTEN_FROM responses were read
    latest: int = WRITTEN_FROM


def written_answers(
    consultation: Consultation, results: Results, query: Mapping[str, Any], *, identity: bool
) -> dict[str, WrittenAnswers]:
    """The written answers of each text question, identical ones together, most frequent first,
    a page of them each; `query` (the page's GET) names the question paged (`written`) and the
    page; `identity` adds who gave them (never for anonymous consultations)."""
    paths = [q.path for q in results.questions if q.display == "text" and q.type == "text"]
    if not paths:
        return {}
    rows = list(
        Response.objects.filter(consultation=consultation)
        .order_by("-id")
        .values_list("answers", "language", "respondent__display_name", "organisation__name")[
            : WRITTEN_FROM + 1
        ]
    )
    groups: dict[str, dict[str, WrittenAnswer]] = {path: {} for path in paths}
    for answers, language, name, organisation in rows[:WRITTEN_FROM]:
        person = ", ".join(p for p in (name, organisation) if p) if identity else ""
        for path in paths:
            for text in _texts_at(answers, path.split("/")):
                key = " ".join(text.split()).casefold()
                group = groups[path].setdefault(key, WrittenAnswer(language))
                group.count += 1
                group.wordings[text.strip()] += 1
                if person:
                    group.people[person] = None
    kept = {k: v for k, v in query.items() if k in ("by", "lang")}
    found = {}
    for path in paths:
        ordered = sorted(groups[path].values(), key=lambda g: -g.count)
        number = query.get("page") if query.get("written") == path else 1
        found[path] = WrittenAnswers(
            page=Paginator(ordered, WRITTEN_PER_PAGE).get_page(number),
            query=urlencode({**kept, "written": path}),
            partial=len(rows) > WRITTEN_FROM,
        )
    return found


def _texts_at(answers: Any, steps: list[str]) -> Iterator[str]:
    """The answers at a path: `name`, or `repeat/…/name` once per entry."""
    if not isinstance(answers, dict):
        return
    if len(steps) == 1:
        value = answers.get(steps[0])
        if isinstance(value, str | int | float) and str(value).strip():
            yield str(value)
        return
    entries = answers.get(steps[0])
    for entry in entries if isinstance(entries, list) else []:
        yield from _texts_at(entry, steps[1:])
