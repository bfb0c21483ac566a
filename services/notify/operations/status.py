"""A message's status, told twice: on the bus (`notification.sent`, `.delivered` and `.failed`, so
intake and review can show whether a student was reached; the payload names the message, never its
recipient's contacts) and as a step of its timeline (`MessageStep`, with the provider's reason),
which the delivery log shows. An administrator's test is a step of its timeline only: no news told."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.notify.models import MessageStep
from shared import clock
from shared.envelope import Event
from shared.outbox import emit

PRODUCER = "notify"


def _get(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, dict) else getattr(row, name)


def step(session: Session, row: Any, kind: str, reason: str | None = None) -> None:
    """A step of the message's timeline (queued, held, sent, delivered, failed) at this moment."""
    session.add(MessageStep(message_id=_get(row, "id"), at=clock.utcnow(), status=kind, reason=reason))


def _emit(session: Session, kind: str, row: Any, extra: dict[str, Any] | None = None) -> None:
    """A voter's code is told to no one: intake and review follow the messages of nominations."""
    step(session, row, kind, _get(row, "error") if kind == "failed" else None)
    if _get(row, "test") or _get(row, "recipient_kind") == "voter":
        return

    payload = {
        "message_id": _get(row, "id"),
        "nomination_id": _get(row, "nomination_id"),
        "template": _get(row, "template"),
        "channel": _get(row, "channel"),
        "recipient_kind": _get(row, "recipient_kind"),
        **(extra or {}),
    }
    emit(
        session,
        Event(
            type=f"notification.{kind}",
            version=1,
            region=_get(row, "region"),
            producer=PRODUCER,
            payload=payload,
        ),
    )


def sent(session: Session, row: Any) -> None:
    _emit(session, "sent", row)


def delivered(session: Session, row: Any) -> None:
    _emit(session, "delivered", row)


def failed(session: Session, row: Any, reason: str) -> None:
    """`reason` is a code (`not_sendable`, `smtp_rejected: 550`...), never an address."""
    _emit(session, "failed", row, {"reason": reason.split(":")[0][:60]})
