"""What notify's worker does on a clock (the worker's CHORES): send what is due, run the calendar's
reminders and the daily digest at their local time, and delete message bodies past retention."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from services.notify.models import Message
from services.notify.operations import reminders, sending
from services.notify.operations.providers import delivery_for
from shared import clock
from shared.runtime import Runtime

#: Seconds between two looks at the calendar (reminders and digests are keyed per day: cheap).
CALENDAR_EVERY = 60.0
#: Seconds between two retention passes.
RETENTION_EVERY = 3600.0


def send_due(runtime: Runtime) -> None:
    sending.send_due(runtime.db, delivery_for(runtime.settings))


def calendar(runtime: Runtime) -> None:
    """The reminders and digest due now (once the local time reaches 09:00), then send them."""
    with runtime.db.unit_of_work() as session:
        keys = reminders.scheduled(session, clock.now())
    if keys:
        sending.send_due(runtime.db, delivery_for(runtime.settings))


def retention(runtime: Runtime) -> int:
    """Empty the subject and body of messages older than `NOTIFY_RETENTION_DAYS`; the log stays."""
    cutoff = clock.utcnow() - timedelta(days=runtime.settings.notify.retention_days)
    with runtime.db.unit_of_work() as session:
        result = session.execute(
            update(Message)
            .where(
                Message.created_at < cutoff,
                Message.purged_at.is_(None),
                Message.status.in_(("sent", "delivered", "failed")),
            )
            .values(subject=None, body=None, purged_at=clock.utcnow())
        )
        return int(result.rowcount or 0)
