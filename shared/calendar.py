"""The programme's calendar: one per year, every deadline on the wall clock of Kazakhstan.

The regulation's dates (R) are the defaults: nominations until 5 Oct, the regional commissions'
decisions until 15 Oct, statements and photos amended until 20 Oct, the republican stage from 20 Oct.
Every service reads the same calendar here (intake for submissions, review for its stages, notify for
its reminders); a deadline is inclusive to the second, on the wall clock of Kazakhstan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from shared.clock import KAZAKHSTAN

END_OF_DAY = time(23, 59, 59)


@dataclass(frozen=True)
class Calendar:
    year: int
    internal_stage_ends: date
    submission_closes: datetime
    regional_stage_ends: date
    amendments_close: datetime
    republican_stage_starts: date

    @property
    def opens(self) -> datetime:
        """Nothing of a year can be submitted before 1 January 00:00 of that year, local time.

        The regulation has colleges informing students "from January"; a nomination for 2027 sent in
        December 2026 is a portal's mistake, not an early bird.
        """
        return datetime(self.year, 1, 1, tzinfo=KAZAKHSTAN)

    @property
    def regional_decisions_close(self) -> datetime:
        """The regional commissions decide until the last second of `regional_stage_ends`."""
        return datetime.combine(self.regional_stage_ends, END_OF_DAY, tzinfo=KAZAKHSTAN)


def default_calendar(year: int) -> Calendar:
    """The regulation's dates for `year` (R): 30 Sep, 5 Oct, 15 Oct, 20 Oct."""
    return Calendar(
        year=year,
        internal_stage_ends=date(year, 9, 30),
        submission_closes=datetime.combine(date(year, 10, 5), END_OF_DAY, tzinfo=KAZAKHSTAN),
        regional_stage_ends=date(year, 10, 15),
        amendments_close=datetime.combine(date(year, 10, 20), END_OF_DAY, tzinfo=KAZAKHSTAN),
        republican_stage_starts=date(year, 10, 20),
    )


def check_calendar(calendar: Calendar) -> list[str]:
    """What is wrong with a configured calendar, as sentences for the operator; empty when sound.

    Stages must follow each other within the year, and every deadline must be aware.
    """
    problems: list[str] = []
    for name in ("submission_closes", "amendments_close"):
        moment: datetime = getattr(calendar, name)
        if moment.tzinfo is None or moment.utcoffset() is None:
            problems.append(f"{name} must carry a timezone")
    if problems:
        return problems
    local = KAZAKHSTAN
    order = [
        ("internal_stage_ends", calendar.internal_stage_ends),
        ("submission_closes", calendar.submission_closes.astimezone(local).date()),
        ("regional_stage_ends", calendar.regional_stage_ends),
        ("amendments_close", calendar.amendments_close.astimezone(local).date()),
    ]
    for (first, a), (second, b) in pairwise(order):
        if a > b:
            problems.append(f"{first} ({a}) is after {second} ({b})")
    if calendar.republican_stage_starts < calendar.regional_stage_ends:
        problems.append("republican_stage_starts is before regional_stage_ends")
    for name, day in [*order, ("republican_stage_starts", calendar.republican_stage_starts)]:
        if day.year != calendar.year:
            problems.append(f"{name} ({day}) is not in {calendar.year}")
    if calendar.amendments_close - calendar.submission_closes < timedelta(0):
        problems.append("amendments_close is before submission_closes")
    return problems
