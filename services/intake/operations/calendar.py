"""The yearly calendar as stored in intake's database, with the regulation's dates as defaults."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from sqlalchemy.orm import Session

from services.intake import rules
from services.intake.models import CalendarYear
from shared.attributes import dataclass_of


def calendar_for(session: Session, year: int) -> rules.Calendar:
    return calendar_from(session.get(CalendarYear, year), year)


def calendar_from(row: CalendarYear | None, year: int) -> rules.Calendar:
    """The calendar of `year` from its row (already read), or the regulation's when there is none."""
    if row is None:
        return rules.default_calendar(year)
    return dataclass_of(rules.Calendar, row)


def set_calendar(session: Session, year: int, **changes: object) -> rules.Calendar:
    """Change some dates of a year's calendar; raises ValueError naming what would be unsound."""
    calendar = replace(calendar_for(session, year), **changes)  # type: ignore[arg-type]
    problems = rules.check_calendar(calendar)
    if problems:
        raise ValueError("; ".join(problems))
    row = session.get(CalendarYear, year) or CalendarYear(year=year)
    row.internal_stage_ends = calendar.internal_stage_ends
    row.submission_closes = calendar.submission_closes.astimezone(UTC)
    row.regional_stage_ends = calendar.regional_stage_ends
    row.amendments_close = calendar.amendments_close.astimezone(UTC)
    row.republican_stage_starts = calendar.republican_stage_starts
    session.add(row)
    return calendar
