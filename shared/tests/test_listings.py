"""`shared.listings.echo_rows`: what a `top100 ... list` command prints."""

from __future__ import annotations

import click
from click.testing import CliRunner

from shared.listings import echo_rows


def _printed(rows: list[tuple[object, ...]]) -> str:
    @click.command()
    def listing() -> None:
        echo_rows(rows, "no keys")

    return CliRunner().invoke(listing).output


def test_a_line_of_tab_separated_cells_per_row_none_as_an_empty_cell() -> None:
    assert _printed([("k1", "almaty", None, 3), ("k2", "astana", "portal", 4)]) == (
        "k1\talmaty\t\t3\nk2\tastana\tportal\t4\n"
    )


def test_no_row_is_said_in_words() -> None:
    assert _printed([]) == "no keys\n"
