"""A decision's consequences: its candidates' new stages and the events it writes to the outbox.

Every decision event carries the decision's `sequence` in its scope; a correction's events say so
(`correction`, `corrects`, `corrects_recorded_at`) and go only to the candidates whose outcome it
changed, so notify writes to those alone and media withdraws what a correction took back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from services.review.models import Candidate, Decision
from services.review.rules import decisions as rules
from shared import clock
from shared.calendar import default_calendar
from shared.envelope import Event
from shared.outbox import emit

PRODUCER = "review"
#: Where each outcome of a stage's decision puts its candidates.
ADVANCED_TO = {"regional": ("republican", "under_review"), "republican": ("winner", "winner")}
NOT_ADVANCED_TO = {"regional": ("regional", "not_advanced"), "republican": ("republican", "not_advanced")}


def apply(
    session: Session,
    decision: Decision,
    candidates: Mapping[str, Candidate],
    previous: Decision | None,
    missing: Mapping[str, Sequence[str]],
) -> None:
    """Move the candidates to their new stage and status, and write the decision's events.

    A correction writes the events of the candidates whose outcome changed only (notify would
    otherwise write to everyone again), each marked as a correction, and the scope's `stage.closed`
    (and the winners of the regions it changed) again. Every event carries the decision's sequence.
    """
    stage, now = decision.stage, clock.utcnow()
    order = order_fields(decision, previous)
    changed = _told(previous, decision, candidates)
    per_region: dict[str, list[Candidate]] = defaultdict(list)
    for cid, candidate in candidates.items():
        advanced = cid in decision.advanced
        candidate.stage, candidate.status = (ADVANCED_TO if advanced else NOT_ADVANCED_TO)[stage]
        candidate.updated_at = now
        per_region[candidate.region].append(candidate)
        if changed is None or cid in changed:
            _emit_outcome(session, decision, candidate, advanced, list(missing.get(cid) or []), order)
    changed_regions = {candidates[cid].region for cid in changed or () if cid in candidates}
    regions = [decision.scope] if stage == "regional" else sorted(per_region)
    for region in regions:
        members = per_region.get(region, [])
        closed = {
            "year": decision.year,
            "stage": stage,
            "decision_id": decision.id,
            "candidates": len(members),
            "advanced": sum(1 for c in members if c.id in decision.advanced),
            "quota": decision.quota,
        }
        _emit(session, "stage.closed", region, {**closed, **order})
        if stage == "republican" and (changed is None or region in changed_regions):
            winners = sorted((c for c in members if c.id in decision.advanced), key=lambda c: c.id)
            published = {
                "year": decision.year,
                "decision_id": decision.id,
                "candidate_ids": [c.id for c in winners],
                "nomination_ids": [c.nomination_id for c in winners],
            }
            _emit(session, "winners.published", region, {**published, **order})


def _told(
    previous: Decision | None, decision: Decision, candidates: Mapping[str, Candidate]
) -> frozenset[str] | None:
    """Who a correction writes to: those whose outcome it changed, and any candidate the corrected
    decision was not about (one who reached the stage since); None for a first decision: everyone."""
    if previous is None:
        return None
    decided = {*previous.advanced, *previous.not_advanced}
    return rules.change(previous.advanced, decision.advanced).changed | {
        c for c in candidates if c not in decided
    }


def order_fields(decision: Decision, previous: Decision | None) -> dict[str, Any]:
    """What orders the decision's events (`events.DECISION_ORDER`): its sequence and, for a
    correction, the decision it corrects and when that one was recorded."""
    if previous is None:
        return {"sequence": decision.sequence}
    return {
        "sequence": decision.sequence,
        "correction": True,
        "corrects": previous.id,
        "corrects_recorded_at": previous.decided_at.isoformat(),
    }


def _emit_outcome(
    session: Session,
    decision: Decision,
    candidate: Candidate,
    advanced: bool,
    lacks: list[str],
    order: Mapping[str, Any],
) -> None:
    """One candidate's `candidate.advanced` (and `candidate.incomplete` if it lacks anything for the
    republican stage) or `candidate.not_advanced`."""
    base = {
        "candidate_id": candidate.id,
        "nomination_id": candidate.nomination_id,
        "year": decision.year,
        "stage": decision.stage,
        "decision_id": decision.id,
        **order,
    }
    if not advanced:
        _emit(session, "candidate.not_advanced", candidate.region, base)
        return
    lacks = lacks if decision.stage == "regional" else []
    amend_by = default_calendar(decision.year).amendments_close
    advanced_payload = {
        **base,
        "to_stage": rules.NEXT_STAGE[decision.stage],
        "missing": lacks,
        "amend_by": amend_by.isoformat() if lacks else None,
    }
    _emit(session, "candidate.advanced", candidate.region, advanced_payload)
    if lacks:
        incomplete = {
            "candidate_id": candidate.id,
            "nomination_id": candidate.nomination_id,
            "year": decision.year,
            "missing": lacks,
            "amend_by": amend_by.isoformat(),
        }
        _emit(session, "candidate.incomplete", candidate.region, incomplete)


def _emit(session: Session, event_type: str, region: str, payload: dict[str, Any]) -> None:
    emit(session, Event(type=event_type, version=1, region=region, producer=PRODUCER, payload=payload))
