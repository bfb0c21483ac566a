"""Migration 0019 on a database with a candidate: the specialty's code and names added empty (the
portal's words stay what the pages show), Kazakh letters kept in them, and back without losing the
candidate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from services.review.tests.test_migration_scoring import CANDIDATE
from shared import migrate, testing

NAMES = {"kk": "Бағдарламалық қамтамасыз ету", "ru": "Программное обеспечение", "en": "Software"}


def _columns(engine, table: str = "candidates") -> set[str]:  # type: ignore[no-untyped-def]
    return {column["name"] for column in inspect(engine).get_columns(table)}


def _round_trip(url: str) -> None:
    config = migrate.alembic_config("review", url)
    command.upgrade(config, "0006")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(CANDIDATE))
            conn.execute(
                text("INSERT INTO statements (candidate_id, language, text) VALUES ('c1', 'kk', 'Сөз')")
            )
        command.upgrade(config, "0018")
        command.upgrade(config, "0019")
        with engine.begin() as conn:
            row = conn.execute(
                text("SELECT specialty, specialty_code, specialty_names FROM candidates")
            ).one()
            assert tuple(row) == ("s", None, None)
            conn.execute(
                text("UPDATE candidates SET specialty_code = '06130100', specialty_names = :names"),
                {"names": json.dumps(NAMES, ensure_ascii=False)},
            )
            stored = conn.execute(text("SELECT specialty_names FROM candidates")).scalar_one()
        assert (json.loads(stored) if isinstance(stored, str) else stored) == NAMES
        command.downgrade(config, "0018")
        assert not {"specialty_code", "specialty_names"} & _columns(engine)
        with engine.begin() as conn:  # the candidate and its statement kept (no copy of the table)
            assert conn.execute(text("SELECT id, specialty FROM candidates")).one() == ("c1", "s")
            assert conn.execute(text("SELECT text FROM statements")).scalar_one() == "Сөз"
        command.upgrade(config, "head")
        assert {"specialty_code", "specialty_names"} <= _columns(engine)
    finally:
        engine.dispose()


def test_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'review.sqlite3'}")


@pytest.mark.integration
def test_round_trip_on_postgres() -> None:
    with testing.scratch_postgres() as url:
        _round_trip(url)
