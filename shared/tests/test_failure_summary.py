"""A failure is described by its kind, never by the values its text may quote."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from shared.handling import failure_summary
from shared.tests.busapp import PERSONAL


def test_an_exception_is_summarised_by_its_type_only() -> None:
    summary = failure_summary(ValueError(f"cannot reach {PERSONAL[1]} for IIN {PERSONAL[0]}"))
    assert summary == "ValueError"


def test_a_database_error_keeps_the_driver_error_but_not_the_row(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE people (email TEXT UNIQUE)"))
        conn.execute(text("INSERT INTO people VALUES (:e)"), {"e": PERSONAL[1]})
    with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
        conn.execute(text("INSERT INTO people VALUES (:e)"), {"e": PERSONAL[1]})
    assert PERSONAL[1] in str(caught.value)  # SQLAlchemy's text quotes the parameters
    assert failure_summary(caught.value) == "IntegrityError from sqlite3.IntegrityError"
