"""Cells of the CSV and XLSX files the system hands out, safe to open in a spreadsheet.

A value a person typed (a name, a justification, an audit detail) that starts with `=`, `+`, `-`,
`@`, a tab or a carriage return is a formula to Excel and LibreOffice: `=HYPERLINK("http://evil",
"Open")` in a justification would become a live link in the commission's protocol. Following the
OWASP guidance on CSV injection, such a value is written as text: in a CSV with a leading `'`
(spreadsheets hide it and show the text), in an XLSX as a string cell (never a formula), unchanged.
Numbers the system computed stay numbers. Every CSV/XLSX export goes through these functions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

#: What makes a spreadsheet read a cell as a formula (OWASP: CSV injection).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
#: A CSV that Excel opens as UTF-8 (Kazakh letters intact) starts with a byte-order mark.
BOM = "\ufeff"


def formula_like(value: object) -> bool:
    """Whether a spreadsheet would take `value` (a text) for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value: object) -> str:
    """`value` as a CSV field: None empty, a number as written, a formula-like text behind a `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if formula_like(text) else text


def csv_row(values: Iterable[object]) -> list[str]:
    """A row for `csv.writer`, every cell through `csv_cell`."""
    return [csv_cell(value) for value in values]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], bom: bool = True) -> str:
    """A whole CSV document (the csv module's quoting, `\\r\\n` lines), every cell through `csv_cell`."""
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(csv_row(header))
    for row in rows:
        writer.writerow(csv_row(row))
    return out.getvalue()


def xlsx_cell(value: object) -> Any:
    """`value` as openpyxl stores it: numbers and None as they are, anything else as text (with the
    control characters XLSX cannot hold removed, so one stray byte does not fail the export)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def xlsx_append(sheet: Worksheet, values: Sequence[object]) -> None:
    """Append a row whose texts are string cells: openpyxl would store `=...` as a formula."""
    sheet.append([xlsx_cell(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.data_type != "s":
            cell.data_type = "s"
