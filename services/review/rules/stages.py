"""Whose a stage is and when it closes, on the calendar: the programme's two deadlines by name.

- `scoring_closes`: until when the members score a stage (the regional stage: the day the regions'
  decisions close; the republican stage has no date of its own, its scoring closes with its decision);
- `decision_closes`: the last second a commission may record its decision (15 Oct for the regions,
  the end of the year for the working group).

Both are the calendar's dates; `queries.stages` moves them by an administrator's extension.
"""

from __future__ import annotations

from datetime import date, datetime

from shared.calendar import END_OF_DAY, Calendar
from shared.clock import KAZAKHSTAN
from shared.identity import NATIONAL


def scope_of(stage: str, region: str | None) -> str:
    """Who works a stage: the region's commission at the regional stage, the working group (the
    national scope) after it, or when no region is named."""
    return region if stage == "regional" and region else NATIONAL


def scoring_closes(calendar: Calendar, stage: str) -> datetime | None:
    """When scoring of `stage` closes on the clock; None: the republican stage closes with its decision."""
    return calendar.regional_decisions_close if stage == "regional" else None


def decision_closes(calendar: Calendar, stage: str) -> datetime:
    """The last second a commission of `stage` may decide: 15 Oct for the regions (R), the end of the
    year for the working group (the republican stage runs to the end of the year, R)."""
    if stage == "regional":
        return calendar.regional_decisions_close
    return datetime.combine(date(calendar.year, 12, 31), END_OF_DAY, tzinfo=KAZAKHSTAN)
