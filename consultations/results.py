"""Results of a consultation, read from the running tallies, with small cells suppressed.

Outside attributed mode no count under 5 is ever shown: it reads "<5". Where cells add up to a
total that is shown (the options of a select_one, the groups of a breakdown), one suppressed cell
could be found by subtraction, so a second one is hidden too (secondary suppression); it reads
"…", since it is not under 5.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from core.disclosure import THRESHOLD, Cell, protect
from stakeholders.choices import OrganisationKind, Region

from .models import Consultation, Tally
from .tallying import CHOICE_TYPES, DATE_TYPES, NUMBER_TYPES, result_questions
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
        tallies = Tally.objects.filter(consultation=self.consultation, **self.filters)
        for question, value, kind, region, count in tallies.values_list(
            "question", "value", "kind", "region", "count"
        ).iterator(chunk_size=5000):
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
        questions = [self.question(path, q) for path, q in result_questions(self.form)]
        return Results(self.shown(total), self.columns, questions, self.by)

    def question(self, path: str, question: Question) -> QuestionResult:
        answered = self.line(path, "")
        result = QuestionResult(
            path=path,
            label=pick(question.labels, self.language, self.form.default_language) or path,
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
        elif question.type in NUMBER_TYPES:
            result.display = "numbers"
            self.numbers(result, path, answered)
        elif question.type in DATE_TYPES:
            result.display = "dates"
            self.dates(result, path, answered)
        return result

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

    def numbers(self, result: QuestionResult, path: str, answered: list[int]) -> None:
        found = [(float(v), n) for v, n in self.tallied_values(path) if _is_number(v)]
        if not found:
            return
        found.sort()
        if self.suppress:
            # Bins that do not depend on the answers: their labels reveal nobody's.
            bins = _decades(found[0][0], found[-1][0])
        elif len(found) <= 12:
            # Few distinct values: one row each reads better than bins.
            bins = [(_number_text(v), _number_text(v), v, v) for v, _n in found]
        else:
            integers = all(v.is_integer() for v, _n in found)
            bins = _bins(found[0][0], found[-1][0], integers)
        gathered: dict[str, list[str]] = defaultdict(list)
        for value, _n in found:
            gathered[_bin_of(bins, value)[0]].append(_number_text(value))
        keys = [(key, label) for key, label in (b[:2] for b in bins)]
        self.rows(result, path, keys, answered, additive=True, values=gathered)
        n = sum(count for _v, count in found)
        if not self.suppress or n >= THRESHOLD:
            mean = sum(v * c for v, c in found) / n
            result.stats = {_("mean"): f"{mean:.4g}", _("median"): f"{_median(found, n):.4g}"}

    def dates(self, result: QuestionResult, path: str, answered: list[int]) -> None:
        months: dict[str, list[str]] = defaultdict(list)
        for value, _n in self.tallied_values(path):
            months[value[:7]].append(value)
        if self.suppress:
            # A month nobody else chose would name one person's answer: such months are
            # gathered under "other months".
            totals = {m: sum(self.value(path, v, "") for v in vs) for m, vs in months.items()}
            small = [m for m in months if totals[m] < THRESHOLD]
            if small:
                months["other"] = [v for m in small for v in months.pop(m)]
        keys = [(m, str(_("Other months")) if m == "other" else m) for m in sorted(months)]
        self.rows(result, path, keys, answered, additive=True, values=months)


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _number_text(value: float) -> str:
    from .expressions import to_string

    return to_string(value)


def _bins(low: float, high: float, integers: bool) -> list[tuple[str, str, float, float]]:
    """Up to 10 bins of equal width from low to high: (key, label, start, end)."""
    if integers and high - low < 10:
        return [(str(int(v)), str(int(v)), v, v + 1) for v in range(int(low), int(high) + 1)]
    width = (high - low) / 10 or 1
    if integers:
        width = math.ceil(width)
    bins = []
    start = low
    while start <= high:
        end = start + width
        label = f"{start:g}–{end - 1:g}" if integers else f"{start:.4g}–{end:.4g}"
        bins.append((f"{start:g}", label, start, end))
        start = end
    return bins


def _decades(low: float, high: float) -> list[tuple[str, str, float, float]]:
    """Fixed bins: below 0, 0, 1–9, 10–99, 100–999 … up to what is needed."""
    bins: list[tuple[str, str, float, float]] = []
    if low < 0:
        bins.append(("neg", str(_("below 0")), -math.inf, 0))
    bins.append(("0", "0", 0, 1))
    start = 1
    while start <= high or len(bins) < 2:
        end = start * 10
        bins.append((str(start), f"{start}–{end - 1}", start, end))
        start = end
    return bins


def _bin_of(
    bins: list[tuple[str, str, float, float]], value: float
) -> tuple[str, str, float, float]:
    for item in bins:
        if item[2] <= value < item[3] or item[2] == value == item[3]:
            return item
    return bins[-1]


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
