"""Who sees scores, applied: what `rules.scoring.may_see_scores` needs to know of each candidate (the caller's
own score, their conflict, whether the chair showed the scope's scores, whether its scoring is done),
read in a few queries whatever the number of candidates.

`queries.candidates.candidate_detail` and `rankings.shown` ask here, so every page and API that shows another
member's score (the candidate, the ranking, the scoring page) goes through the same rule; the
decision and its protocol read the full ranking on purpose (`queries.candidates.ranking`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.review.models import AuditEntry, Candidate, Conflict, Score
from services.review.queries import stages
from services.review.rules import scoring as rules
from services.review.rules.audit import SCORE_PUT
from services.review.rules.stages import scope_of
from shared import clock
from shared.identity import Identity


@dataclass(frozen=True)
class ScopeState:
    """Where the scoring of one stage stands in one scope, as the rule reads it."""

    chair_opened: bool
    scoring_done: bool


def scope_state(session: Session, year: int, stage: str, region: str) -> ScopeState:
    """The state of `stage` in the scope that works `region`'s candidates (the region's commission at
    the regional stage, the working group after)."""
    scope = scope_of(stage, region)
    setting = stages.setting(session, year, stage, scope)
    until = stages.scoring_closes(session, year, stage, region)
    counts = (
        select(func.count(Score.member_id))
        .select_from(Candidate)
        .outerjoin(Score, (Score.candidate_id == Candidate.id) & (Score.stage == stage))
        .where(Candidate.year == year, Candidate.stage == stage, Candidate.status == "under_review")
        .group_by(Candidate.id)
    )
    if stage == "regional":
        counts = counts.where(Candidate.region == region)
    done = rules.scoring_done(
        deadline_passed=until is not None and clock.utcnow() > until,
        decided=stages.decided(session, year, stage, region),
        counts=session.scalars(counts),
        min_scores=stages.rubric(session, year, stage).min_scores,
    )
    return ScopeState(chair_opened=bool(setting and setting.scores_shown_at), scoring_done=done)


def seen(session: Session, caller: Identity, candidates: Iterable[Candidate]) -> set[str]:
    """The ids of `candidates` whose scores at their current stage `caller` may see."""
    candidates = list(candidates)
    if not candidates:
        return set()
    own = {
        (candidate_id, stage)
        for candidate_id, stage in session.execute(
            select(Score.candidate_id, Score.stage).where(Score.member_id == caller.user_id)
        )
    }
    conflicts = conflicted(session, caller, candidates)
    states: dict[tuple[int, str, str], ScopeState] = {}
    visible = set()
    for candidate in candidates:
        state = ScopeState(False, False)
        if caller.chair:
            key = (candidate.year, candidate.stage, scope_of(candidate.stage, candidate.region))
            if key not in states:
                states[key] = scope_state(session, candidate.year, candidate.stage, candidate.region)
            state = states[key]
        conflict = candidate.id in conflicts
        if rules.may_see_scores(
            caller.role,
            (candidate.id, candidate.stage) in own,
            conflict,
            state.chair_opened,
            state.scoring_done,
        ):
            visible.add(candidate.id)
    return visible


def conflicted(session: Session, caller: Identity, candidates: Iterable[Candidate]) -> set[str]:
    """The ids of `candidates` the caller may not score: a declared conflict, or their own college."""
    declared = set(session.scalars(select(Conflict.candidate_id).where(Conflict.member_id == caller.user_id)))
    return {
        c.id
        for c in candidates
        if c.id in declared or bool(caller.college and caller.college == c.college_code)
    }


def audit_details(
    session: Session, viewer: Identity, entries: Iterable[AuditEntry]
) -> dict[int, dict[str, Any]]:
    """Each entry's details as `viewer` may read them: the values of a score (`score.put`) only where
    the viewer may see that candidate's scores, so the audit log and its export do not show a chair
    what the ranking still hides."""
    entries = list(entries)
    scored = {e.candidate_id for e in entries if e.action == SCORE_PUT and e.candidate_id}
    candidates = session.scalars(select(Candidate).where(Candidate.id.in_(scored))) if scored else []
    visible = seen(session, viewer, candidates)
    return {
        e.id: {k: v for k, v in e.details.items() if k != "values"}
        if e.action == SCORE_PUT and e.candidate_id not in visible
        else dict(e.details)
        for e in entries
    }
