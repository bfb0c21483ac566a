"""The protocol as a workbook: the summary and decision, the rubric, the scores, the ranking.

Headers are in the commission's language and criteria go by their names in it, numbers are
numeric cells, and every text a person typed (names, the justification, a place) is a string cell
through `shared.exports`: a justification `=HYPERLINK(...)` stays text, never a live formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from services.review.api.protocol.content import (
    TOO_FEW_MARK,
    Protocol,
    commission,
    summary,
    too_few_note,
    words,
)
from shared.exports import xlsx_append

BOLD = Font(bold=True)


def xlsx(protocol: Protocol, lang: str) -> bytes:
    """The workbook's bytes: four sheets, every label in `lang`."""
    book = Workbook()
    _decision_sheet(book.active, protocol, lang)
    _rubric_sheet(book, protocol, lang)
    _scores_sheet(book, protocol, lang)
    _ranking_sheet(book, protocol, lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Worksheet:
    page = book.create_sheet(title[:31])
    xlsx_append(page, header)
    for cell in page[1]:
        cell.font = BOLD
    for row in rows:
        xlsx_append(page, row)
    return page


def _decision_sheet(sheet: Worksheet, protocol: Protocol, lang: str) -> None:
    word = words(lang)
    sheet.title = word("decision")[:31]
    xlsx_append(sheet, [word("title")])
    sheet["A1"].font = BOLD
    xlsx_append(sheet, [commission(protocol, lang)])
    for label, value in summary(protocol, lang):
        xlsx_append(sheet, [label, value])
    xlsx_append(sheet, [word("quota", used=len(protocol.advanced), quota=protocol.quota)])
    xlsx_append(sheet, [word("justification"), protocol.justification])
    xlsx_append(sheet, [word("normalized"), protocol.normalization.get(lang) or ""])
    xlsx_append(sheet, [word("tie_break"), protocol.tie_break.get(lang) or ""])
    for key, group in (("advanced", protocol.advanced), ("not_advanced", protocol.not_advanced)):
        for cid, name in group:
            xlsx_append(sheet, [word(key), name, cid])
    for item in protocol.corrections:
        xlsx_append(sheet, [word("corrections"), item.decision_id, item.supersedes or "", item.reason or ""])
    sheet.append([])
    xlsx_append(sheet, [word("signatures")])
    xlsx_append(sheet, [word("chair"), protocol.chair.label, ""])
    for person in protocol.members_present:
        xlsx_append(sheet, [word("member"), person.label, ""])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60


def _rubric_sheet(book: Workbook, protocol: Protocol, lang: str) -> None:
    word = words(lang)
    _sheet(
        book,
        word("rubric"),
        [word("criterion"), word("weight"), word("min"), word("max")],
        [[c.name(lang), c.weight, c.min, c.max] for c in protocol.rubric],
    )


def _scores_sheet(book: Workbook, protocol: Protocol, lang: str) -> None:
    """A row per member and candidate, a column per criterion named in `lang`."""
    word = words(lang)
    criteria = list(protocol.rubric)
    codes = [c.code for c in criteria]
    named = {c.code: c.name(lang) for c in criteria}
    codes += sorted({k for s in protocol.scores for k in s.values} - set(codes))
    _sheet(
        book,
        word("scores"),
        [
            word("member"),
            word("candidate"),
            *(named.get(code, code) for code in codes),
            word("weighted_mean"),
        ],
        [
            [s.member, s.candidate, *(s.values.get(code) for code in codes), s.weighted]
            for s in protocol.scores
        ],
    )


def _ranking_sheet(book: Workbook, protocol: Protocol, lang: str) -> None:
    word = words(lang)
    header = [
        word("rank"),
        word("candidate"),
        word("weighted_mean"),
        word("normalized"),
        word("scores_count"),
        word("too_few_column"),
    ]
    rows = [
        [
            r.rank,
            r.name,
            r.weighted_mean,
            r.normalized,
            r.scores_count,
            TOO_FEW_MARK if protocol.too_few(r) else "",
        ]
        for r in protocol.ranking
    ]
    page = _sheet(book, word("ranking"), header, rows)
    note = too_few_note(protocol, lang)
    if note:
        xlsx_append(page, [])
        xlsx_append(page, [note])
