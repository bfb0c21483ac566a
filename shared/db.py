"""One database per service, and the unit of work that commits state and outbox together."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from shared import outbox


def make_engine(url: str) -> Engine:
    """An engine that behaves the same on SQLite (embedded) and PostgreSQL (production).

    SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE`, so that the web and worker processes of a
    service can write the same file without "database is locked" failures on lock upgrades.
    Parameters are hidden: a failed statement's error (logged, and copied into retry headers) would
    otherwise carry the row's values, IIN, name, birth date and contacts among them.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, hide_parameters=True, connect_args={"timeout": 30, "check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    engine = create_engine(url, pool_size=5, max_overflow=10, hide_parameters=True)
    event.listen(engine, "handle_error", _hide_detail)
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", partial(_ping_if_idle, engine.dialect))
    return engine


def _hide_detail(context: ExceptionContext) -> None:
    """Drop PostgreSQL's DETAIL line from a failed statement's error text, keeping it in `.diag`.

    The server puts the row's values there (`Key (iin)=(...) already exists`, `Failing row contains
    (...)`), which `hide_parameters` does not cover; the text ends up in logs and retry headers.
    """
    detail = getattr(getattr(context.original_exception, "diag", None), "message_detail", None)
    if not detail:
        return
    for error in (context.original_exception, context.sqlalchemy_exception):
        if error is not None and error.args and isinstance(error.args[0], str):
            error.args = (error.args[0].replace(detail, "[detail hidden]"), *error.args[1:])


#: A pooled connection unused for longer than this is pinged before it is handed out.
IDLE_PING_SECONDS = 1.0


def _note_checkin(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(dialect, dbapi_connection, record, _proxy) -> None:  # type: ignore[no-untyped-def]
    """Replace a pooled connection that died while it sat idle (a database restart, a failover).

    SQLAlchemy's `pool_pre_ping` does the same on every checkout: one more round trip per
    transaction, a twentieth of a portal request's cost under load. A connection in steady use needs
    no ping: if the database goes away under it, the statement fails, SQLAlchemy invalidates the
    whole pool, and the next checkout connects afresh. So only a connection idle for a second or more
    is pinged, and a dead one is replaced (DisconnectionError makes the pool retry with a new one).
    """
    if time.monotonic() - record.info.get("checked_in", 0.0) < IDLE_PING_SECONDS:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as exc:
        raise DisconnectionError(f"pooled connection failed its ping: {exc}") from exc


def insert_ignore(session: Session, table: Table, values: Mapping[str, Any], conflict: Sequence[str]) -> bool:
    """Insert a row unless one with the same `conflict` key exists; True when this call inserted it.

    `ON CONFLICT DO NOTHING` rather than catching an IntegrityError, so a PostgreSQL transaction is
    not aborted; a concurrent duplicate waits for the first transaction and then finds the row.
    RETURNING, not rowcount: psycopg 3 under SQLAlchemy 2.1 (and the ORM for a mapped table) reports
    rowcount -1 for this insert, which made every first insert look like a duplicate on PostgreSQL.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(conflict))
        .returning(*table.primary_key.columns)
    )
    return session.execute(statement).first() is not None


class Database:
    """A service's database: its engine, its metadata and units of work on it."""

    def __init__(self, url: str, metadata: MetaData) -> None:
        self.url = url
        self.metadata = metadata
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A transaction: everything in it, state and outbox rows, commits or rolls back together."""
        session = self._sessions()
        for name in ("outbox", "inbox"):
            if name in self.metadata.tables:
                session.info[name] = self.metadata.tables[name]
        try:
            with session.begin():
                yield session
                outbox.flush(session)
        finally:
            session.close()

    def ping(self) -> None:
        """Raise unless the database answers; used by `/readyz`."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def create_all(self) -> None:
        """Create the tables directly; tests only (services migrate with Alembic)."""
        self.metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
