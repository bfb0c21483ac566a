"""Migration 0011 on a database with decisions: each scope's decisions numbered in the order recorded,
the decisions still append-only afterwards (and after going back), the first-decision index kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from shared import migrate, testing

DECISION = (
    "INSERT INTO decisions (id, year, stage, scope, advanced, not_advanced, quota, justification, "
    "members_present, language, chair_id, chair_email, chair_name, supersedes, reason, record, "
    "decided_at) VALUES (:id, 2026, 'regional', :scope, '[]', '[]', 10, 'Ж.', '[]', 'kk', 'u', "
    "'c@example.kz', 'Әлия', :supersedes, :reason, '{}', :at)"
)
ROWS = [
    {"id": "a1", "scope": "almaty", "supersedes": None, "reason": None, "at": "2026-10-10 10:00:00+00"},
    {"id": "s1", "scope": "shymkent", "supersedes": None, "reason": None, "at": "2026-10-10 11:00:00+00"},
    {"id": "a2", "scope": "almaty", "supersedes": "a1", "reason": "Қате.", "at": "2026-10-11 10:00:00+00"},
    {"id": "a3", "scope": "almaty", "supersedes": "a2", "reason": "Тағы.", "at": "2026-10-12 10:00:00+00"},
]


def _round_trip(url: str) -> None:
    config = migrate.alembic_config("review", url)
    command.upgrade(config, "0010")
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for row in ROWS:
                conn.execute(text(DECISION), row)
        command.upgrade(config, "0011")
        with engine.begin() as conn:
            numbered = dict(conn.execute(text("SELECT id, sequence FROM decisions")).all())
        assert numbered == {"a1": 1, "s1": 1, "a2": 2, "a3": 3}
        for statement in ("UPDATE decisions SET sequence = 9", "DELETE FROM decisions"):
            with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
                conn.execute(text(statement))
        with pytest.raises(IntegrityError), engine.begin() as conn:  # one first decision per scope
            conn.execute(
                text(DECISION.replace(":supersedes", "NULL").replace(":reason", "NULL")),
                ROWS[0] | {"id": "x"},
            )
        command.downgrade(config, "0010")
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text("DELETE FROM decisions"))
    finally:
        engine.dispose()


def test_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'review.sqlite3'}")


@pytest.mark.integration
def test_round_trip_on_postgres() -> None:
    with testing.scratch_postgres() as url:
        _round_trip(url)
