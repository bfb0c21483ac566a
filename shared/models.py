"""What every service's models stand on: a declarative base with stable constraint names, instants
that stay aware of their time zone, and the outbox and inbox tables.

Each service gets its own base (its own metadata, migrated by its own Alembic history) from
`service_base()`, so the four stores are declared the same way without sharing a table.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from shared import identity, sessions
from shared.inbox import INBOX
from shared.outbox import OUTBOX

#: Constraint names spelled the same in every service: Alembic can find (and drop) them on SQLite
#: too, and code can tell one violated constraint from another by its name, never by an error's text.
#: A constraint declared with `name="status"` on table `nominations` is `ck_nominations_status`.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An instant: stored in UTC, read back aware (UTC) on SQLite and PostgreSQL alike.

    SQLite keeps no offset, so a plain `DateTime(timezone=True)` comes back naive there and every
    reader had to put UTC back on. A naive value is refused on the way in: it names no instant.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"a naive datetime names no instant: {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The SQL of a check constraint keeping `column` to `values` (the database enforces it too)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def partial_index(name: str, *columns: str, where: str, unique: bool = False) -> Index:
    """An index of only the rows the SQL condition `where` selects, on PostgreSQL and SQLite alike:
    each dialect reads its own `*_where` and would silently index every row without it."""
    return Index(name, *columns, unique=unique, postgresql_where=text(where), sqlite_where=text(where))


def bus_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Declare the outbox and the inbox in a service's metadata (`shared.outbox`, `shared.inbox`)."""
    outbox = Table(
        OUTBOX,
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("routing_key", String(200), nullable=False),
        Column("body", Text, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
    )
    inbox = Table(
        INBOX,
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("consumer", String(50), primary_key=True),
        Column("event_type", String(100), nullable=False),
        Column("handled_at", UTCDateTime, nullable=False),
    )
    return outbox, inbox


def service_base(people: bool = True) -> type[DeclarativeBase]:
    """A new declarative base for one service's models, its metadata holding the outbox, the inbox,
    the generations of users' credentials (`shared.identity`) and, for a service people sign in to
    (`people`: all but intake), the sessions ended by a logout (`shared.sessions`).

    `Mapped[datetime]` columns are `UTCDateTime` without saying so.
    """
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    bus_tables(metadata)
    identity.generations_table(metadata)
    if people:
        sessions.ended_sessions_table(metadata)
    return type(
        "Base",
        (DeclarativeBase,),
        {"metadata": metadata, "type_annotation_map": {datetime: UTCDateTime}, "__module__": __name__},
    )
