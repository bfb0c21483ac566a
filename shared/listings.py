"""What every `top100 ... list` command prints: a line of tab-separated cells per row, which `cut`,
`sort` and a spreadsheet's paste read, or one line saying there is none."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import click


def echo_rows(rows: Sequence[Iterable[object]], empty: str) -> None:
    """Print each row's cells between tabs (None as an empty cell), or `empty` when there is no row."""
    for cells in rows:
        click.echo("\t".join("" if cell is None else str(cell) for cell in cells))
    if not rows:
        click.echo(empty)
