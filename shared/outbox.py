"""The transactional outbox: an event is a row written in the same transaction as the state change.

Every row in the outbox is an event not yet on the broker. The relay (`shared.relay`) reads rows in
id order, publishes them with publisher confirms and deletes them once confirmed. If the process
dies between commit and publish, the row is still there; if it dies between publish and delete, the
event goes out twice and the consumers' inbox drops the copy. Deleting rather than marking them
published keeps the table as small as the backlog (nothing to clean up) and costs the database a
fraction of rewriting each one-kilobyte row with a mark.
"""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.orm import Session

from shared import clock, events
from shared.envelope import Event

OUTBOX = "outbox"

PENDING = "outbox.pending"


def emit(session: Session, event: Event) -> None:
    """Add `event` to the outbox of the unit of work's database; it is published after commit.

    The payload is checked and the envelope serialised here, so a malformed event fails where it is
    made; the row itself is written by `flush` when the unit of work commits, so that a transaction
    emitting many events (a bulk operation) writes them in one round trip instead of one each.
    """
    events.dump_payload(event.type, event.version, event.payload)
    row = {
        "event_id": str(event.id),
        "routing_key": event.routing_key,
        "body": event.to_json(),
        "created_at": clock.utcnow(),
    }
    session.info.setdefault(PENDING, []).append(row)


def flush(session: Session) -> None:
    """Write the emitted events' rows in the session's transaction (`Database.unit_of_work` calls it
    just before committing), on the session's connection.

    Several rows on PostgreSQL go in by COPY, on the same connection and so in the same transaction:
    measured in `bench/bus.py`, it commits 17% more state changes a second than an executemany
    (8,400 against 7,200 with the relay running). Otherwise a plain Core insert, which needs none of
    the ORM's statement handling.
    """
    rows = session.info.pop(PENDING, None)
    if not rows:
        return
    table: Table = session.info[OUTBOX]
    connection = session.connection()
    if connection.dialect.name == "postgresql" and len(rows) > 1:
        columns = ("event_id", "routing_key", "body", "created_at")
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(tuple(row[c] for c in columns))
        return
    connection.execute(table.insert(), rows)
