"""Portal keys: issued and revoked by an operator, one region each, kept only as a SHA-256.

Why SHA-256 and not argon2 (which people's passwords get): a portal key is 32 random bytes from
`secrets`, so there is nothing to guess and no dictionary to slow down; a slow hash would only add
tens of milliseconds to every API call. The public id in the key finds the row; the hash comparison
is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from services.intake.models import PortalKey, Region
from services.intake.operations import Portal
from shared import clock

PREFIX = "t100"
KEY_ID = re.compile(rf"{PREFIX}_(?:live|sbx)_[0-9a-f]{{12}}")


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue(
    session: Session, region: str, *, sandbox: bool = False, label: str | None = None
) -> tuple[PortalKey, str]:
    """A new key for `region`; returns the row and the key itself, which is shown once and never stored."""
    if session.get(Region, region) is None:
        raise ValueError(f"unknown region {region!r}; load the reference data first (refdata load)")
    key_id = ("sbx_" if sandbox else "live_") + secrets.token_hex(6)
    key = f"{PREFIX}_{key_id}.{secrets.token_urlsafe(32)}"
    row = PortalKey(
        id=key_id,
        key_hash=digest(key),
        region_code=region,
        sandbox=sandbox,
        label=label,
        created_at=clock.utcnow(),
    )
    session.add(row)
    return row, key


_KEYS = PortalKey.__table__
_KEY_ROW = select(
    _KEYS.c.id, _KEYS.c.key_hash, _KEYS.c.region_code, _KEYS.c.sandbox, _KEYS.c.revoked_at
).where(_KEYS.c.id == bindparam("key_id"))


def authenticate(session: Session, key: str) -> Portal | None:
    """The portal a presented key belongs to, or None for a malformed, unknown or revoked key."""
    head, _, secret = key.partition(".")
    if not KEY_ID.fullmatch(head) or not secret or len(key) > 200:
        return None
    # A plain row on the session's connection (it opens the request's transaction): nothing here
    # needs a PortalKey object, and the ORM's load cost twice the query on every API call.
    row = session.connection().execute(_KEY_ROW, {"key_id": head[len(PREFIX) + 1 :]}).first()
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, digest(key)):
        return None
    return Portal(key_id=row.id, region=row.region_code, sandbox=row.sandbox)


def listing(session: Session) -> list[PortalKey]:
    return list(session.execute(select(PortalKey).order_by(PortalKey.created_at)).scalars())


def revoke(session: Session, key_id: str) -> PortalKey:
    row = session.get(PortalKey, key_id)
    if row is None:
        raise KeyError(key_id)
    if row.revoked_at is None:
        row.revoked_at = clock.utcnow()
    return row
