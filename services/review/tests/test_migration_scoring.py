"""Migration 0007 on a database with candidates: the contract's stage and status, the folded name and
the word counts filled, the statements kept (SQLite copies the table to change its checks), and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from shared import migrate, testing

CANDIDATE = (
    "INSERT INTO candidates (id, nomination_id, year, region, college_code, last_name, first_name, language, "
    "specialty, course, academic_standing, minor, categories, achievements, stage, status, created_at, "
    "updated_at, revisions) VALUES ('c1', 'n1', 2026, 'almaty', 'A', 'ӘЛИ', 'Ұлан', 'kk', 's', 1, 'good', "
    "false, '[]', '[]', 'internal', 'nominated', '2026-01-01', '2026-01-01', '{}')"
)


def _round_trip(url: str) -> None:
    config = migrate.alembic_config("review", url)
    command.upgrade(config, "0006")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(CANDIDATE))
            conn.execute(
                text(
                    "INSERT INTO statements (candidate_id, language, text) VALUES ('c1', 'kk', 'бір екі үш')"
                )
            )
        command.upgrade(config, "head")
        with engine.begin() as conn:
            row = conn.execute(text("SELECT stage, status, search_name FROM candidates")).one()
            assert tuple(row) == ("regional", "under_review", "әли ұлан")
            assert conn.execute(text("SELECT words FROM statements")).scalar_one() == 3
        command.downgrade(config, "0006")
        with engine.begin() as conn:
            assert tuple(conn.execute(text("SELECT stage, status FROM candidates")).one()) == (
                "internal",
                "nominated",
            )
            assert conn.execute(text("SELECT text FROM statements")).scalar_one() == "бір екі үш"
    finally:
        engine.dispose()


def test_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'review.sqlite3'}")


@pytest.mark.integration
def test_round_trip_on_postgres() -> None:
    with testing.scratch_postgres() as url:
        _round_trip(url)
