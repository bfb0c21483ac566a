"""The yearly calendar on the wall clock of Kazakhstan (UTC+5 since 1 March 2024)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.intake.rules import (
    amendment_open,
    check_calendar,
    default_calendar,
    submission_open,
    withdrawal_open,
)
from shared.clock import KAZAKHSTAN

CAL = default_calendar(2026)


def almaty(*args: int) -> datetime:
    return datetime(*args, tzinfo=KAZAKHSTAN)  # type: ignore[misc]


def test_default_dates_follow_the_regulation() -> None:
    assert CAL.year == 2026
    assert CAL.internal_stage_ends == date(2026, 9, 30)
    assert CAL.submission_closes == almaty(2026, 10, 5, 23, 59, 59)
    assert CAL.regional_stage_ends == date(2026, 10, 15)
    assert CAL.amendments_close == almaty(2026, 10, 20, 23, 59, 59)
    assert CAL.republican_stage_starts == date(2026, 10, 20)
    assert check_calendar(CAL) == []


def test_the_timezone_database_knows_kazakhstan_is_utc_plus_five() -> None:
    # Kazakhstan moved to a single UTC+5 zone on 2024-03-01; an old tzdata would say +6 and shift
    # every deadline by an hour.
    assert CAL.submission_closes.utcoffset() == timedelta(hours=5)
    assert CAL.submission_closes.astimezone(UTC) == datetime(2026, 10, 5, 18, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (almaty(2026, 10, 5, 0, 0, 0), True),
        (almaty(2026, 10, 5, 23, 59, 59), True),
        (almaty(2026, 10, 5, 23, 59, 59, 999999), True),  # still the last second
        (almaty(2026, 10, 6, 0, 0, 0), False),
        (datetime(2026, 10, 5, 18, 59, 59, tzinfo=UTC), True),  # the same instants in UTC
        (datetime(2026, 10, 5, 19, 0, 0, tzinfo=UTC), False),
        (datetime(2026, 10, 5, 19, 0, 0, tzinfo=timezone(timedelta(hours=-4))), False),
        (almaty(2026, 1, 1, 0, 0, 0), True),
        (almaty(2025, 12, 31, 23, 59, 59), False),  # not a 2026 nomination yet
        (datetime(2025, 12, 31, 19, 0, 0, tzinfo=UTC), True),  # = 1 Jan 00:00 in Almaty
        (almaty(2026, 6, 15, 12, 0, 0), True),
        (almaty(2027, 3, 1, 12, 0, 0), False),
    ],
)
def test_submission_window(moment: datetime, is_open: bool) -> None:
    assert submission_open(CAL, moment) is is_open
    assert withdrawal_open(CAL, moment) is is_open


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (almaty(2026, 10, 6, 0, 0, 0), True),  # after submission closed, amendments go on
        (almaty(2026, 10, 20, 0, 0, 0), True),
        (almaty(2026, 10, 20, 23, 59, 59), True),
        (almaty(2026, 10, 21, 0, 0, 0), False),
        (datetime(2026, 10, 20, 18, 59, 59, tzinfo=UTC), True),
        (datetime(2026, 10, 20, 19, 0, 0, tzinfo=UTC), False),
    ],
)
def test_amendment_window(moment: datetime, is_open: bool) -> None:
    assert amendment_open(CAL, moment) is is_open


def test_withdrawal_ends_with_submission() -> None:
    assert withdrawal_open(CAL, almaty(2026, 10, 5, 23, 59, 59)) is True
    assert withdrawal_open(CAL, almaty(2026, 10, 6, 0, 0, 0)) is False
    assert amendment_open(CAL, almaty(2026, 10, 6, 0, 0, 0)) is True


def test_a_calendar_of_another_year_does_not_accept_this_years_moments() -> None:
    moment = almaty(2026, 6, 1, 12, 0, 0)
    assert submission_open(default_calendar(2027), moment) is False
    assert submission_open(default_calendar(2025), moment) is False


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError):
        submission_open(CAL, datetime(2026, 10, 5, 12, 0, 0))


def test_a_configured_calendar_may_move_a_deadline() -> None:
    late = replace(CAL, submission_closes=almaty(2026, 10, 7, 23, 59, 59))
    assert submission_open(late, almaty(2026, 10, 7, 12, 0, 0)) is True
    assert check_calendar(late) == []


def test_check_calendar_names_what_is_out_of_order() -> None:
    broken = replace(CAL, amendments_close=almaty(2026, 10, 1, 23, 59, 59))
    problems = check_calendar(broken)
    assert any("regional_stage_ends" in p and "amendments_close" in p for p in problems)
    assert any("amendments_close is before submission_closes" in p for p in problems)
    naive = replace(CAL, submission_closes=datetime(2026, 10, 5, 23, 59, 59))
    assert check_calendar(naive) == ["submission_closes must carry a timezone"]
    other_year = replace(CAL, republican_stage_starts=date(2027, 1, 10))
    assert check_calendar(other_year) == ["republican_stage_starts (2027-01-10) is not in 2026"]
