"""Responses out as CSV, XLSX (one sheet per repeat, as KoboToolbox does) and JSON.

Choice names or labels in a chosen language; cells that a spreadsheet would run as formulas are
neutralised; anonymous consultations export no identity (there is none stored to export), no
receipt code (whoever holds the export could link a respondent's receipt to their answers) and
the day of submission only.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC
from typing import Any

from django.conf import settings
from django.urls import reverse

from core.exports import neutralise

from .models import Consultation, Response
from .validation import pick
from .xlsform import UPLOAD_TYPES, FormDefinition, Question

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


class Layout:
    """Which columns each table has, and how one response becomes its rows."""

    def __init__(
        self, consultation: Consultation, form: FormDefinition, *, labels: bool, language: str
    ) -> None:
        self.consultation, self.form = consultation, form
        self.labels, self.language = labels, language or form.default_language
        self.main, self.repeats = _split(form.children)

    def identity_columns(self) -> list[str]:
        if self.consultation.is_anonymous:
            return []
        return ["respondent", "respondent_email", "organisation"]

    def base_columns(self) -> list[str]:
        if self.consultation.is_anonymous:
            return ["_id", "_submitted", "_language", "_kind", "_region"]
        return ["_id", "_reference", "_submitted", "_language", "_kind", "_region"]

    def header(self) -> list[str]:
        return self.base_columns() + self.identity_columns() + [q.name for q in self.main]

    def repeat_header(self, repeat: Question) -> list[str]:
        return ["_parent_id", "_index"] + [q.name for q in _split(repeat.children)[0]]

    def value(self, question: Question, raw: Any) -> Any:
        if raw in (None, ""):
            return ""
        if question.type in UPLOAD_TYPES:
            return self.link(str(raw))
        if question.type in ("select_one", "select_multiple", "rank") and self.labels:
            labels = {
                c.name: pick(c.labels, self.language, self.form.default_language) or c.name
                for c in question.choices
            }
            items = raw if isinstance(raw, list) else [raw]
            return " ".join(labels.get(str(v), str(v)) for v in items)
        if isinstance(raw, list):
            return " ".join(map(str, raw))
        return raw

    def link(self, name: str) -> str:
        """A file as the address of its download, which asks who follows it to sign in."""
        path = reverse("consultations:attachment", args=[self.consultation.slug, name])
        return f"{settings.SITE_URL}{path}"

    def row(self, response: Response) -> list[Any]:
        identity = []
        if self.identity_columns():
            person = response.respondent
            identity = [
                person.display_name if person else "",
                person.email if person else "",
                response.organisation.name if response.organisation else "",
            ]
        if self.consultation.is_anonymous:
            # The day only, in UTC like the full time of other exports.
            base = [response.pk, response.submitted_at.astimezone(UTC).date().isoformat()]
        else:
            base = [response.pk, response.reference, response.submitted_at.isoformat()]
        base += [response.language, response.kind, response.region]
        answers = [self.value(q, response.answers.get(q.name)) for q in self.main]
        return base + identity + answers

    def repeat_rows(self, repeat: Question, response: Response) -> Iterator[list[Any]]:
        inner = _split(repeat.children)[0]
        for index, entry in enumerate(response.answers.get(repeat.name) or [], start=1):
            yield [response.pk, index] + [self.value(q, entry.get(q.name)) for q in inner]

    def record(self, response: Response) -> dict[str, Any]:
        """One response as a JSON object: repeats as lists of objects."""
        out = dict(zip(self.header(), self.row(response), strict=True))
        for repeat in self.repeats:
            inner = _split(repeat.children)[0]
            out[repeat.name] = [
                {q.name: self.value(q, entry.get(q.name)) for q in inner}
                for entry in response.answers.get(repeat.name) or []
            ]
        return out


def _split(questions: list[Question]) -> tuple[list[Question], list[Question]]:
    """The questions answered directly (groups flattened), and the repeats."""
    direct: list[Question] = []
    repeats: list[Question] = []
    for question in questions:
        if question.type == "group":
            inner, nested = _split(question.children)
            direct += inner
            repeats += nested
        elif question.type == "repeat":
            repeats.append(question)
        elif question.type != "note":
            direct.append(question)
    return direct, repeats


def attachment(body: bytes, fmt: str, name: str) -> Any:
    """An export as an HTTP attachment (pages and API alike)."""
    from django.http import HttpResponse

    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


Progress = Callable[[int], None]


def write_export(
    fmt: str,
    layout: Layout,
    responses: Iterable[Response],
    progress: Progress | None = None,
) -> bytes:
    """The whole export as bytes; `progress(n)` is told every 500 responses."""
    writer = {"csv": _csv, "xlsx": _xlsx, "json": _json}[fmt]
    return writer(layout, _counting(responses, progress))


def _counting(responses: Iterable[Response], progress: Progress | None) -> Iterator[Response]:
    count = 0
    for count, response in enumerate(responses, start=1):
        if progress is not None and count % 500 == 0:
            progress(count)
        yield response
    if progress is not None:
        progress(count)


def _csv(layout: Layout, responses: Iterable[Response]) -> bytes:
    # CSV is one table: repeats go in as JSON text in their column.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(layout.header() + [r.name for r in layout.repeats])
    for response in responses:
        repeats = [
            json.dumps(layout.record(response)[r.name], ensure_ascii=False) for r in layout.repeats
        ]
        writer.writerow([neutralise(v) for v in layout.row(response)] + repeats)
    return ("\ufeff" + buffer.getvalue()).encode()


def _xlsx(layout: Layout, responses: Iterable[Response]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    main = workbook.create_sheet(title=(layout.form.form_id or "responses")[:31])
    main.append(layout.header())
    sheets = {}
    for repeat in layout.repeats:
        sheets[repeat.name] = workbook.create_sheet(title=repeat.name[:31])
        sheets[repeat.name].append(layout.repeat_header(repeat))
    for response in responses:
        main.append([neutralise(v) for v in layout.row(response)])
        for repeat in layout.repeats:
            for row in layout.repeat_rows(repeat, response):
                sheets[repeat.name].append([neutralise(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _json(layout: Layout, responses: Iterable[Response]) -> bytes:
    records = [layout.record(response) for response in responses]
    return json.dumps(records, ensure_ascii=False, indent=1, default=str).encode()
