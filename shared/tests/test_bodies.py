"""The one JSON reader of the four APIs (`shared.bodies.parse`), and the year a page is asked about."""

from __future__ import annotations

import math

import pytest

from shared import bodies, pages


def _nested(depth: int) -> str:
    return '{"a": ' * (depth - 1) + "[1]" + "}" * (depth - 1)


def test_64_levels_are_read_65_are_too_deep() -> None:
    assert bodies.parse(_nested(64))["a"]["a"]
    with pytest.raises(bodies.Unreadable) as refused:
        bodies.parse(_nested(65))
    assert refused.value.reason == "json.too_deep"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("[" * 200_000 + "]" * 200_000, "json.too_deep"),  # the parser itself gives up
        ("{", "json.unparseable"),
        (b"\xff", "json.unparseable"),
        ("NaN", "json.unparseable"),
        ('{"a": -Infinity}', "json.unparseable"),
        ('{"a": "x\\u0000"}', "json.unstorable"),
        ('{"\\udfff": 1}', "json.unstorable"),
        ("[]", "json.not_object"),
    ],
)
def test_what_no_api_reads(raw: str | bytes, reason: str) -> None:
    with pytest.raises(bodies.Unreadable) as refused:
        bodies.parse_object(raw)
    assert refused.value.reason == reason


def test_an_integer_too_long_to_read_is_infinite_so_its_range_check_names_it() -> None:
    document = bodies.parse_object('{"year": -' + "9" * 5000 + ', "page": 2}')
    assert document["year"] == -math.inf and document["page"] == 2


def test_kazakh_text_is_read_as_it_is() -> None:
    assert bodies.parse_object('{"name": "Әлихан Қанатұлы"}'.encode()) == {"name": "Әлихан Қанатұлы"}


@pytest.mark.parametrize(
    ("raw", "year"),
    [("2026", 2026), ("2100", 2100), ("2101", None), ("1999", None), ("²", None), ("٢٠٢٦", None),
     ("10" * 20, None), ("-1", None), ("", None), (None, None)],
)  # fmt: skip
def test_a_page_is_asked_about_a_year_of_the_programme_or_none(raw: str | None, year: int | None) -> None:
    assert pages.asked_year(raw) == year
