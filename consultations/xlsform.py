"""Reading an XLSForm (.xlsx, .xls or the markdown-table form) into Consulta's form definition.

pyxform does the parsing and the checks of the standard; this module turns its result into a
small tree of our own, refuses what Consulta does not support (naming it), and compiles every
expression with our evaluator so that an unsupported function, or a regex() pattern that RE2
cannot run, is named at upload, not when somebody answers. Groups and repeats nest at most
MAX_DEPTH levels, so that nothing that walks the tree later can run out of stack.
"""

import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .expressions import ExpressionError, compile_expression, compile_pattern

SUFFIXES = (".xlsx", ".xls", ".md")

# pyxform's type names (after its aliases) → ours.
TYPES = {
    "text": "text",
    "string": "text",
    "integer": "integer",
    "int": "integer",
    "decimal": "decimal",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "date": "date",
    "time": "time",
    "datetime": "dateTime",
    "dateTime": "dateTime",
    "note": "note",
    "acknowledge": "acknowledge",
    "trigger": "acknowledge",
    "range": "range",
    "rank": "rank",
    "calculate": "calculate",
    "hidden": "hidden",
    "group": "group",
    "repeat": "repeat",
    # Places, typed as "lat lon [alt acc]" or taken from the browser (consultations/geo.py).
    "geopoint": "geopoint",
    "geotrace": "geotrace",
    "geoshape": "geoshape",
    # Typed, as Enketo does in a browser without a camera scanner.
    "barcode": "barcode",
    # Uploads, checked by content and kept as files (consultations/attachments.py).
    "photo": "image",
    "image": "image",
    "file": "file",
    "audio": "audio",
    "video": "video",
}
# Filled in by the device, never asked: accepted, and left out of the form we show.
METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "uri:deviceid",
    "simserial",
    "subscriberid",
    "phonenumber",
    "phone number",
    "username",
    "email",
    "audit",
    "instanceID",
}
REFUSED = {
    "osm": "osm",
    "select one external": "select_one_external",
    "background-audio": "background-audio",
    "start-geopoint": "start-geopoint",
}
UPLOAD_TYPES = {"image", "file", "audio", "video"}
EXPRESSION_BINDS = {"relevant": "relevant", "constraint": "constraint", "calculate": "calculation"}
MAX_DEPTH = 30  # groups and repeats, one inside another
# A text answer's length: the default, and the most a form may allow in its body::maxlength column.
TEXT_LENGTH = 10_000
MAX_TEXT_LENGTH = 100_000


class FormError(ValueError):
    """The file is not a form Consulta can run; the message says where and why."""

    def __init__(self, message: str, *, question: str = "", column: str = "") -> None:
        super().__init__(message)
        self.question, self.column = question, column


@dataclass
class Choice:
    name: str
    labels: dict[str, str]
    columns: dict[str, str] = field(default_factory=dict)


@dataclass
class Question:
    name: str
    type: str
    labels: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)
    required: str = ""
    required_messages: dict[str, str] = field(default_factory=dict)
    relevant: str = ""
    constraint: str = ""
    constraint_messages: dict[str, str] = field(default_factory=dict)
    calculation: str = ""
    choice_filter: str = ""
    default: str = ""
    read_only: bool = False
    appearance: str = ""
    choices: list[Choice] = field(default_factory=list)
    parameters: dict[str, str] = field(default_factory=dict)
    repeat_count: str = ""
    max_length: int = 0  # of a text answer, when the form sets one (body::maxlength)
    accept: str = ""  # of an upload, as the form narrows it (body::accept)
    children: list["Question"] = field(default_factory=list)

    def walk(self) -> list["Question"]:
        return [self, *[q for child in self.children for q in child.walk()]]


@dataclass
class FormDefinition:
    form_id: str
    title: str
    version: str
    default_language: str
    languages: list[str]
    children: list[Question]

    def questions(self) -> list[Question]:
        return [q for child in self.children for q in child.walk()]


_LANGUAGE = re.compile(r"\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\)\s*$")


def _language_code(column: str) -> str:
    """`English (en)` → en; a bare language name stays as written."""
    match = _LANGUAGE.search(column)
    return match.group(1).lower() if match else column.strip()


def _texts(value: Any) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return {_language_code(k): str(v) for k, v in value.items() if v not in (None, "")}
    return {"default": str(value)}


def _expression(text: Any, name: str, column: str) -> str:
    source = str(text or "").strip()
    if not source:
        return ""
    try:
        for pattern in compile_expression(source).patterns:
            compile_pattern(pattern)
    except ExpressionError as exc:
        raise FormError(f"question “{name}”: {exc}", question=name, column=column) from None
    return source


def _max_length(control: dict[str, Any], name: str) -> int:
    text = str(control.get("maxlength", "") or "").strip()
    if not text:
        return 0
    if not text.isdigit() or not 1 <= int(text) <= MAX_TEXT_LENGTH:
        raise FormError(
            f"question “{name}”: body::maxlength is a whole number of characters from 1 to "
            f"{MAX_TEXT_LENGTH:,}, not “{text}”",
            question=name,
            column="body::maxlength",
        )
    return int(text)


def _parameters(given: Any, bind: dict[str, Any]) -> dict[str, str]:
    """The parameters column: pyxform reads some (range) into a mapping, leaves others
    ("max-pixels=1024") as text, and copies max-pixels into the bind."""
    if isinstance(given, dict):
        found = {str(k): str(v) for k, v in given.items()}
    else:
        pairs = (item.partition("=") for item in str(given or "").split())
        found = {k.strip(): v.strip() for k, sep, v in pairs if sep and k.strip()}
    if bind.get("orx:max-pixels"):
        found["max-pixels"] = str(bind["orx:max-pixels"])
    return found


def _check_upload(question: Question, accept: str) -> None:
    """An upload's accept and max-pixels columns, checked against what Consulta can take."""
    from .attachments import AttachmentError, accepted_formats

    where = f"question “{question.name}”"
    pixels = question.parameters.get("max-pixels", "")
    if pixels and (not pixels.isdigit() or not 16 <= int(pixels) <= 100_000):
        raise FormError(
            f"{where}: max-pixels is a whole number of pixels from 16 to 100000, not “{pixels}”",
            question=question.name,
            column="parameters",
        )
    question.accept = accept.strip()
    try:
        accepted_formats(question.type, question.accept)
    except AttachmentError as exc:
        raise FormError(f"{where}: {exc}", question=question.name, column="body::accept") from None


def _children(raw: dict[str, Any], depth: int) -> list[Question]:
    """The questions inside `raw`, which sits `depth` groups or repeats deep (0: the survey)."""
    found = (_question(child, depth + 1) for child in raw.get("children", []) or [])
    return [q for q in found if q is not None]


def _question(raw: dict[str, Any], depth: int = 1) -> Question | None:
    kind, name = str(raw.get("type", "")), str(raw.get("name", ""))
    where = f"question “{name}”"
    if kind in ("group", "repeat") and depth > MAX_DEPTH:
        raise FormError(
            f"{where}: groups and repeats can be nested at most {MAX_DEPTH} levels deep, "
            f"and this {kind} is level {depth}",
            question=name,
            column="type",
        )
    if kind in REFUSED:
        raise FormError(
            f"{where}: the question type {REFUSED[kind]} is not supported",
            question=name,
            column="type",
        )
    if kind in METADATA or (kind == "group" and raw.get("control", {}).get("bodyless")):
        return None
    if kind not in TYPES:
        raise FormError(
            f"{where}: the question type “{kind}” is not supported", question=name, column="type"
        )
    bind, control = raw.get("bind", {}), raw.get("control", {})
    question = Question(
        name=name,
        type=TYPES[kind],
        labels=_texts(raw.get("label")),
        hints=_texts(raw.get("hint")),
        required_messages=_texts(bind.get("jr:requiredMsg")),
        constraint_messages=_texts(bind.get("jr:constraintMsg")),
        default=str(raw.get("default", "") or ""),
        read_only=str(bind.get("readonly", "")).lower() in ("true", "true()", "yes"),
        appearance=str(control.get("appearance", "") or ""),
        parameters=_parameters(raw.get("parameters"), bind),
        choices=[
            Choice(
                str(c.get("name")),
                _texts(c.get("label")),
                {k: str(v) for k, v in c.items() if k not in ("name", "label", "media")},
            )
            for c in raw.get("choices", []) or []
        ],
    )
    required = str(bind.get("required", "") or "")
    question.required = (
        ""
        if required.lower() in ("", "false", "false()", "no")
        else (
            "true()"
            if required.lower() in ("true", "true()", "yes")
            else _expression(required, name, "required")
        )
    )
    for bind_key, attribute in EXPRESSION_BINDS.items():
        setattr(question, attribute, _expression(bind.get(bind_key), name, attribute))
    question.choice_filter = _expression(raw.get("choice_filter"), name, "choice_filter")
    question.repeat_count = _expression(control.get("jr:count"), name, "repeat_count")
    question.max_length = _max_length(control, name)
    if question.type in UPLOAD_TYPES:
        _check_upload(question, str(control.get("accept", "") or ""))
    question.children = _children(raw, depth)
    return question


def _parse(path: Path) -> dict[str, Any]:
    from pyxform.errors import PyXFormError
    from pyxform.xls2json import parse_file_to_json

    try:
        return dict(parse_file_to_json(str(path), warnings=[]))
    except PyXFormError as exc:
        message = str(exc).strip()
        if "not recognized as a supported type" in message:
            # pyxform says this of a file whose content is not a workbook at all.
            message = "This file could not be read as an XLSForm (its content is not a workbook)."
        raise FormError(message) from None
    except Exception as exc:
        # xlrd, openpyxl and the markdown reader fail in many ways on files that are not forms.
        raise FormError(
            f"This file could not be read as an XLSForm ({type(exc).__name__})."
        ) from None


def _survey_rows(path: Path) -> list[list[str]]:
    """The cells of the survey sheet, row by row as a spreadsheet numbers them (header = 1)."""
    suffix = path.suffix
    if suffix == ".md":
        rows, inside = [], False
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if line.strip().startswith("|") and cells[0]:
                inside = cells[0].lower() == "survey"
            elif inside and line.strip().startswith("|"):
                rows.append(cells[1:])
        return rows
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        sheet = next((book[n] for n in book.sheetnames if n.strip().lower() == "survey"), None)
        return (
            []
            if sheet is None
            else [
                ["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        )
    import xlrd

    book = xlrd.open_workbook(str(path))
    sheet = next((s for s in book.sheets() if s.name.strip().lower() == "survey"), None)
    return (
        [] if sheet is None else [[str(v) for v in sheet.row_values(i)] for i in range(sheet.nrows)]
    )


def _located(error: FormError, path: Path) -> FormError:
    """Add the sheet, row and column to an error about one question."""
    try:
        rows = _survey_rows(path)
    except Exception:  # the file was read once already; a second reader failing is no news
        return error
    header = [h.strip().lower() for h in rows[0]] if rows else []
    column = {"calculation": "calculation", "repeat_count": "repeat_count"}.get(
        error.column, error.column
    )
    if "name" not in header:
        return error
    for number, row in enumerate(rows[1:], start=2):
        cells = dict(zip(header, row, strict=False))
        if cells.get("name", "").strip() == error.question:
            where = f"Sheet survey, row {number}"
            if column in header:
                where += f", column {column}"
            return FormError(f"{where}: {error}", question=error.question, column=error.column)
    return error


def load_xlsform(content: bytes, filename: str) -> FormDefinition:
    """Read a form from an uploaded file; FormError says what is wrong."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise FormError(f"An XLSForm is a .xlsx, .xls or .md file, not “{suffix or filename}”.")
    with tempfile.TemporaryDirectory(prefix="consulta-xlsform-") as folder:
        path = Path(folder) / f"form{suffix}"
        path.write_bytes(content)
        raw = _parse(path)
        try:
            children = _children(raw, 0)
        except FormError as exc:
            raise _located(exc, path) from None
    languages = sorted({lang for q in children for item in q.walk() for lang in item.labels})
    default = str(raw.get("default_language") or "default")
    return FormDefinition(
        form_id=str(raw.get("id_string") or raw.get("name") or ""),
        title=str(raw.get("title") or ""),
        version=str(raw.get("version") or ""),
        default_language=_language_code(default),
        languages=languages,
        children=children,
    )


def to_dict(form: FormDefinition) -> dict[str, Any]:
    """The definition as JSON, to store beside the uploaded file."""
    return asdict(form)


def _question_from(data: dict[str, Any]) -> Question:
    values = dict(data)
    values["choices"] = [Choice(**c) for c in values.get("choices", [])]
    values["children"] = [_question_from(c) for c in values.get("children", [])]
    return Question(**values)


def from_dict(data: dict[str, Any]) -> FormDefinition:
    values = dict(data)
    values["children"] = [_question_from(c) for c in values.get("children", [])]
    return FormDefinition(**values)
