"""What a portal reads of a commission's decisions: a line per decision event, and which stage wins.

Pure functions over the fields of `shared.events` (`stage`, `to_stage`, `sequence`, `correction`).
"""

from __future__ import annotations

from typing import Any

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
