"""The transactional outbox: an event is a row written in the same transaction as the state change.

The relay (`shared.relay`) reads unpublished rows in id order, publishes them with publisher
confirms and only then marks them published. If the process dies between commit and publish, the
row is still there; if it dies between publish and mark, the event goes out twice and the
consumers' inbox drops the copy.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, Text, text
from sqlalchemy.orm import Session

from shared import clock, events
from shared.envelope import Event

OUTBOX = "outbox"


def outbox_table(metadata: MetaData) -> Table:
    """Declare the outbox in a service's metadata (its migrations create it)."""
    return Table(
        OUTBOX,
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("routing_key", String(200), nullable=False),
        Column("body", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Index(
            "ix_outbox_unpublished",
            "id",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
    )


def emit(session: Session, event: Event) -> None:
    """Add `event` to the outbox of the unit of work's database; it is published after commit."""
    table: Table = session.info["outbox"]
    events.dump_payload(event.type, event.version, event.payload)
    # On the session's connection, in its transaction: a plain Core INSERT needs none of the ORM's
    # statement handling, which cost more than the insert itself on the request path.
    session.connection().execute(
        table.insert(),
        {
            "event_id": str(event.id),
            "routing_key": event.routing_key,
            "body": event.to_json(),
            "created_at": clock.utcnow(),
        },
    )
