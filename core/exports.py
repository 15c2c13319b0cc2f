"""Tables out as CSV, XLSX and JSON, with spreadsheet formulas neutralised.

A cell that begins with =, +, - or @ would run as a formula when a spreadsheet opens the file
(CSV injection); such cells get a leading apostrophe in CSV and XLSX. JSON keeps values as they are.
"""

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx", "json")


def neutralise(value: Any) -> Any:
    """Make a cell inert for spreadsheets; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    # The byte-order mark lets spreadsheet programs read UTF-8 (Arabic, Chinese) correctly.
    return ("\ufeff" + buffer.getvalue()).encode()


def xlsx_safe(value: Any) -> Any:
    """XLSX cannot hold most control characters: drop them rather than fail the whole file."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([xlsx_safe(neutralise(v)) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(
    fmt: str,
    *,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    title: str = "export",
) -> HttpResponse:
    """An attachment in the format asked for (csv, xlsx or json)."""
    rows = list(rows)
    if fmt == "xlsx":
        body = _xlsx(header, rows, title)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "json":
        body = json.dumps(
            [dict(zip(header, row, strict=True)) for row in rows],
            ensure_ascii=False,
            indent=1,
            default=str,
        ).encode()
        content_type = "application/json"
    else:
        fmt, body, content_type = "csv", _csv(header, rows), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
