"""A pooled PostgreSQL connection is pinged only after sitting idle, and a dead idle one is replaced."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import text

from shared import db, testing

pytestmark = pytest.mark.integration


def _kill(pid: int) -> None:
    host, port = testing.POSTGRES
    with psycopg.connect(f"host={host} port={port} user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


def _backend(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_an_idle_connection_that_died_is_replaced_without_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(db, "PING_AFTER_IDLE", 0.2)
    with testing.scratch_postgres("top100_ping") as url:
        engine = db.make_engine(url)
        try:
            first = _backend(engine)
            _kill(first)
            time.sleep(0.5)  # idle longer than PING_AFTER_IDLE: pinged on checkout
            assert _backend(engine) != first
        finally:
            engine.dispose()
