"""The inbox: the ids of the events a consumer has handled, so each effect happens once.

Delivery is at least once (a relay may publish twice, a broker redelivers after a lost ack); the
inbox row is inserted in the same transaction as the handler's effect, so a second delivery finds
it and does nothing.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, MetaData, String, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared import clock

INBOX = "inbox"


def inbox_table(metadata: MetaData) -> Table:
    """Declare the inbox in a service's metadata (its migrations create it)."""
    return Table(
        INBOX,
        metadata,
        Column("event_id", String(36), primary_key=True),
        Column("consumer", String(50), primary_key=True),
        Column("event_type", String(100), nullable=False),
        Column("handled_at", DateTime(timezone=True), nullable=False),
    )


def claim(session: Session, event_id: str, consumer: str, event_type: str) -> bool:
    """Record that `consumer` handles `event_id` now; False if it already did.

    `ON CONFLICT DO NOTHING` rather than catching an IntegrityError, so a PostgreSQL transaction is
    not aborted; a concurrent duplicate waits for the first transaction and then finds the row.
    """
    table: Table = session.info["inbox"]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(event_id=event_id, consumer=consumer, event_type=event_type, handled_at=clock.utcnow())
        .on_conflict_do_nothing(index_elements=["event_id", "consumer"])
    )
    # RETURNING, not rowcount: psycopg 3 under SQLAlchemy 2.1 reports rowcount -1 for this insert,
    # which made every first delivery look like a duplicate on PostgreSQL.
    return session.execute(statement.returning(table.c.event_id)).first() is not None
