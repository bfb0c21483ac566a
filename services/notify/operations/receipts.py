"""Delivery receipts from the SMS gateways: checked by signature, then the message marked.

Only a receipt signed with the gateway's `receipt_secret` (hex HMAC-SHA256 of the body, compared in
constant time) changes anything; the message is found by the gateway's own id for it.
"""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notify.models import Message
from services.notify.operations import status
from services.notify.operations.providers import Gateway
from shared import clock


def signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed(gateway: Gateway, body: bytes, given: str) -> bool:
    if not gateway.receipt_secret or not given:
        return False
    return hmac.compare_digest(signature(gateway.receipt_secret, body), given.strip().lower())


def record(session: Session, provider: str, provider_id: str, state: str, reason: str) -> bool:
    """Mark the message `delivered` or `failed`; False when no sent message has that id there."""
    row = session.scalars(
        select(Message)
        .where(Message.provider == provider, Message.provider_id == provider_id)
        .with_for_update()
    ).first()
    if row is None:
        return False
    if row.status != "sent":
        return True  # a repeated receipt, or one for a message already settled: nothing changes
    if state == "delivered":
        row.status, row.delivered_at = "delivered", clock.utcnow()
        status.delivered(session, row)
    else:
        row.status, row.error = "failed", f"undelivered: {reason[:200]}" if reason else "undelivered"
        status.failed(session, row, "undelivered")
    return True
