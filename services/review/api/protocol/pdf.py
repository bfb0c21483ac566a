"""The protocol as a PDF (A4), in the commission's language, ready to print and sign.

Its tables are laid out by `layout` (columns sized to their content and the page, long
cells wrapping). The chair signs once and each member present once, on a signature line; a
candidate with fewer scores than the rubric requires is marked, with a footnote. Each page's footer
carries "page N of M", the decision's short id and the SHA-256 of its canonical JSON
(`fingerprint`), which the API gives too: a printed protocol is matched to its record.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import partial
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, LongTable, SimpleDocTemplate, TableStyle

from services.review.api.protocol.content import (
    TOO_FEW_MARK,
    Protocol,
    Words,
    commission,
    fmt,
    summary,
    too_few_note,
    words,
)
from services.review.api.protocol.layout import (
    MARGIN,
    PADDING,
    REGULAR,
    WIDTH,
    column_widths,
    para,
    styles,
    table,
)
from shared import i18n

FOOT_SIZE = 7


def pdf(protocol: Protocol, lang: str) -> bytes:
    """The protocol as a PDF (A4), every text in `lang` and in Noto Sans."""
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=words(lang)("title"),
        lang=lang,
    )
    document.build(story(protocol, lang), canvasmaker=partial(FooterCanvas, footer=footer(protocol, lang)))
    return out.getvalue()


def story(protocol: Protocol, lang: str) -> list[Any]:
    """The protocol's flowables, in order (the tables among them are checked for fit in tests)."""
    look, word = styles(), words(lang)
    parts: list[Any] = [para(word("title"), look.title), para(commission(protocol, lang), look.heading)]
    parts += table([[label, str(value)] for label, value in summary(protocol, lang)], header=False)
    if protocol.rubric:
        parts.append(para(word("rubric"), look.heading))
        rows = [[word("criterion"), word("weight"), word("range")]]
        rows += [[c.name(lang), f"{c.weight:g}", f"{c.min}–{c.max}"] for c in protocol.rubric]
        parts += table(rows)
    if protocol.scores:
        parts += score_matrix(protocol, lang)
    parts += ranking(protocol, lang)
    parts += outcome(protocol, lang)
    parts += signatures(protocol, lang)
    return parts


def score_matrix(protocol: Protocol, lang: str) -> list[Any]:
    """Every member's score of every candidate, as one matrix (a row per candidate, a column per
    member, the weighted value in each cell) with the members named in a legend: 200 candidates by 15
    members fit on a few pages this way. Each criterion's value is in the XLSX's scores sheet."""
    look, word = styles(), words(lang)
    members = sorted({s.member for s in protocol.scores})
    column = {member: index for index, member in enumerate(members)}
    order = [r.name for r in protocol.ranking] or sorted({s.candidate for s in protocol.scores})
    cells: dict[str, list[str]] = {name: [""] * len(members) for name in order}
    for score in protocol.scores:
        row = cells.setdefault(score.candidate, [""] * len(members))
        row[column[score.member]] = fmt(score.weighted) if score.weighted is not None else "·"
    legend = "; ".join(f"M{index + 1}: {member}" for index, member in enumerate(members))
    rows = [[word("candidate"), *(f"M{index + 1}" for index in range(len(members)))]]
    rows += [[name, *values] for name, values in cells.items()]
    return [para(word("scores"), look.heading), para(legend), *table(rows)]


def ranking(protocol: Protocol, lang: str) -> list[Any]:
    """The ranking, a candidate with too few scores marked and the mark explained under it."""
    look, word = styles(), words(lang)
    parts: list[Any] = [para(word("ranking"), look.heading)]
    for text in (protocol.normalization.get(lang), protocol.tie_break.get(lang)):
        if text:
            parts.append(para(text))
    rows = [
        [word("rank"), word("candidate"), word("weighted_mean"), word("normalized"), word("scores_count")]
    ]
    for r in protocol.ranking:
        name = f"{r.name} {TOO_FEW_MARK}" if protocol.too_few(r) else r.name
        rows.append([str(r.rank), name, fmt(r.weighted_mean), fmt(r.normalized), str(r.scores_count)])
    parts += table(rows)
    note = too_few_note(protocol, lang)
    if note:
        parts.append(para(note))
    return parts


def outcome(protocol: Protocol, lang: str) -> list[Any]:
    """The decision itself: the quota, who advanced and who did not, the justification, corrections."""
    look, word = styles(), words(lang)
    parts: list[Any] = [para(word("decision"), look.heading)]
    parts.append(para(word("quota", used=len(protocol.advanced), quota=protocol.quota)))
    for key, group in (("advanced", protocol.advanced), ("not_advanced", protocol.not_advanced)):
        parts.append(para(f"{word(key)} ({len(group)}): " + ("; ".join(name for _, name in group) or "—")))
    parts.append(para(f"{word('justification')}: {protocol.justification}"))
    if protocol.corrections:
        parts.append(para(word("corrections"), look.heading))
        for item in protocol.corrections:
            line = f"{i18n.format_moment(item.decided_at, lang)} — {item.decision_id}"
            if item.supersedes:
                line += f" ({word('correction', id=item.supersedes)}; {word('reason')}: {item.reason})"
            parts.append(para(line))
    return parts


_SIGNATURES = TableStyle(
    [
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
        ("LINEBELOW", (2, 1), (2, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("TOPPADDING", (0, 1), (-1, -1), 16),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING / 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING / 2),
    ]
)


def signatures(protocol: Protocol, lang: str) -> list[Any]:
    """The chair once, then each member present once, each with a line to sign on."""
    word = words(lang)
    rows = [[word("role"), word("member"), word("signature")], [word("chair"), protocol.chair.label, ""]]
    rows += [[word("member"), person.label, ""] for person in protocol.members_present]
    named = column_widths([row[:2] for row in rows], WIDTH * 0.7)
    look = styles()
    grid = LongTable(
        [[para(text, look.head) for text in rows[0]], *[[para(t, look.cell) for t in r] for r in rows[1:]]],
        colWidths=[*named, WIDTH - sum(named)],
        repeatRows=1,
    )
    grid.setStyle(_SIGNATURES)
    # On one page with its heading when it fits: a lone signature line on the next page is not signed.
    return [KeepTogether([para(word("signatures"), look.heading), grid])]


Footer = tuple[str, Callable[[int, int], str]]


def footer(protocol: Protocol, lang: str) -> Footer:
    """The footer's left text (the fingerprint) and its page label ("page N of M"), in `lang`."""
    word = words(lang)
    return word("fingerprint", id=protocol.short_id, digest=protocol.digest), partial(_page, word)


def _page(word: Words, page: int, pages: int) -> str:
    return word("page", page=page, pages=pages)


class FooterCanvas(canvas.Canvas):
    """A canvas that holds its pages until the end, so each can say "page N of M"."""

    def __init__(self, *args: Any, footer: Footer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        left, page = self._footer
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(REGULAR, FOOT_SIZE)
            self.setFillColor(colors.dimgrey)
            self.drawString(MARGIN, 10 * mm, left)
            self.drawRightString(A4[0] - MARGIN, 10 * mm, page(number, len(self._pages)))
            super().showPage()
        super().save()
