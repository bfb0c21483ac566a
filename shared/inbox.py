"""The inbox: the ids of the events a consumer has handled, so each effect happens once.

Delivery is at least once (a relay may publish twice, a broker redelivers after a lost ack); the
inbox row is inserted in the same transaction as the handler's effect, so a second delivery finds
it and does nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared import clock, db

INBOX = "inbox"


def claim(session: Session, event_id: str, consumer: str, event_type: str) -> bool:
    """Record that `consumer` handles `event_id` now; False if it already did."""
    row = {"event_id": event_id, "consumer": consumer, "event_type": event_type, "handled_at": clock.utcnow()}
    return db.insert_ignore(session, session.info[INBOX], row, conflict=("event_id", "consumer"))


def handled(session: Session, event_id: str, consumer: str) -> bool:
    """Whether `consumer` has handled `event_id` already: a cheap look before slow work that a
    redelivered event would do for nothing (`claim`, in the effect's transaction, still decides)."""
    table = session.info[INBOX]
    query = select(table.c.event_id).where(table.c.event_id == event_id, table.c.consumer == consumer)
    return session.execute(query).first() is not None
