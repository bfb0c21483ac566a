"""A pooled PostgreSQL connection that died (database restart, failover) is replaced, not failed."""

from __future__ import annotations

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


def test_a_pooled_connection_that_died_is_replaced_without_an_error() -> None:
    with testing.scratch_postgres("top100_ping") as url:
        engine = db.make_engine(url)
        try:
            first = _backend(engine)
            _kill(first)
            assert _backend(engine) != first
        finally:
            engine.dispose()
