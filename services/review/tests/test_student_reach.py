"""Review records from notify's `notification.*` events whether each nomination's student was reached."""

from __future__ import annotations

from datetime import UTC, datetime

from services.review.handlers import HANDLERS
from services.review.models import StudentReach
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime


def _status(kind: str, at: str, channel: str = "sms", recipient_kind: str = "student") -> Event:
    payload = {
        "message_id": f"m-{kind}-{at}",
        "nomination_id": "n-1",
        "template": "candidate_advanced",
        "channel": channel,
        "recipient_kind": recipient_kind,
    }
    if kind == "failed":
        payload["reason"] = "undelivered"
    moment = datetime.fromisoformat(at).replace(tzinfo=UTC)
    return Event(
        type=f"notification.{kind}",
        version=1,
        region="almaty",
        producer="notify",
        payload=payload,
        occurred_at=moment,
    )


def _reach(runtime: Runtime) -> dict[str, tuple[str, str | None]]:
    with runtime.db.unit_of_work() as session:
        return {row.channel: (row.status, row.reason) for row in session.query(StudentReach)}


def test_the_newest_status_per_channel_is_kept_whatever_order_it_arrives_in(runtime: Runtime) -> None:
    handle(runtime, HANDLERS, "review", _status("delivered", "2026-10-16T03:00:05"))
    handle(runtime, HANDLERS, "review", _status("sent", "2026-10-16T03:00:01"))  # older, arrives later
    handle(runtime, HANDLERS, "review", _status("failed", "2026-10-16T03:00:00", channel="email"))
    handle(runtime, HANDLERS, "review", _status("sent", "2026-10-16T04:00:00", recipient_kind="coordinator"))
    assert _reach(runtime) == {"sms": ("delivered", None), "email": ("failed", "undelivered")}
