"""Status on the bus: `notification.sent`, `.delivered` and `.failed`, so intake and review can show
whether a student was reached. The payload names the message, never its recipient's contacts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shared.envelope import Event
from shared.outbox import emit

PRODUCER = "notify"


def _emit(session: Session, kind: str, row: Any, extra: dict[str, Any] | None = None) -> None:
    """A voter's code is told to no one: intake and review follow the messages of nominations."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    if get("recipient_kind") == "voter":
        return
    payload = {
        "message_id": get("id"),
        "nomination_id": get("nomination_id"),
        "template": get("template"),
        "channel": get("channel"),
        "recipient_kind": get("recipient_kind"),
        **(extra or {}),
    }
    emit(
        session,
        Event(
            type=f"notification.{kind}", version=1, region=get("region"), producer=PRODUCER, payload=payload
        ),
    )


def sent(session: Session, row: Any) -> None:
    _emit(session, "sent", row)


def delivered(session: Session, row: Any) -> None:
    _emit(session, "delivered", row)


def failed(session: Session, row: Any, reason: str) -> None:
    """`reason` is a code (`not_sendable`, `smtp_rejected: 550`...), never an address."""
    _emit(session, "failed", row, {"reason": reason.split(":")[0][:60]})
