"""Charts drawn on the server as SVG: no script, no inline style (the security headers forbid both),
so a chart reads on a phone as well as on a desk."""

from __future__ import annotations

from markupsafe import Markup, escape


def bars(rows: list[tuple[str, int, int]], title: str = "", width: int = 320) -> Markup:
    """A horizontal bar chart as SVG: (label, value, of) per row, each bar a share of `of`.

    Sized by its viewBox, so it scales to a phone's width; the figures are written beside each bar,
    so the chart says its numbers to a screen reader too, and `title` names it (an image needs an
    accessible name: axe's `svg-img-alt`).
    """
    line, label_width = 22, 130
    height = line * len(rows) + 4
    span = width - label_width - 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart" width="100%" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>"
    ]
    for index, (label, value, of) in enumerate(rows):
        y = index * line + 2
        length = 0 if of <= 0 else round(span * min(value, of) / of)
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="11">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{span}" height="14" fill="#eee"/>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="14" fill="#2a6f97"/>'
            f'<text x="{label_width + span + 4}" y="{y + 15}" font-size="11">{value}/{of}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
