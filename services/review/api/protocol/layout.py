"""How the protocol's PDF lays text out: Noto Sans, its styles, and tables whose columns are sized to
what they hold and to the page (`fit_widths`), a cell too long for its column wrapping as a
paragraph (headers too), so a 60-letter Kazakh name folds inside its cell instead of running over
the scores. A cell that fits on one line stays a plain string: a paragraph costs reportlab a wrap
per layout pass, and the protocol of 200 candidates by 15 members has 3,400 cells.

Kazakh letters (ә ғ қ ң ө ұ ү һ і) are drawn with Noto Sans, shipped in `shared/fonts/` (SIL Open
Font License): reportlab's built-in fonts have no Cyrillic at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import LongTable, Paragraph, TableStyle

FONTS = Path(__file__).resolve().parents[4] / "shared" / "fonts"
REGULAR, BOLD = "NotoSans", "NotoSans-Bold"
#: Rows of a table laid out at once (about a page of the members' scores at 8 pt).
CHUNK = 50
MARGIN = 18 * mm
#: The width the tables share: A4 less the side margins.
WIDTH = A4[0] - 2 * MARGIN
#: Left plus right padding of a table cell (3 pt each side: 15 members' columns of scores fit).
PADDING = 6.0
CELL_SIZE = 8
LEADING = 10


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    cell: ParagraphStyle
    head: ParagraphStyle
    heading: ParagraphStyle
    title: ParagraphStyle


@cache
def styles() -> Styles:
    _register_fonts()
    return Styles(
        body=ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12),
        cell=ParagraphStyle("cell", fontName=REGULAR, fontSize=CELL_SIZE, leading=LEADING),
        head=ParagraphStyle("head", fontName=BOLD, fontSize=CELL_SIZE, leading=LEADING),
        heading=ParagraphStyle(
            "heading", fontName=BOLD, fontSize=11, leading=15, spaceBefore=8, spaceAfter=4
        ),
        title=ParagraphStyle("title", fontName=BOLD, fontSize=14, leading=18, spaceAfter=6),
    )


@cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "NotoSans-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "NotoSans-Bold.ttf")))


#: A table without a header (the protocol's summary), and with one (bold, shaded, repeated).
_PLAIN = [
    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
    ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
    ("LEADING", (0, 0), (-1, -1), LEADING),
    ("LEFTPADDING", (0, 0), (-1, -1), PADDING / 2),
    ("RIGHTPADDING", (0, 0), (-1, -1), PADDING / 2),
]
_GRID = [*_PLAIN, ("FONTNAME", (0, 0), (-1, 0), BOLD), ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]


def fit_widths(natural: Sequence[float], minimum: Sequence[float], total: float) -> list[float]:
    """Column widths summing to `total`, as a browser lays out an automatic table: every column at
    least its longest word (`minimum`), the space left shared by how much more each wants to hold
    its longest text on one line (`natural`); a table narrower than the page widens in proportion.
    Only when the longest words alone exceed the page are they scaled down (and split)."""
    floor = [min(low, high) for low, high in zip(minimum, natural, strict=True)]
    if sum(natural) <= total:
        return [width * total / sum(natural) for width in natural] if sum(natural) else list(natural)
    if sum(floor) >= total:
        return [width * total / sum(floor) for width in floor]
    wants = [high - low for low, high in zip(floor, natural, strict=True)]
    spare = total - sum(floor)
    return [low + spare * want / sum(wants) for low, want in zip(floor, wants, strict=True)]


def _extent(text: str, font: str) -> tuple[float, float]:
    """A cell's width on one line and its longest word's, padding included."""
    line = pdfmetrics.stringWidth(text, font, CELL_SIZE)
    word = max((pdfmetrics.stringWidth(w, font, CELL_SIZE) for w in text.split()), default=0.0)
    return line + PADDING, word + PADDING


def column_widths(rows: Sequence[Sequence[str]], total: float = WIDTH) -> list[float]:
    """The widths of a table whose first row is its (bold) header."""
    natural = [0.0] * len(rows[0])
    minimum = [0.0] * len(rows[0])
    for number, row in enumerate(rows):
        font = BOLD if number == 0 else REGULAR
        for column, text in enumerate(row):
            line, word = _extent(text, font)
            natural[column] = max(natural[column], line)
            minimum[column] = max(minimum[column], word)
    return fit_widths(natural, minimum, total)


def escape(text: str) -> str:
    """Paragraphs read a little markup: a name with `<` or `&` must print as written."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r\n", "\n").replace("\n", "<br/>")


def cell(text: str, width: float, style: ParagraphStyle) -> Any:
    """The text as it fits a column `width` wide: itself when it fits on one line, else a paragraph
    that wraps (and splits a word longer than the column)."""
    if "\n" not in text and pdfmetrics.stringWidth(text, style.fontName, CELL_SIZE) + PADDING <= width:
        return text
    return Paragraph(escape(text), style)


def table(rows: list[list[str]], header: bool = True) -> list[Any]:
    """A table (the first row bold and repeated on each page when it is a `header`), in pieces of
    `CHUNK` rows: reportlab splits one long table across pages again and again (quadratic in its
    rows); pieces that fit a page are laid out once."""
    look = styles()
    widths = column_widths(rows if header else [[""] * len(rows[0]), *rows])
    top = [[cell(text, w, look.head) for text, w in zip(rows[0], widths, strict=True)]] if header else []
    body = [
        [cell(text, w, look.cell) for text, w in zip(row, widths, strict=True)] for row in rows[len(top) :]
    ]
    pieces = []
    for start in range(0, max(len(body), 1), CHUNK):
        grid = LongTable([*top, *body[start : start + CHUNK]], colWidths=widths, repeatRows=len(top))
        grid.setStyle(TableStyle(_GRID if header else _PLAIN))
        pieces.append(grid)
    return pieces


def para(text: str, style: ParagraphStyle | None = None) -> Paragraph:
    return Paragraph(escape(text), style or styles().body)
