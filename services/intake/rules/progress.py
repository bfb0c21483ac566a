"""What a portal reads of a commission's decisions: a line per decision event, and which stage wins.

Pure functions over the fields of `shared.events` (`stage`, `to_stage`, `sequence`, `correction`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from shared.clock import KAZAKHSTAN
from shared.i18n import LANGUAGES

#: The outcome each decision event tells.
OUTCOMES = {
    "candidate.advanced": "advanced",
    "candidate.not_advanced": "not_advanced",
    "candidate.incomplete": "incomplete",
}


def decision_line(event_type: str, payload: dict[str, Any], occurred_at: str) -> dict[str, Any]:
    """The line a portal reads in the progress's `decisions`: the stage the decision leaves the
    candidate in (the next stage when advanced, the decided stage otherwise, none for a reminder of
    what is missing)."""
    outcome = OUTCOMES[event_type]
    stage = {"advanced": payload.get("to_stage"), "not_advanced": payload.get("stage")}.get(outcome)
    return {
        "type": event_type,
        "stage": stage,
        "outcome": outcome,
        "at": occurred_at,
        "decided_stage": payload.get("stage"),
        "sequence": payload.get("sequence"),
        "correction": bool(payload.get("correction")),
    }


def newest_of_its_stage(line: dict[str, Any], earlier: list[dict[str, Any]]) -> bool:
    """Whether no decision already seen of the same stage has a higher sequence (a late copy of a
    decision that a correction superseded must not move the candidate back)."""
    if line["outcome"] == "incomplete":
        return False
    same = [
        d.get("sequence") or 0
        for d in earlier
        if d.get("decided_stage") == line["decided_stage"] and d.get("outcome") != "incomplete"
    ]
    return (line["sequence"] or 0) >= max(same, default=0)


def submission_day(submitted_at: datetime) -> date:
    """The local day a nomination was submitted: it decides whether a guardian must consent."""
    return submitted_at.astimezone(KAZAKHSTAN).date()


def still_missing(statement_languages: Collection[str], has_photo: bool) -> list[str]:
    """What a candidate still lacks for the republican stage: all three statements and a photo."""
    needs = [f"statements.{lang}" for lang in LANGUAGES if lang not in statement_languages]
    if not has_photo:
        needs.append("photo")
    return needs
