"""The throttle's rule on its own: 5 failures within 15 minutes lock for 15 minutes after the 5th."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.review.rules.lockout import locked_until

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def _minutes(*offsets: float) -> list[datetime]:
    return [T0 + timedelta(minutes=offset) for offset in offsets]


def test_four_failures_do_not_lock() -> None:
    assert locked_until(_minutes(0, 1, 2, 3), T0 + timedelta(minutes=4)) is None


def test_the_fifth_failure_within_15_minutes_locks_for_15_minutes_after_it() -> None:
    failures = _minutes(0, 1, 2, 3, 10)
    assert locked_until(failures, T0 + timedelta(minutes=11)) == T0 + timedelta(minutes=25)
    assert locked_until(failures, T0 + timedelta(minutes=24, seconds=59)) == T0 + timedelta(minutes=25)
    assert locked_until(failures, T0 + timedelta(minutes=25)) is None


def test_five_failures_spread_over_more_than_15_minutes_do_not_lock() -> None:
    assert locked_until(_minutes(0, 4, 8, 12, 16), T0 + timedelta(minutes=17)) is None


def test_after_a_lock_ends_old_failures_do_not_lock_again_at_once() -> None:
    failures = _minutes(0, 1, 2, 3, 4, 20)
    assert locked_until(failures, T0 + timedelta(minutes=21)) is None
