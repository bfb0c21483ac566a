"""Signing in at the login page: the throttle, the password check and the audit, in one unit of work.

The throttle counts failures in `login_attempts`, in the database every worker and replica shares,
so 5 failures spread over gunicorn's workers lock as surely as 5 on one. The account is counted by a
keyed hash of the typed email, known or not, so the answer never tells whether an account exists;
an unknown email costs an argon2 verification like a known one (`accounts.authenticate`).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from services.review.models import LoginAttempt
from services.review.operations import accounts, audit
from services.review.rules import audit as actions
from services.review.rules import lockout
from shared import clock, identity
from shared.identity import Identity

#: Attempts older than this are deleted as new ones come (the throttle reads 30 minutes back).
KEPT_FOR = lockout.LOOKBACK * 48


@dataclass(frozen=True)
class Outcome:
    """What a login attempt came to: the signed-in identity, or a refusal (wrong credentials, or
    locked until)."""

    identity: Identity | None = None
    locked_until: datetime | None = None


def account_key(secret_key: str, email: str) -> str:
    """The typed email as the throttle keeps it: a keyed hash, the same for every spelling's case."""
    return hmac.new(secret_key.encode(), accounts.normal_email(email).encode(), hashlib.sha256).hexdigest()


def attempt(session: Session, secret_key: str, email: str, password: str, address: str) -> Outcome:
    """Try `email` and `password` from `address`; record the attempt and audit it."""
    now = clock.utcnow()
    account = account_key(secret_key, email)
    address = address[:64]
    _serialise(session, account, address)
    session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEPT_FOR))
    until = _locked_until(session, account, address, now)
    masked = actions.mask_email(email)
    if until is not None:
        session.add(LoginAttempt(account=account, address=address, outcome="refused", at=now))
        audit.record(session, None, actions.LOGIN_REFUSED, email=masked, address=address)
        return Outcome(locked_until=until)
    user = accounts.authenticate(session, email, password)
    if user is None:
        session.add(LoginAttempt(account=account, address=address, outcome="failed", at=now))
        audit.record(session, None, actions.LOGIN_FAILED, email=masked, address=address)
        return Outcome()
    session.add(LoginAttempt(account=account, address=address, outcome="succeeded", at=now))
    signed = accounts.identity_of(user, identity.SESSION_LIFETIME)
    region = None if signed.national else signed.scope
    audit.record(session, signed, actions.LOGIN, region=region, address=address)
    return Outcome(identity=signed)


def _serialise(session: Session, account: str, address: str) -> None:
    """On PostgreSQL, one try at a time per account and per address (transaction-level advisory
    locks, account first, then address: no cycle), so that a burst of concurrent tries cannot all
    read "4 failures" before any of them is written. SQLite (the embedded mode) has one writer."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in (f"login-account:{account}", f"login-address:{address}"):
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": number})


def _locked_until(session: Session, account: str, address: str, now: datetime) -> datetime | None:
    """The later of the account's and the address's locks. An account's failures before its last
    success are forgiven; an address's are not (one valid account must not unlock a spraying address).
    """
    since = now - lockout.LOOKBACK
    last_success = session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.account == account, LoginAttempt.outcome == "succeeded", LoginAttempt.at >= since
        )
    )
    account_since = max(since, last_success) if last_success is not None else since
    by_account = _failures(session, LoginAttempt.account == account, account_since)
    by_address = _failures(session, LoginAttempt.address == address, since)
    locks = (lockout.locked_until(by_account, now), lockout.locked_until(by_address, now))
    ends = [end for end in locks if end is not None]
    return max(ends) if ends else None


def _failures(session: Session, which: object, since: datetime) -> list[datetime]:
    return list(
        session.scalars(
            select(LoginAttempt.at).where(which, LoginAttempt.outcome == "failed", LoginAttempt.at >= since)  # type: ignore[arg-type]
        )
    )
