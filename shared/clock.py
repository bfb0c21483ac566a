"""The one clock of the system.

Every rule that reads the time reads it here, so that `TOP100_NOW` can move every service and worker
to the same instant for demos, drills and acceptance tests of the calendar.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from shared import config

# Every time zone of this process comes from the pinned `tzdata` package, never from the host's own
# database. Why: Kazakhstan moved to UTC+5 on 1 March 2024 (tzdata 2024a), and every deadline of the
# programme is local time there. A host whose database predates that (an old image, a server not
# updated) would put each deadline an hour early, without a word; a slim container or Windows has no
# database at all. With no search path, zoneinfo reads the package, which constraints.txt pins, so
# every service reads the same rules wherever it runs (and the zones stay ordinary, picklable ones).
zoneinfo.reset_tzpath(to=())
ZoneInfo.clear_cache()  # anything looked up before this line came from the host


def zone(name: str) -> ZoneInfo:
    """A time zone by its IANA name (e.g. `Asia/Almaty`), from the pinned `tzdata` package."""
    return ZoneInfo(name)


KAZAKHSTAN = zone("Asia/Almaty")


def now() -> datetime:
    """The current instant, timezone-aware; `TOP100_NOW` (ISO 8601 with an offset) overrides it."""
    fixed = config.fixed_now()
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
