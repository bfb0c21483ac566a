"""One letter per outcome: a winner hears once, with the `winner` message, however review announces it
(`candidate.advanced` to the stage `winner` and `winners.published`, in either order, published again
after a correction), and so does their coordinator."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from services.notify.handlers import HANDLERS
from services.notify.models import Candidate, Message
from services.notify.tests.factories import event, submitted
from shared.handling import handle
from shared.runtime import Runtime

NOMINATION = "0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f"


def _advanced_to(to_stage: str, stage: str) -> dict:
    return {
        "candidate_id": "c-1",
        "nomination_id": NOMINATION,
        "year": 2026,
        "stage": stage,
        "to_stage": to_stage,
        "decision_id": f"d-{stage}",
        "missing": [],
        "amend_by": None,
    }


def _winners(decision_id: str = "d-republican") -> dict:
    return {
        "year": 2026,
        "decision_id": decision_id,
        "candidate_ids": ["c-1"],
        "nomination_ids": [NOMINATION],
    }


def _letters(runtime: Runtime) -> Counter[tuple[str, str, str]]:
    """(template, recipient kind, channel) -> how many messages notify recorded."""
    with runtime.db.unit_of_work() as session:
        rows = session.scalars(select(Message).where(Message.nomination_id == NOMINATION))
        return Counter((row.template, row.recipient_kind, row.channel) for row in rows)


@pytest.mark.parametrize("winners_first", [False, True])
def test_a_winner_and_their_coordinator_hear_once_with_the_winner_message(
    runtime: Runtime, winners_first: bool
) -> None:
    submission = submitted()
    submission.payload["coordinator"] = {"full_name": "Сейітова Гүлнар", "email": "coordinator@example.kz"}
    assert handle(runtime, HANDLERS, "notify", submission) is True
    regional = event("candidate.advanced", _advanced_to("republican", "regional"), "review")
    assert handle(runtime, HANDLERS, "notify", regional) is True
    won = event("candidate.advanced", _advanced_to("winner", "republican"), "review")
    published = event("winners.published", _winners(), "review")
    for announced in (published, won) if winners_first else (won, published):
        assert handle(runtime, HANDLERS, "notify", announced) is True
    # A correction elsewhere in the region publishes its winners again: nothing new for this one.
    again = event("winners.published", _winners("d-corrected"), "review")
    assert handle(runtime, HANDLERS, "notify", again) is True

    assert _letters(runtime) == {
        ("nomination_received", "student", "email"): 1,
        ("nomination_received", "student", "sms"): 1,
        ("nomination_received", "coordinator", "email"): 1,
        ("candidate_advanced", "student", "email"): 1,
        ("candidate_advanced", "student", "sms"): 1,
        ("candidate_advanced", "coordinator", "email"): 1,
        ("winner", "student", "email"): 1,
        ("winner", "student", "sms"): 1,
        ("winner", "coordinator", "email"): 1,
    }
    with runtime.db.unit_of_work() as session:
        candidate = session.get(Candidate, NOMINATION)
        assert candidate is not None and (candidate.stage, candidate.outcome) == ("winner", "advanced")
