"""The one clock of the system.

Every rule that reads the time reads it here, so that `TOP100_NOW` can move every service and worker
to the same instant for demos, drills and acceptance tests of the calendar.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

KAZAKHSTAN = ZoneInfo("Asia/Almaty")


def now() -> datetime:
    """The current instant, timezone-aware; `TOP100_NOW` (ISO 8601 with an offset) overrides it."""
    fixed = os.environ.get("TOP100_NOW", "").strip()
    if not fixed:
        return datetime.now(UTC)
    moment = datetime.fromisoformat(fixed)
    if moment.tzinfo is None:
        raise ValueError("TOP100_NOW needs an offset, e.g. 2026-09-20T10:00:00+05:00")
    return moment


def utcnow() -> datetime:
    """`now()` in UTC, for timestamps that are stored."""
    return now().astimezone(UTC)


def local_now() -> datetime:
    """`now()` on the wall clock of Kazakhstan, where every deadline of the programme is set."""
    return now().astimezone(KAZAKHSTAN)
