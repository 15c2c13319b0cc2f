import csv
import io
import json

import pytest
from openpyxl import load_workbook

from core.exports import export_response

CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f"]
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-1+1", "@SUM(A1)"]
# Leading whitespace hides a formula from a check of the first character only.
SPACED = [" ", "  ", "\t", "\r", "\n", " \t", "\r\n", "\u00a0", "\u3000", "\x01 \x02"]
HIDDEN = [c + f for c in CONTROLS for f in FORMULAS] + [s + f for s in SPACED for f in FORMULAS]


def cells(fmt, values):
    response = export_response(fmt, filename="out", header=["value"], rows=[[v] for v in values])
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
        return [row[0] for row in rows[1:]]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        found = list(sheet.iter_rows(min_row=2))
        assert all(row[0].data_type != "f" for row in found), "a cell was written as a formula"
        return [row[0].value for row in found]
    return [record["value"] for record in json.loads(response.content)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_formula_behind_control_characters_or_spaces_is_neutralised(fmt):
    for value, cell in zip(HIDDEN, cells(fmt, HIDDEN), strict=True):
        assert cell.startswith("'"), repr(value)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_control_characters_are_dropped_but_tabs_and_line_breaks_stay(fmt):
    values = [f"a{c}b" for c in CONTROLS]
    for control, cell in zip(CONTROLS, cells(fmt, values), strict=True):
        kept = control in "\t\n\r"
        if fmt == "xlsx" and control == "\r":
            kept = cell in ("a\rb", "a\nb")  # XML reads a bare CR as a line break
            assert kept, repr(cell)
        elif kept:
            assert cell == f"a{control}b"
        else:
            assert cell == "ab", repr(control)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_neutralised_cell_keeps_the_text_after_the_apostrophe(fmt):
    assert cells(fmt, ["\x01=1+1", "=1+1", " -2"]) == ["'=1+1", "'=1+1", "' -2"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_ordinary_text_and_numbers_are_left_alone(fmt):
    values = ["Open Net Watch", "e-mail", "a=b", "منظمة غير حكومية"]
    assert cells(fmt, values) == values
    if fmt == "xlsx":
        assert cells(fmt, [-5, 2.5]) == [-5, 2.5]


def test_json_keeps_values_as_they_are():
    assert cells("json", HIDDEN) == HIDDEN
