"""An evaluator for the expressions of XLSForm (ODK's dialect of XPath 1.0).

Forms use expressions in `relevant`, `constraint`, `choice_filter` and `calculation`. They are
evaluated on the server for every submission, so this is a small, strict interpreter of our own:
`compile_expression` parses once (and names any function it does not know, so a form can be
refused at upload), `Expression.evaluate` runs it against the answers.

Values follow ODK: an unanswered question is the empty string; select_multiple answers are
lists (or space-separated strings); dates, times and date-times are compared as such, and turn
into numbers of days (since 1970-01-01) for arithmetic, as in JavaRosa.

regex() runs on RE2, whose time is linear in the answer's length: Python's re backtracks, and a
form's pattern must not let an anonymous visitor hold a worker for minutes. RE2 has no
back-references or look-arounds (a form using them is refused at upload), and its \\w and \\d
are ASCII, as in ODK Collect (Java) and Enketo (JavaScript).
"""

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import re2

EPOCH = date(1970, 1, 1)


class ExpressionError(ValueError):
    """The expression cannot be parsed, or names a function we do not support."""


# Tokens -------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<ref>\$\{\s*(?P<refname>[A-Za-z_][\w.\-]*)\s*\})
  | (?P<number>\d+(?:\.\d*)?|\.\d+)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op><=|>=|!=|=|<|>|\+|-|\*|\||\(|\)|,)
  | (?P<relpath>\.\.(?:/\.\.)*(?:/[A-Za-z_][\w.\-]*)+)
  | (?P<parent>\.\.)
  | (?P<current>\.)
  | (?P<path>(?:/[A-Za-z_][\w.\-]*)+)
  | (?P<name>[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str
    value: str
    position: int


def _tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(
                f"unexpected character {text[position]!r} at position {position + 1}"
            )
        kind = match.lastgroup or ""
        if kind == "ref":
            tokens.append(Token("ref", match.group("refname"), position))
        elif kind in ("path", "relpath"):
            # An absolute path (/data/group/question) names its last step.
            tokens.append(Token("ref", match.group(kind).rsplit("/", 1)[-1], position))
        elif kind != "space":
            tokens.append(Token(kind, match.group(kind), position))
        position = match.end()
    return tokens


# Syntax tree --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    op: str
    args: tuple[Any, ...] = ()


class _Parser:
    """Recursive descent, lowest precedence first: or, and, = !=, < <= > >=, + -, * div mod,
    unary minus, union (|), then literals, references, calls and parentheses."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.index = 0

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.peek()
        if token is None:
            raise ExpressionError("the expression ends too early")
        self.index += 1
        return token

    def at(self, *values: str) -> bool:
        token = self.peek()
        # Operator words (and, or, div, mod) are names in the token stream.
        return token is not None and token.kind in ("op", "name") and token.value in values

    def expect(self, value: str) -> None:
        if self.peek() is None:
            raise ExpressionError(f"expected {value!r} at the end")
        token = self.take()
        if token.value != value:
            raise ExpressionError(f"expected {value!r} at position {token.position + 1}")

    def parse(self) -> Node:
        if not self.tokens:
            raise ExpressionError("the expression is empty")
        node = self.binary(0)
        token = self.peek()
        if token is not None:
            raise ExpressionError(f"unexpected {token.value!r} at position {token.position + 1}")
        return node

    LEVELS: tuple[tuple[str, ...], ...] = (
        ("or",),
        ("and",),
        ("=", "!="),
        ("<", "<=", ">", ">="),
        ("+", "-"),
        ("*", "div", "mod"),
    )

    def binary(self, level: int) -> Node:
        if level == len(self.LEVELS):
            return self.unary()
        node = self.binary(level + 1)
        while self.at(*self.LEVELS[level]):
            op = self.take().value
            node = Node(op, (node, self.binary(level + 1)))
        return node

    def unary(self) -> Node:
        if self.at("-"):
            self.take()
            return Node("neg", (self.unary(),))
        node = self.primary()
        while self.at("|"):
            self.take()
            node = Node("|", (node, self.primary()))
        return node

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "number":
            return Node("literal", (float(token.value),))
        if token.kind == "string":
            return Node("literal", (token.value[1:-1],))
        if token.kind == "ref":
            return Node("ref", (token.value,))
        if token.kind == "current":
            return Node("current")
        if token.kind == "parent":
            return Node("parent")
        if token.kind == "op" and token.value == "(":
            node = self.binary(0)
            self.expect(")")
            return node
        if token.kind == "name":
            # A bare name is a column of the choices sheet (in a choice_filter), not a question.
            return self.call(token) if self.at("(") else Node("column", (token.value,))
        raise ExpressionError(f"unexpected {token.value!r} at position {token.position + 1}")

    def call(self, name: Token) -> Node:
        if name.value not in FUNCTIONS:
            raise ExpressionError(f"the function {name.value}() is not supported")
        self.expect("(")
        args: list[Node] = []
        if not self.at(")"):
            args.append(self.binary(0))
            while self.at(","):
                self.take()
                args.append(self.binary(0))
        self.expect(")")
        low, high = FUNCTIONS[name.value].arity
        if not low <= len(args) <= (high if high is not None else len(args)):
            raise ExpressionError(f"{name.value}() does not take {len(args)} argument(s)")
        return Node("call", (name.value, tuple(args)))


# Conversions (XPath 1.0 with ODK's dates) --------------------------------------------------------


def _parse_temporal(text: str) -> date | datetime | time | None:
    text = text.strip()
    for parse in (date.fromisoformat, datetime.fromisoformat, time.fromisoformat):
        try:
            return parse(text.replace("Z", "+00:00"))
        except ValueError:
            continue
    return None


def to_number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return (moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() / 86400
    if isinstance(value, date):
        return float((value - EPOCH).days)
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, list):
        return to_number(value[0]) if value else math.nan
    text = str(value).strip()
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        temporal = _parse_temporal(text)
        return to_number(temporal) if temporal is not None else math.nan


def to_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list):
        return " ".join(to_string(v) for v in value)
    return "" if value is None else str(value)


def to_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, datetime | date | time):
        return True
    return bool(to_string(value))


def _items(value: Any) -> list[str]:
    if isinstance(value, list):
        return [to_string(v) for v in value]
    return to_string(value).split()


def _temporal(value: Any) -> date | datetime | time | None:
    if isinstance(value, datetime | date | time):
        return value
    if isinstance(value, str):
        return (
            _parse_temporal(value) if re.match(r"^\d{4}-\d{2}-\d{2}|^\d{2}:\d{2}", value) else None
        )
    return None


def _compare(op: str, left: Any, right: Any) -> bool:
    # Dates are compared as dates (the reason elementpath did not fit: it compares them as text).
    left_t, right_t = _temporal(left), _temporal(right)
    numeric = isinstance(left, int | float | bool) or isinstance(right, int | float | bool)
    if (left_t is not None or right_t is not None) and not numeric:
        a, b = to_number(left_t or left), to_number(right_t or right)
    elif op in ("=", "!=") and not numeric:
        a, b = to_string(left), to_string(right)  # type: ignore[assignment]
    else:
        a, b = to_number(left), to_number(right)
    if isinstance(a, float) and isinstance(b, float) and (math.isnan(a) or math.isnan(b)):
        return op == "!="
    return {"=": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


# Functions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Function:
    run: Callable[..., Any]
    arity: tuple[int, int | None]


def _round(value: Any, digits: Any = 0) -> float:
    number = to_number(value)
    if math.isnan(number) or math.isinf(number):
        return number
    places = int(to_number(digits))
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(str(number)).quantize(quantum, rounding=ROUND_HALF_UP))


def _int(value: Any) -> float:
    number = to_number(value)
    return number if math.isnan(number) or math.isinf(number) else float(math.trunc(number))


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a bad pattern is our error to report, not RE2's to log


def compile_pattern(pattern: str) -> Any:
    """A regex() pattern compiled by RE2; ExpressionError says why one cannot be used."""
    try:
        return re2.compile(pattern, options=_RE2_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        if isinstance(reason, bytes):  # RE2 says it in UTF-8 bytes
            reason = reason.decode(errors="replace")
        raise ExpressionError(
            f"regex(): the pattern “{pattern}” cannot be used ({reason}); patterns follow RE2's "
            "syntax, which has no back-references (\\1) or look-arounds ((?=, (?!, (?<=, (?<!)"
        ) from None


def _regex(value: Any, pattern: Any) -> bool:
    return compile_pattern(to_string(pattern)).search(to_string(value)) is not None


def _substr(value: Any, start: Any, length: Any = None) -> str:
    text = to_string(value)
    begin = int(to_number(start))
    end = None if length is None else begin + int(to_number(length))
    return text[begin:end]


def _date(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return EPOCH + timedelta(days=int(value))
    temporal = _temporal(value)
    return temporal.date() if isinstance(temporal, datetime) else (temporal or "")


def _numbers(args: tuple[Any, ...]) -> list[float]:
    values: list[Any] = []
    for arg in args:
        values.extend(arg if isinstance(arg, list) else [arg])
    return [to_number(v) for v in values]


FUNCTIONS: dict[str, Function] = {
    "selected": Function(lambda v, c: to_string(c) in _items(v), (2, 2)),
    "count-selected": Function(lambda v: float(len(_items(v))), (1, 1)),
    "count": Function(
        lambda v: float(len(v) if isinstance(v, list) else bool(to_string(v))), (1, 1)
    ),
    "string-length": Function(lambda v=None: float(len(to_string(v))), (0, 1)),
    "concat": Function(lambda *a: "".join(to_string(v) for v in a), (0, None)),
    "if": Function(lambda c, a, b: a if to_boolean(c) else b, (3, 3)),
    "coalesce": Function(lambda a, b: a if to_string(a) else b, (2, 2)),
    "regex": Function(_regex, (2, 2)),
    "int": Function(_int, (1, 1)),
    "number": Function(to_number, (1, 1)),
    "round": Function(_round, (1, 2)),
    "not": Function(lambda v: not to_boolean(v), (1, 1)),
    "true": Function(lambda: True, (0, 0)),
    "false": Function(lambda: False, (0, 0)),
    "boolean": Function(to_boolean, (1, 1)),
    "string": Function(to_string, (1, 1)),
    "contains": Function(lambda a, b: to_string(b) in to_string(a), (2, 2)),
    "starts-with": Function(lambda a, b: to_string(a).startswith(to_string(b)), (2, 2)),
    "ends-with": Function(lambda a, b: to_string(a).endswith(to_string(b)), (2, 2)),
    "substr": Function(_substr, (2, 3)),
    "sum": Function(lambda *a: float(sum(_numbers(a))), (1, None)),
    "min": Function(lambda *a: min(_numbers(a), default=math.nan), (1, None)),
    "max": Function(lambda *a: max(_numbers(a), default=math.nan), (1, None)),
    "date": Function(_date, (1, 1)),
    # today() and now() read the context's clock: _call answers them before this table.
    "today": Function(lambda: None, (0, 0)),
    "now": Function(lambda: None, (0, 0)),
}


# Evaluation ---------------------------------------------------------------------------------------


@dataclass
class Context:
    """What an expression reads: `resolve(name)` gives an answer (the empty string when
    unanswered), `current` is `.`, `parent` is `..`, `column(name)` a column of the choice being
    filtered, and the clock serves today() and now()."""

    resolve: Callable[[str], Any]
    current: Any = ""
    parent: Any = ""
    column: Callable[[str], Any] = field(default=lambda name: "")
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @classmethod
    def of(cls, answers: Mapping[str, Any], **kwargs: Any) -> "Context":
        return cls(resolve=lambda name: answers.get(name, ""), **kwargs)


def _evaluate(node: Node, context: Context) -> Any:
    op, args = node.op, node.args
    if op == "literal":
        return args[0]
    if op == "ref":
        return context.resolve(args[0])
    if op == "column":
        return context.column(args[0])
    if op == "current":
        return context.current
    if op == "parent":
        return context.parent
    if op == "or":
        return to_boolean(_evaluate(args[0], context)) or to_boolean(_evaluate(args[1], context))
    if op == "and":
        return to_boolean(_evaluate(args[0], context)) and to_boolean(_evaluate(args[1], context))
    if op == "neg":
        return -to_number(_evaluate(args[0], context))
    if op == "call":
        return _call(args[0], [_evaluate(a, context) for a in args[1]], context)
    left, right = _evaluate(args[0], context), _evaluate(args[1], context)
    if op in ("=", "!=", "<", "<=", ">", ">="):
        return _compare(op, left, right)
    if op == "|":
        return _items(left) + _items(right)
    return _arithmetic(op, to_number(left), to_number(right))


def _arithmetic(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if b == 0:
        return math.nan if (op == "mod" or a == 0) else math.copysign(math.inf, a)
    return a / b if op == "div" else math.fmod(a, b)


def _call(name: str, values: list[Any], context: Context) -> Any:
    if name == "today":
        return context.clock().date()
    if name == "now":
        return context.clock()
    return FUNCTIONS[name].run(*values)


def _nodes(node: Node) -> list[Node]:
    """The node and every node under it."""
    found = [node]
    for arg in node.args:
        for item in arg if isinstance(arg, tuple) else (arg,):
            if isinstance(item, Node):
                found += _nodes(item)
    return found


def _references(node: Node) -> set[str]:
    return {n.args[0] for n in _nodes(node) if n.op == "ref"}


def _patterns(node: Node) -> set[str]:
    calls = [n for n in _nodes(node) if n.op == "call" and n.args[0] == "regex"]
    literals = [call.args[1][1] for call in calls]
    return {p.args[0] for p in literals if p.op == "literal" and isinstance(p.args[0], str)}


@dataclass(frozen=True)
class Expression:
    source: str
    tree: Node

    @property
    def references(self) -> set[str]:
        """The question names the expression reads (to check them against the form)."""
        return _references(self.tree)

    @property
    def patterns(self) -> set[str]:
        """The regex() patterns written in the expression (to check them at upload)."""
        return _patterns(self.tree)

    def evaluate(self, context: Context) -> Any:
        try:
            return _evaluate(self.tree, context)
        except ExpressionError:
            raise
        except (ValueError, TypeError, OverflowError, ArithmeticError, RecursionError) as exc:
            raise ExpressionError(f"cannot evaluate {self.source!r}: {exc}") from None

    def is_true(self, context: Context) -> bool:
        return to_boolean(self.evaluate(context))


MAX_LENGTH = 4000


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> Expression:
    """Parse an expression once; raises ExpressionError naming what is wrong."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    try:
        return Expression(source, _Parser(source).parse())
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None
