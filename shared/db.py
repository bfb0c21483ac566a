"""One database per service, and the unit of work that commits state and outbox together."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared import outbox


def make_engine(url: str) -> Engine:
    """An engine that behaves the same on SQLite (embedded) and PostgreSQL (production).

    SQLite gets WAL, a busy timeout and `BEGIN IMMEDIATE`, so that the web and worker processes of a
    service can write the same file without "database is locked" failures on lock upgrades.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

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
    # pool_pre_ping: a connection that died (a database restart, a failover) is replaced on checkout
    # instead of failing a portal's request; it costs one short round trip per transaction.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


#: Constraint names spelled the same in every service, so Alembic can find (and drop) them on SQLite too.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The SQL of a check constraint keeping `column` to `values` (the database enforces it too)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


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
