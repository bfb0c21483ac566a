"""Finding a person's messages without comparing contacts in clear: each message keeps its recipient's
contact as a keyed hash (HMAC-SHA256 under a key derived from the server's secret), and the delivery
log's search hashes what the administrator typed (in full) the same way. Without the secret the
hashes say nothing: a copy of the database cannot be searched for a guessed address by hashing it.

The key reaches `queueing` through the unit of work (`keyed`), set by whoever records messages (the
handlers, the calendar's chore, the editor's test); a row recorded without it (or before the
migration) is filled by the worker's sweep (`fill_missing`).
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notify import rules
from services.notify.models import Message

#: Where a unit of work keeps the search key (`keyed`).
SEARCH_KEY = "notify.search_key"
#: What the server's secret is bent to, so this key serves the search and nothing else.
PURPOSE = b"notify/recipient-search/v1"
#: Rows filled per sweep of `fill_missing`.
BATCH = 500


def search_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), PURPOSE, hashlib.sha256).digest()


def hashed(secret: str, typed: str) -> str:
    """The keyed hash of a contact, as typed or as stored (`rules.contact_for_search`)."""
    contact = rules.contact_for_search(typed).encode()
    return hmac.new(search_key(secret), contact, hashlib.sha256).hexdigest()


def keyed(session: Session, secret: str) -> Session:
    """Let the messages recorded in this unit of work be searchable at once."""
    session.info[SEARCH_KEY] = secret
    return session


def digest(session: Session, address: str) -> str | None:
    secret = session.info.get(SEARCH_KEY)
    return hashed(secret, address) if secret else None


def fill_missing(session: Session, secret: str, batch: int = BATCH) -> int:
    """Hash the contacts of messages recorded without the key; returns how many were filled."""
    rows = session.scalars(select(Message).where(Message.recipient_hash.is_(None)).limit(batch))
    filled = 0
    for row in rows:
        row.recipient_hash = hashed(secret, row.recipient)
        filled += 1
    return filled
