"""The code sends' limits, counted where they hold best.

Per phone (1 a minute, 5 a day) in PostgreSQL always: those are the truth and must hold across
races, so they are counted on the phone's locked row (`votes._lock_phone`). Per address (20 an
hour) and per browser (10 an hour) in Redis where it is configured: a sliding window per key
(`shared.kv.Store.within_limit`, the same rule as `rules.votes.wait_for`), which spares the database
a count per request; when Redis is absent or does not answer, they are counted in the database's
`vote_codes` rows, which are written for every send anyway and so are always their record.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.review.models.votes import VoteCode
from services.review.rules import votes as rules
from shared import kv


def _instants(session: Session, column: object, value: str, since: datetime) -> list[datetime]:
    query = select(VoteCode.created_at).where(column == value, VoteCode.created_at > since)  # type: ignore[operator]
    return list(session.scalars(query))


def phone_wait(session: Session, phone_hash: str, now: datetime) -> timedelta | None:
    """The phone's wait from its sends in the database (its row locked by the caller)."""
    sent = _instants(session, VoteCode.phone_hash, phone_hash, now - rules.LOOKBACK)
    return rules.send_wait(sent, [], [], now)


def _in_redis(
    store: kv.Store, keyed: list[tuple[rules.Limit, str]], send: str, now: datetime, admit: bool
) -> timedelta | None:
    """The longest wait of the requester's limits in Redis; the send counted in each only when all
    admit it (one refusing takes back those already counted). `kv.Unavailable` when Redis fails."""
    counted: list[str] = []
    waits: list[timedelta] = []
    try:
        for limit, value in keyed:
            key = f"vote:send:{limit.name}:{value}"
            wait = store.within_limit(key, limit.count, limit.window, now, send, admit and not waits)
            if wait is not None:
                waits.append(wait)
            elif admit and not waits:
                counted.append(key)
    except kv.Unavailable:
        for key in counted:
            store.release(key, send)
        raise
    if waits:
        for key in counted:
            store.release(key, send)
    return max(waits) if waits else None


def requester_wait(
    session: Session,
    store: kv.Store | None,
    address_hash: str,
    browser: str,
    send: str,
    now: datetime,
    admit: bool,
) -> timedelta | None:
    """The longest wait the address's and the browser's limits impose now (None: a code may go).

    With Redis, the send `send` (its verification id) is counted there when `admit` (the phone's
    limits let it go) and none refuses; without it, or when it fails, the database counts."""
    keyed = [(limit, address_hash) for limit in rules.PER_ADDRESS]
    keyed += [(limit, browser) for limit in rules.PER_BROWSER]
    if store is not None:
        try:
            return _in_redis(store, keyed, send, now, admit)
        except kv.Unavailable:
            pass  # fail open to the database, never closed on the public
    since = now - rules.LOOKBACK
    by_address = _instants(session, VoteCode.address_hash, address_hash, since)
    by_browser = _instants(session, VoteCode.browser, browser, since)
    return rules.send_wait([], by_address, by_browser, now)
