"""`Idempotency-Key`: a repeated request gets the first one's result, and creates nothing.

Insert-first: the record is inserted (`ON CONFLICT DO NOTHING`) in the same transaction as the
nomination, before anything else. A concurrent request with the same key blocks on the unique key
until the first commits, then finds the record and replays it; if the first rolled back (a 409, a
crash), there is no record and the second simply runs. So only successful results are stored and
replayed; a failed request created nothing and may be retried under the same key.

The fingerprint is of the request's meaning, not its bytes: the parsed `nomination` JSON in
canonical form and the photo's SHA-256, because a client's retry builds a new multipart boundary.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.intake.models import IdempotencyRecord
from services.intake.operations import Conflict
from shared import clock, db

HEADER = "Idempotency-Key"
KEY = re.compile(r"[\x20-\x7e]{1,255}")
RETENTION_HOURS = 24


@dataclass(frozen=True)
class Replay:
    status: int
    body: str
    location: str | None


def valid_key(key: str) -> bool:
    return bool(KEY.fullmatch(key))


def fingerprint(method: str, path: str, document: Any, photo_sha256: str | None) -> str:
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(
        "\n".join((method, path, canonical, photo_sha256 or "")).encode("utf-8")
    ).hexdigest()


def claim(session: Session, portal_key_id: str, key: str, print_: str) -> Replay | None:
    """Own the key in this transaction (None) or get the stored result of its first use.

    Raises Conflict("idempotency_key_reused") when the key came with a different request.
    """
    row = {"portal_key_id": portal_key_id, "key": key, "fingerprint": print_, "created_at": clock.utcnow()}
    if db.insert_ignore(session, IdempotencyRecord.__table__, row, conflict=("portal_key_id", "key")):
        return None
    row = session.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.portal_key_id == portal_key_id, IdempotencyRecord.key == key
        )
    ).scalar_one()
    if row.fingerprint != print_ or row.status_code is None or row.body is None:
        raise Conflict("idempotency_key_reused")
    return Replay(status=row.status_code, body=row.body, location=row.location)


def record(
    session: Session, portal_key_id: str, key: str, status: int, body: str, location: str | None
) -> None:
    row = session.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.portal_key_id == portal_key_id, IdempotencyRecord.key == key
        )
    ).scalar_one()
    row.status_code, row.body, row.location = status, body, location


def purge(session: Session, before: datetime) -> int:
    """Forget records created before `before` (keep at least `RETENTION_HOURS`)."""
    return session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < before)).rowcount
