"""Tables out as CSV, XLSX and JSON, with spreadsheet formulas neutralised.

A cell that begins with =, +, - or @ would run as a formula when a spreadsheet opens the file
(CSV injection); such cells get a leading apostrophe in CSV and XLSX. Control characters are
dropped first, and leading whitespace does not hide a formula, so that "\x01=HYPERLINK(…)" or
" =HYPERLINK(…)" cannot come out as a formula. JSON keeps values as they are.
"""

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("csv", "xlsx", "json")
# C0 controls and DEL, but not tab, line feed and carriage return, which text answers hold. XLSX
# cannot store most of them; a spreadsheet reading CSV may skip them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def neutralise(value: Any) -> Any:
    """Make a cell inert for spreadsheets (CSV and XLSX alike); numbers stay numbers."""
    if not isinstance(value, str):
        return value
    # Strip first, then look: a formula must not hide behind a character that goes away later.
    value = CONTROL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_PREFIXES) or value.lstrip().startswith(FORMULA_PREFIXES):
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


def _xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([neutralise(v) for v in row])
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
