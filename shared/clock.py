"""The one clock of the system.

Every rule that reads the time reads it here, so that `TOP100_NOW` can move every service and worker
to the same instant for demos, drills and acceptance tests of the calendar.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo


@cache
def zone(name: str) -> ZoneInfo:
    """A time zone read from the pinned `tzdata` package, never from the host's own database.

    Why: Kazakhstan moved to UTC+5 on 1 March 2024 (tzdata 2024a), and every deadline of the
    programme is local time there. A host whose database predates that (an old image, a server not
    updated) would put each deadline an hour early, without a word; a slim container or Windows has
    no database at all. The package is a dependency pinned in constraints.txt, so every service reads
    the same rules wherever it runs.
    """
    parts = name.split("/")
    if not all(part and part not in (".", "..") for part in parts):
        raise ValueError(f"not a time zone name: {name!r}")
    with resources.files("tzdata.zoneinfo").joinpath(*parts).open("rb") as data:
        return ZoneInfo.from_file(data, key=name)


KAZAKHSTAN = zone("Asia/Almaty")


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
