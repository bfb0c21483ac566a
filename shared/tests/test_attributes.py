"""`shared.attributes`: a dataclass or a dict made of an object's attributes of the same names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import pytest

from shared.attributes import attributes, dataclass_of


@dataclass(frozen=True)
class Row:
    code: str
    city: str
    active: bool = True
    note: str | None = None


def test_dataclass_of_reads_the_same_names_and_takes_the_given_ones_instead() -> None:
    source = SimpleNamespace(code="ALA-001", city=None, active=False, unrelated=1)
    assert dataclass_of(Row, source, city="Алматы") == Row("ALA-001", "Алматы", False, None)


def test_a_field_the_source_lacks_keeps_its_default_or_is_missing() -> None:
    assert dataclass_of(Row, SimpleNamespace(code="c", city="x")) == Row("c", "x", True, None)
    with pytest.raises(TypeError):
        dataclass_of(Row, SimpleNamespace(code="c"))


def test_attributes_keep_the_order_named_with_the_given_values_in_place() -> None:
    source = SimpleNamespace(last_name="Нұрланова", born=date(2009, 3, 14), email="a@example.kz")
    found = attributes(source, "last_name", "born", "email", born="2009-03-14", extra=1)
    assert list(found.items()) == [
        ("last_name", "Нұрланова"),
        ("born", "2009-03-14"),
        ("email", "a@example.kz"),
        ("extra", 1),
    ]
