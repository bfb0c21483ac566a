"""A pooled PostgreSQL connection that died (database restart, failover) is replaced, not failed."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from shared import db, testing

pytestmark = pytest.mark.integration


def _kill(pid: int) -> None:
    host, port = testing.POSTGRES
    with psycopg.connect(f"host={host} port={port} user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(%s)", (pid,))


def _backend(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def test_an_idle_pooled_connection_that_died_is_replaced_without_an_error(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # every checkout counts as after idling
    with testing.scratch_postgres("top100_ping") as url:
        engine = db.make_engine(url)
        try:
            first = _backend(engine)
            _kill(first)
            assert _backend(engine) != first
        finally:
            engine.dispose()


def test_a_busy_connection_that_died_fails_once_then_the_pool_reconnects() -> None:
    """Not pinged (it was just used): the one statement fails, and the pool starts afresh."""
    with testing.scratch_postgres("top100_ping") as url:
        engine = db.make_engine(url)
        try:
            first = _backend(engine)
            _kill(first)
            with pytest.raises(DBAPIError) as failure:
                _backend(engine)
            assert failure.value.connection_invalidated
            assert _backend(engine) != first
        finally:
            engine.dispose()
