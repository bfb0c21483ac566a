"""The login throttle's rule: 5 failed logins within 15 minutes lock further tries for 15 minutes.

Counted separately for an account and for an address (an attacker trying many accounts from one
address, or one account from many addresses); a plain function of the failures' instants, so the
rule is tested without a clock or a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

#: Failed logins that lock (the review contract's number).
MAX_FAILURES = 5
#: The window the failures are counted in, and how long the lock lasts after the last of them.
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
#: How far back the failures that can still matter go: a lock started by failures in one window.
LOOKBACK = WINDOW + LOCK


def locked_until(failures: Iterable[datetime], now: datetime) -> datetime | None:
    """When the lock ends, if `failures` (instants of failed tries) lock at `now`; else None.

    Tries refused during a lock are not failures: they neither extend the lock nor count later.
    """
    return lock_end(failures, now, MAX_FAILURES, WINDOW, LOCK)


def lock_end(
    failures: Iterable[datetime], now: datetime, count: int, window: timedelta, lock: timedelta
) -> datetime | None:
    """When the lock ends if `count` failures within `window` lock for `lock` after the last of them
    and `failures` (their instants) lock at `now`; else None. The login throttle's rule and the
    public vote's wrong codes (`rules.votes.locked_until`) are this one rule with their own numbers.
    """
    recent = sorted(moment for moment in failures if moment > now - window - lock)
    until: datetime | None = None
    for index in range(count - 1, len(recent)):
        if recent[index] - recent[index - count + 1] <= window:
            end = recent[index] + lock
            if end > now and (until is None or end > until):
                until = end
    return until
