import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from consultations.exports import Layout, write_export
from consultations.xlsform import load_xlsform
from tests.builders import GOOD_ANSWERS, SMALL_FORM, make_consultation, submit

pytestmark = pytest.mark.django_db

# NUL is refused when answering (PostgreSQL cannot store it); core's tests cover it in exports.
CONTROLS = [chr(c) for c in range(1, 0x20)] + ["\x7f"]
SPACED = [" ", "\t", "\r", "\n", " \t ", "\u00a0", "\x01 "]
HYPERLINK = '=HYPERLINK("http://evil.example","x")'


def export(consultation, fmt):
    form = load_xlsform(SMALL_FORM.encode(), "form.md")
    layout = Layout(consultation, form, labels=False, language="en")
    return write_export(fmt, layout, consultation.responses.order_by("pk"))


def tables(consultation, fmt):
    """Every table of the export as a list of dicts (one table for CSV and JSON)."""
    body = export(consultation, fmt)
    if fmt == "csv":
        return {"main": list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))}
    if fmt == "json":
        return {"main": json.loads(body)}
    book = load_workbook(io.BytesIO(body))
    out = {}
    for index, sheet in enumerate(book.worksheets):
        rows = list(sheet.iter_rows())
        assert all(c.data_type != "f" for row in rows for c in row), "a cell is a formula"
        header = [c.value for c in rows[0]]
        out["main" if index == 0 else sheet.title] = [
            dict(zip(header, [c.value for c in row], strict=True)) for row in rows[1:]
        ]
    return out


@pytest.fixture
def hidden_formulas(process):
    consultation = make_consultation(process, identity="attributed")
    prefixes = CONTROLS + SPACED
    for prefix in prefixes:
        entries = [{"project_name": prefix + formula} for formula in ("+1+1", "-1+1", "@SUM(A1)")]
        answers = {**GOOD_ANSWERS, "comment": prefix + HYPERLINK, "project": entries}
        submit(consultation, answers=answers)
    return consultation, prefixes


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formula_behind_a_control_character_or_a_space_is_neutralised(hidden_formulas, fmt):
    consultation, prefixes = hidden_formulas
    found = tables(consultation, fmt)
    comments = [row["comment"] for row in found["main"]]
    assert len(comments) == len(prefixes)
    for prefix, comment in zip(prefixes, comments, strict=True):
        assert comment.startswith("'"), repr(prefix)
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", comment), repr(comment)
    if fmt == "xlsx":
        names = [row["project_name"] for row in found["project"]]
        assert len(names) == 3 * len(prefixes)
        assert all(name.startswith("'") for name in names), names


def test_json_keeps_the_answers_as_given(hidden_formulas):
    consultation, prefixes = hidden_formulas
    comments = [record["comment"] for record in tables(consultation, "json")["main"]]
    assert comments == [prefix + HYPERLINK for prefix in prefixes]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_anonymous_exports_give_the_day_only_and_no_receipt(process, fmt):
    consultation = make_consultation(process, identity="anonymous")
    response = submit(consultation)
    [row] = tables(consultation, fmt)["main"]
    assert "_reference" not in row
    assert row["_submitted"] == response.submitted_at.date().isoformat()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["_submitted"])
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(export(consultation, fmt)))
        cells = [str(c) for sheet in book.worksheets for row in sheet.values for c in row]
        assert response.reference not in cells
    else:
        assert response.reference not in export(consultation, fmt).decode("utf-8-sig")


@pytest.mark.parametrize("identity", ["attributed", "confidential"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_other_exports_keep_the_receipt_and_the_time(process, identity, fmt):
    consultation = make_consultation(process, identity=identity)
    response = submit(consultation)
    [row] = tables(consultation, fmt)["main"]
    assert row["_reference"] == response.reference
    assert row["_submitted"] == response.submitted_at.isoformat()
