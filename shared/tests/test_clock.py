from datetime import UTC, datetime, timedelta

import pytest

from shared import clock


def test_real_clock_is_aware_and_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOP100_NOW", raising=False)
    moment = clock.now()
    assert moment.tzinfo is not None
    assert abs(moment - datetime.now(UTC)) < timedelta(seconds=5)


def test_top100_now_moves_every_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-05T23:59:59+05:00")
    assert clock.utcnow() == datetime(2026, 10, 5, 18, 59, 59, tzinfo=UTC)
    local = clock.local_now()
    assert (local.year, local.month, local.day, local.hour) == (2026, 10, 5, 23)
    assert local.utcoffset() == timedelta(hours=5)


def test_top100_now_without_offset_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-05T23:59:59")
    with pytest.raises(ValueError, match="offset"):
        clock.now()


def test_kazakhstan_is_utc_plus_five_since_march_2024() -> None:
    assert datetime(2024, 2, 29, 12, tzinfo=clock.KAZAKHSTAN).utcoffset() == timedelta(hours=6)
    assert datetime(2026, 10, 5, 12, tzinfo=clock.KAZAKHSTAN).utcoffset() == timedelta(hours=5)
