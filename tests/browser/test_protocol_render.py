"""The protocol PDF as a person sees it: rendered with poppler's `pdftoppm` (PNG in
`var/screenshots/protocol-<lang>-<page>.png`: look at them), and measured from the PDF itself, that no
text runs over the grid line of its cell or off the page. A 60-letter Kazakh name must fold inside.

Without `pdftoppm` (poppler-utils) the test skips loudly, and fails where servers are required (CI:
`scripts/test` installs poppler-utils with chromium).
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import SimpleDocTemplate, Table

from services.review.api.protocol import layout as protocol_layout
from services.review.api.protocol import pdf as protocol_pdf
from services.review.tests.test_protocol import LONG_NAME, sample
from shared import testing

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
#: Half a point: a glyph's side bearing, not a letter.
SLACK = 0.5

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Run:
    text: str
    x0: float
    x1: float
    y: float


@dataclass(frozen=True)
class Rule:
    """A vertical line of a table's grid, from `bottom` to `top` at `x`."""

    x: float
    bottom: float
    top: float


def _apply(matrix: list[float], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    return a * x + c * y + e, b * x + d * y + f


def layout(page: Any) -> tuple[list[Run], list[Rule]]:
    """The page's text runs (with their drawn width, from the fonts' metrics) and vertical lines."""
    protocol_layout.styles()  # the fonts' metrics registered
    runs: list[Run] = []
    rules: list[Rule] = []
    start: list[tuple[float, float]] = []

    def text(value: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not value.strip() or font is None:
            return
        name = protocol_layout.BOLD if "Bold" in str(font.get("/BaseFont", "")) else protocol_layout.REGULAR
        x, y = _apply(cm, tm[4], tm[5])
        scale = (tm[0] * cm[0]) or 1.0
        width = pdfmetrics.stringWidth(value.rstrip("\n"), name, size) * scale
        runs.append(Run(value.strip(), x, x + width, y))

    def operand(op: bytes, args: list[Any], cm: list[float], tm: list[float]) -> None:
        if op == b"m":
            start[:] = [_apply(cm, float(args[0]), float(args[1]))]
        elif op == b"l" and start:
            end = _apply(cm, float(args[0]), float(args[1]))
            (x0, y0) = start[0]
            if abs(end[0] - x0) < 0.01 and abs(end[1] - y0) > 1:
                rules.append(Rule(x0, min(y0, end[1]), max(y0, end[1])))
            start[:] = [end]

    page.extract_text(visitor_text=text, visitor_operand_before=operand)
    return runs, rules


def overflows(pdf: bytes) -> list[str]:
    """Every text run crossing a vertical grid line at its height, or going past the page's margins."""
    found = []
    right = A4[0] - protocol_layout.MARGIN + SLACK
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        runs, rules = layout(page)
        for run in runs:
            if run.x1 > right or run.x0 < protocol_layout.MARGIN - SLACK:
                found.append(f"page {number}: {run.text!r} off the page ({run.x0:.1f}–{run.x1:.1f})")
            for rule in rules:
                if rule.bottom <= run.y <= rule.top and run.x0 + SLACK < rule.x < run.x1 - SLACK:
                    found.append(f"page {number}: {run.text!r} runs over the line at x={rule.x:.1f}")
    return found


def rendered(pdf: bytes, name: str) -> list[Path]:
    """The PDF drawn by poppler at 60 dpi, a PNG per page under var/screenshots/."""
    testing.require_tool("pdftoppm", "poppler-utils", "the protocol is not rendered")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    source = SCREENSHOTS / f"{name}.pdf"
    source.write_bytes(pdf)
    for old in SCREENSHOTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(source), str(SCREENSHOTS / name)], check=True)
    return sorted(SCREENSHOTS.glob(f"{name}-*.png"))


def test_the_measure_sees_a_name_running_over_its_cell() -> None:
    """The check itself: a plain string in a narrow column (what the protocol did) is caught."""
    protocol_layout.styles()  # the font registered, whichever test ran before in this process
    out = io.BytesIO()
    grid = Table([["Кандидат", "Балл"], [LONG_NAME, "9.00"]], colWidths=[80, 40])
    font = protocol_layout.REGULAR
    grid.setStyle([("GRID", (0, 0), (-1, -1), 0.25, "grey"), ("FONTNAME", (0, 0), (-1, -1), font)])
    SimpleDocTemplate(out, pagesize=A4, leftMargin=protocol_layout.MARGIN).build([grid])
    assert any(LONG_NAME[:10] in problem for problem in overflows(out.getvalue()))


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_no_text_runs_over_its_cell(lang: str) -> None:
    pdf = protocol_pdf.pdf(sample(), lang)
    runs, rules = layout(PdfReader(io.BytesIO(pdf)).pages[0])
    assert len(rules) >= 10 and any("Әбілғазиева" in run.text for run in runs)
    assert overflows(pdf) == []
    pngs = rendered(pdf, f"protocol-{lang}")
    assert pngs and all(
        png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000 for png in pngs
    )
