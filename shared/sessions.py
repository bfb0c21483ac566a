"""Ended sessions: a logout ends one session at every service, not only in the browser that logs out.

A page's session cookie carries a random session id (`shared.identity`). Clearing the cookie in the
browser is not enough: a copy of it (another tab's, a stolen one) is still signed and unexpired. So
the service where a person logs out records the session id in its own `ended_sessions` and emits
`session.ended` through its outbox, in one transaction; every service that accepts cookies (review,
media, notify) keeps the ids it hears of in its own table (`session_ended`, idempotent) and refuses
such a cookie from then on, as it refuses an older generation. The user's other sessions go on.

A row is kept for a session's lifetime and a margin: by then the cookie it ends has expired anyway
(a session ends after its login, and lasts `LIFETIME` from it), so the table stays as small as the
logouts of half a day.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Column, MetaData, String, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared import clock, outbox
from shared.envelope import Event
from shared.handling import HandlerContext

#: How long a page's session lasts after login (a working day and an evening).
LIFETIME = timedelta(hours=12)
#: The table every service that accepts cookies keeps of the sessions ended anywhere.
ENDED_SESSIONS = "ended_sessions"
#: Beyond the cookie's own lifetime, for the clocks of two services that differ by a little.
_MARGIN = timedelta(hours=1)


def ended_sessions_table(metadata: MetaData) -> Table:
    """Declare `ended_sessions` in a service's metadata (`shared.models.service_base`)."""
    from shared.models import UTCDateTime  # shared.models builds on shared.identity, which needs us

    return Table(
        ENDED_SESSIONS,
        metadata,
        Column("session_id", String(64), primary_key=True),
        Column("user_id", String(64), nullable=False),
        Column("ended_at", UTCDateTime, nullable=False, index=True),
    )


def record_ended(session: Session, table: Table, user_id: str, session_id: str) -> None:
    """Remember that `session_id` has ended (again: nothing changes), and forget those whose cookies
    have expired by now."""
    now = clock.utcnow()
    session.execute(delete(table).where(table.c.ended_at < now - LIFETIME - _MARGIN))
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(session_id=session_id, user_id=user_id, ended_at=now)
    session.execute(statement.on_conflict_do_nothing(index_elements=["session_id"]))


def has_ended(session: Session, table: Table, session_id: str) -> bool:
    found = session.execute(select(table.c.session_id).where(table.c.session_id == session_id)).first()
    return found is not None


def end(session: Session, table: Table, *, user_id: str, session_id: str, region: str, producer: str) -> None:
    """End one session here at once and tell every other service, in the caller's transaction."""
    record_ended(session, table, user_id, session_id)
    payload = {"user_id": user_id, "session_id": session_id}
    event = Event(type="session.ended", version=1, region=region, producer=producer, payload=payload)
    outbox.emit(session, event)


def session_ended(ctx: HandlerContext, event: Event) -> None:
    """`session.ended` from any service (the producer's own copy too: recording it twice is harmless)."""
    table = ctx.runtime.db.metadata.tables[ENDED_SESSIONS]
    record_ended(ctx.session, table, event.payload["user_id"], event.payload["session_id"])
