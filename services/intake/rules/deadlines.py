"""What intake's calendar allows: submitting, amending and withdrawing, each until its deadline.

The calendar itself is the programme's (`shared.calendar`); the year's real calendar is a setting the
intake service stores and passes in. A deadline is inclusive to the second: 23:59:59.7 is still
23:59:59, so a submission stamped within the last second on the server is accepted.
"""

from __future__ import annotations

from datetime import datetime

from shared.calendar import Calendar, check_calendar, default_calendar


def _within(opens: datetime, closes: datetime, moment: datetime) -> bool:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("calendar rules need an aware datetime (read it from shared.clock)")
    return opens <= moment and moment.replace(microsecond=0) <= closes


def submission_open(calendar: Calendar, moment: datetime) -> bool:
    """New nominations for the calendar's year are accepted (1 January to 5 October 23:59:59)."""
    return _within(calendar.opens, calendar.submission_closes, moment)


def amendment_open(calendar: Calendar, moment: datetime) -> bool:
    """Statements and photo may still change (until 20 October 23:59:59)."""
    return _within(calendar.opens, calendar.amendments_close, moment)


def withdrawal_open(calendar: Calendar, moment: datetime) -> bool:
    """ "Withdraw before 5 October": exactly while submission is open, so a freed slot can be reused."""
    return submission_open(calendar, moment)


__all__ = [
    "Calendar",
    "amendment_open",
    "check_calendar",
    "default_calendar",
    "submission_open",
    "withdrawal_open",
]
