"""The protocol of a commission's meeting, as PDF and XLSX, in the commission's language.

`Protocol` is a plain structure (built by `protocol_of` from a decision, its candidates and the
ranking and scores frozen with it); the renderers read only that, so they are tested and measured
without a database. Kazakh letters (ә ғ қ ң ө ұ ү һ і) are drawn with Noto Sans, shipped in
`shared/fonts/` (SIL Open Font License): reportlab's built-in fonts have no Cyrillic at all.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from services.review import messages
from shared import i18n, regions

FONTS = Path(__file__).resolve().parents[2] / "shared" / "fonts"
REGULAR, BOLD = "NotoSans", "NotoSans-Bold"
#: Rows of a table laid out at once (about a page of the members' scores at 8 pt).
CHUNK = 50


@dataclass(frozen=True)
class Criterion:
    code: str
    names: Mapping[str, str]
    weight: float
    min: int
    max: int


@dataclass(frozen=True)
class Ranked:
    rank: int
    candidate_id: str
    name: str
    weighted_mean: float | None
    normalized: float | None
    scores_count: int


@dataclass(frozen=True)
class MemberScore:
    member: str
    candidate: str
    values: Mapping[str, int]
    #: Σ weight × value ÷ Σ weight under the rubric the score was given with.
    weighted: float | None = None


@dataclass(frozen=True)
class Correction:
    decision_id: str
    decided_at: datetime
    reason: str | None
    supersedes: str | None


@dataclass(frozen=True)
class Protocol:
    decision_id: str
    year: int
    stage: str
    scope: str
    decided_at: datetime
    place: str | None
    chair: str
    members_present: Sequence[str]
    justification: str
    quota: int
    advanced: Sequence[tuple[str, str]]  # (candidate id, name)
    not_advanced: Sequence[tuple[str, str]]
    rubric: Sequence[Criterion] = ()
    scores: Sequence[MemberScore] = ()
    ranking: Sequence[Ranked] = ()
    normalization: Mapping[str, str] = field(default_factory=dict)
    tie_break: Mapping[str, str] = field(default_factory=dict)
    #: The decisions of the same scope and stage, oldest first (this one included) with reasons.
    corrections: Sequence[Correction] = ()
    language: str = "ru"


def protocol_of(
    decision: Any, names: Mapping[str, str], history: Sequence[Any], people: Mapping[str, str] | None = None
) -> Protocol:
    """The protocol of `decision` (a `models.Decision`), with candidates' `names` by id, the
    decisions of its scope and stage (`history`, oldest first) and the members' names by email."""
    people = people or {}
    record = decision.record or {}
    return Protocol(
        decision_id=decision.id,
        year=decision.year,
        stage=decision.stage,
        scope=decision.scope,
        decided_at=decision.decided_at,
        place=decision.place,
        chair=f"{decision.chair_name} <{decision.chair_email}>",
        members_present=[
            f"{people[email]} <{email}>" if email in people else email for email in decision.members_present
        ],
        justification=decision.justification,
        quota=decision.quota,
        advanced=[(cid, names.get(cid, cid)) for cid in decision.advanced],
        not_advanced=[(cid, names.get(cid, cid)) for cid in decision.not_advanced],
        rubric=[Criterion(**criterion) for criterion in record.get("rubric", [])],
        scores=[MemberScore(**score) for score in record.get("scores", [])],
        ranking=[Ranked(**row) for row in record.get("ranking", [])],
        normalization={lang: i18n.translate(messages.NORMALISATION, lang) for lang in i18n.LANGUAGES},
        tie_break={lang: i18n.translate(messages.TIE_BREAK, lang) for lang in i18n.LANGUAGES},
        corrections=[
            Correction(d.id, d.decided_at, d.reason, d.supersedes)
            for d in history
            if d.supersedes or d.reason
        ],
        language=decision.language,
    )


def _words(lang: str) -> Any:
    def word(key: str, **params: Any) -> str:
        return i18n.translate(messages.PROTOCOL[key], lang, params)

    return word


def _commission(protocol: Protocol, lang: str) -> str:
    word = _words(lang)
    if protocol.stage == "republican":
        return word("commission.republican")
    region = regions.resolve(protocol.scope)
    return word("commission.regional", region=region.name(lang) if region else protocol.scope)


def _summary(protocol: Protocol, lang: str) -> list[tuple[str, str]]:
    """The protocol's heading facts, as (label, value) rows shared by both renderers."""
    word = _words(lang)
    return [
        (word("decision_id"), protocol.decision_id),
        (word("year"), str(protocol.year)),
        (word("stage"), i18n.translate(messages.STAGE_NAMES[protocol.stage], lang)),
        (word("date"), i18n.format_moment(protocol.decided_at, lang)),
        (word("place"), protocol.place or "—"),
        (word("chair"), protocol.chair),
        (word("members"), ", ".join(protocol.members_present) or word("none")),
    ]


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "NotoSans-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "NotoSans-Bold.ttf")))


_GRID = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTNAME", (0, 0), (-1, 0), BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def pdf(protocol: Protocol, lang: str) -> bytes:
    """The protocol as a PDF (A4), every text in `lang` and in Noto Sans."""
    _register_fonts()
    word = _words(lang)
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12)
    heading = ParagraphStyle("heading", fontName=BOLD, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", fontName=BOLD, fontSize=14, leading=18, spaceAfter=6)

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(_escape(text), style)

    def table(rows: list[list[Any]], widths: list[float] | None = None) -> Any:
        """A table in pieces of `CHUNK` rows, each with the header: reportlab splits one long table
        across pages again and again (quadratic in its rows); pieces that fit a page are laid out once.
        """
        header, body = rows[0], rows[1:]
        pieces = []
        for start in range(0, max(len(body), 1), CHUNK):
            grid = LongTable([header, *body[start : start + CHUNK]], colWidths=widths, repeatRows=1)
            grid.setStyle(_GRID)
            pieces.append(grid)
        return pieces if len(pieces) > 1 else pieces[0]

    story: list[Any] = [para(word("title"), title), para(_commission(protocol, lang), heading)]
    story.append(
        table([[label, para(value)] for label, value in _summary(protocol, lang)], [45 * mm, 125 * mm])
    )
    if protocol.rubric:
        story.append(para(word("rubric"), heading))
        rows = [[word("criterion"), word("weight"), word("range")]]
        rows += [
            [para(c.names.get(lang) or c.code), f"{c.weight:g}", f"{c.min}–{c.max}"] for c in protocol.rubric
        ]
        _add(story, table(rows, [110 * mm, 25 * mm, 35 * mm]))
    if protocol.scores:
        _add(story, _score_matrix(protocol, word, para, heading, table))
    story.append(para(word("ranking"), heading))
    if protocol.normalization:
        story.append(para(protocol.normalization.get(lang) or ""))
    if protocol.tie_break:
        story.append(para(protocol.tie_break.get(lang) or ""))
    rows = [
        [word("rank"), word("candidate"), word("weighted_mean"), word("normalized"), word("scores_count")]
    ]
    rows += [
        [str(r.rank), para(r.name), _fmt(r.weighted_mean), _fmt(r.normalized), str(r.scores_count)]
        for r in protocol.ranking
    ]
    _add(story, table(rows, [15 * mm, 85 * mm, 25 * mm, 25 * mm, 20 * mm]))
    story.append(para(word("decision"), heading))
    story.append(para(word("quota", used=len(protocol.advanced), quota=protocol.quota)))
    for key, group in (("advanced", protocol.advanced), ("not_advanced", protocol.not_advanced)):
        story.append(para(f"{word(key)} ({len(group)}): " + ("; ".join(name for _, name in group) or "—")))
    story.append(para(f"{word('justification')}: {protocol.justification}"))
    if protocol.corrections:
        story.append(para(word("corrections"), heading))
        for item in protocol.corrections:
            line = f"{i18n.format_moment(item.decided_at, lang)} — {item.decision_id}"
            if item.supersedes:
                line += f" ({word('correction', id=item.supersedes)}; {word('reason')}: {item.reason})"
            story.append(para(line))
    story.append(para(word("signatures"), heading))
    people = [protocol.chair, *protocol.members_present]
    story.append(
        table([[word("member"), word("signature")], *[[p, ""] for p in people]], [100 * mm, 70 * mm])
    )
    story.append(Spacer(1, 4 * mm))
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=word("title"),
        lang=lang,
    )
    document.build(story)
    return out.getvalue()


def _score_matrix(protocol: Protocol, word: Any, para: Any, heading: Any, table: Any) -> list[Any]:
    """Every member's score of every candidate, as one matrix (a row per candidate, a column per
    member, the weighted value in each cell) with the members named in a legend: 200 candidates by 15
    members fit on a few pages this way. Each criterion's value is in the XLSX's scores sheet."""
    members = sorted({s.member for s in protocol.scores})
    column = {member: index for index, member in enumerate(members)}
    order = [r.name for r in protocol.ranking] or sorted({s.candidate for s in protocol.scores})
    cells: dict[str, list[str]] = {name: [""] * len(members) for name in order}
    for score in protocol.scores:
        row = cells.setdefault(score.candidate, [""] * len(members))
        row[column[score.member]] = _fmt(score.weighted) if score.weighted is not None else "·"
    legend = "; ".join(f"M{index + 1}: {member}" for index, member in enumerate(members))
    width = (174 * mm - 52 * mm) / max(len(members), 1)
    rows = [[word("candidate"), *(f"M{index + 1}" for index in range(len(members)))]]
    rows += [[name, *values] for name, values in cells.items()]
    return [
        para(word("scores"), heading),
        para(legend),
        *_as_list(table(rows, [52 * mm, *[width] * len(members)])),
    ]


def _as_list(flowable: Any) -> list[Any]:
    return flowable if isinstance(flowable, list) else [flowable]


def xlsx(protocol: Protocol, lang: str) -> bytes:
    """The protocol as a workbook: the summary and decision, the rubric, the scores, the ranking."""
    word = _words(lang)
    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    sheet.title = word("decision")[:31]
    sheet.append([word("title")])
    sheet["A1"].font = bold
    sheet.append([_commission(protocol, lang)])
    for label, value in _summary(protocol, lang):
        sheet.append([label, value])
    sheet.append([word("quota", used=len(protocol.advanced), quota=protocol.quota)])
    sheet.append([word("justification"), protocol.justification])
    sheet.append([word("normalized"), protocol.normalization.get(lang) or ""])
    sheet.append([word("tie_break"), protocol.tie_break.get(lang) or ""])
    for key, group in (("advanced", protocol.advanced), ("not_advanced", protocol.not_advanced)):
        for cid, name in group:
            sheet.append([word(key), name, cid])
    for item in protocol.corrections:
        sheet.append([word("corrections"), item.decision_id, item.supersedes or "", item.reason or ""])
    sheet.append([])
    sheet.append([word("signatures")])
    for person in [protocol.chair, *protocol.members_present]:
        sheet.append([person, ""])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 60

    def add(title: str, header: list[str], rows: list[list[Any]]) -> None:
        page = book.create_sheet(title[:31])
        page.append(header)
        for cell in page[1]:
            cell.font = bold
        for row in rows:
            page.append(row)

    add(
        word("rubric"),
        [word("criterion"), word("weight"), "min", "max"],
        [[c.names.get(lang) or c.code, c.weight, c.min, c.max] for c in protocol.rubric],
    )
    codes = [c.code for c in protocol.rubric] or sorted({k for s in protocol.scores for k in s.values})
    add(
        word("scores"),
        [word("member"), word("candidate"), *codes, word("weighted_mean")],
        [
            [s.member, s.candidate, *(s.values.get(code) for code in codes), s.weighted]
            for s in protocol.scores
        ],
    )
    add(
        word("ranking"),
        [word("rank"), word("candidate"), word("weighted_mean"), word("normalized"), word("scores_count")],
        [[r.rank, r.name, r.weighted_mean, r.normalized, r.scores_count] for r in protocol.ranking],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _add(story: list[Any], flowable: Any) -> None:
    story.extend(_as_list(flowable))


def _escape(text: str) -> str:
    """Paragraphs read a little markup: a name with `<` or `&` must print as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
