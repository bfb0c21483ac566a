"""What the commissions change: scores, conflicts of interest, rubrics, blind and assigned stages.

Each function runs in the caller's unit of work and raises a `Refused` (`operations`) when the programme's
rules refuse the change, so nothing is written; every accepted change is in the audit log in the
same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.review.models import Assignment, Candidate, RubricChange, Score, StageSetting
from services.review.models import Conflict as ConflictOfInterest
from services.review.operations import Conflict, Forbidden, Invalid, audit
from services.review.queries import stages
from services.review.rules import audit as actions
from services.review.rules import roles
from services.review.rules import scoring as rules
from services.review.rules.stages import scope_of
from shared import clock
from shared.identity import NATIONAL, Identity

MAX_COMMENT = 4000
MAX_REASON = 2000


def excluded(session: Session, caller: Identity, candidate: Candidate) -> bool:
    """The caller may not score the candidate: a declared conflict, or the caller's own college."""
    if caller.college and caller.college == candidate.college_code:
        return True
    return session.get(ConflictOfInterest, (candidate.id, caller.user_id)) is not None


def assigned_elsewhere(session: Session, caller: Identity, candidate: Candidate) -> bool:
    """In assigned mode, the candidate is not the caller's to score."""
    found = stages.setting(
        session, candidate.year, candidate.stage, scope_of(candidate.stage, candidate.region)
    )
    if found is None or found.scorers is None:
        return False
    return session.get(Assignment, (candidate.id, candidate.stage, caller.user_id)) is None


def put_score(session: Session, caller: Identity, candidate: Candidate, body: Any) -> Score:
    """The caller's score of the candidate's current stage, new or replacing their earlier one."""
    if not roles.may_score_stage(caller, candidate.stage):
        raise Forbidden("not_your_stage")
    if excluded(session, caller, candidate):
        raise Conflict("conflict_declared")
    if assigned_elsewhere(session, caller, candidate):
        raise Forbidden("not_assigned")
    if stages.scoring_closed(session, candidate):
        raise Conflict("stage_closed")
    rubric = stages.rubric(session, candidate.year, candidate.stage)
    values, comment = _score_body(rubric, body)
    now = clock.utcnow()
    score = session.get(Score, (candidate.id, candidate.stage, caller.user_id))
    if score is None:
        score = Score(
            candidate_id=candidate.id,
            stage=candidate.stage,
            member_id=caller.user_id,
            year=candidate.year,
            region=candidate.region,
            created_at=now,
        )
        session.add(score)
    score.member_name = caller.name
    score.values = values
    score.weighted = rules.weighted_value(rubric, values)
    score.comment = comment
    score.updated_at = now
    session.flush()
    audit.record(
        session, caller, actions.SCORE_PUT, candidate=candidate, stage=candidate.stage, values=values
    )
    return score


def _score_body(rubric: rules.Rubric, body: Any) -> tuple[dict[str, int], str]:
    if not isinstance(body, Mapping):
        raise Invalid("validation_failed", errors={"_schema": ["field.invalid"]})
    errors = {
        f"criteria.{code}": keys for code, keys in rules.check_score(rubric, body.get("criteria")).items()
    }
    if errors.get("criteria.criteria"):
        errors = {"criteria": errors.pop("criteria.criteria"), **errors}
    comment = body.get("comment", "")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        errors["comment"] = ["field.invalid"]
    elif len(comment) > MAX_COMMENT:
        errors["comment"] = ["text.too_long"]
    if errors:
        raise Invalid("validation_failed", errors=errors)
    values = {criterion.code: int(body["criteria"][criterion.code]) for criterion in rubric.criteria}
    return values, comment.strip()


def declare_conflict(
    session: Session, caller: Identity, candidate: Candidate, body: Any
) -> tuple[ConflictOfInterest, bool]:
    """The caller will not score the candidate: their scores of them are withdrawn, and in assigned
    mode the candidate goes to another member. Declaring twice keeps the first declaration."""
    if not caller.member:
        raise Forbidden("forbidden")
    reason = body.get("reason") if isinstance(body, Mapping) else None
    if not isinstance(reason, str) or not reason.strip():
        raise Invalid("validation_failed", errors={"reason": ["field.required"]})
    if len(reason) > MAX_REASON:
        raise Invalid("validation_failed", errors={"reason": ["text.too_long"]})
    existing = session.get(ConflictOfInterest, (candidate.id, caller.user_id))
    if existing is not None:
        return existing, False
    conflict = ConflictOfInterest(
        candidate_id=candidate.id,
        member_id=caller.user_id,
        member_name=caller.name,
        reason=reason.strip(),
        declared_at=clock.utcnow(),
    )
    session.add(conflict)
    withdrawn = session.execute(
        delete(Score).where(Score.candidate_id == candidate.id, Score.member_id == caller.user_id)
    ).rowcount
    session.flush()
    audit.record(session, caller, actions.CONFLICT_DECLARED, candidate=candidate, scores_withdrawn=withdrawn)
    if candidate.stage in rules.SCORED_STAGES:
        scope = scope_of(candidate.stage, candidate.region)
        rebalance(
            session,
            candidate.year,
            candidate.stage,
            scope,
            stages.members_of(session, candidate.stage, scope),
        )
    return conflict, True


def set_rubric(session: Session, caller: Identity, year: int, stage: str, body: Any) -> rules.Rubric:
    """An admin's rubric for a year's stage, refused once the stage has its first score."""
    if stages.rubric_frozen(session, year, stage):
        raise Conflict("rubric_frozen")
    errors = rules.check_rubric(body)
    if errors:
        raise Invalid("validation_failed", errors=errors)
    data = {
        "min_scores": body["min_scores"],
        "criteria": [
            {key: item[key] for key in ("code", "weight", "min", "max")}
            | {"names": {lang: item["names"][lang].strip() for lang in ("kk", "ru", "en")}}
            for item in body["criteria"]
        ],
    }
    row = session.get(RubricChange, (year, stage))
    if row is None:
        row = RubricChange(year=year, stage=stage)
        session.add(row)
    row.data, row.changed_by, row.changed_at = data, caller.user_id, clock.utcnow()
    session.flush()
    audit.record(session, caller, actions.RUBRIC_CHANGED, year=year, stage=stage)
    return rules.rubric_from(stage, data)


def set_blind(session: Session, caller: Identity, year: int, stage: str, blind: bool) -> StageSetting:
    """An admin makes a stage blind (names, photos, colleges hidden from members) or not."""
    row = _setting(session, year, stage, NATIONAL)
    row.blind = blind
    session.flush()
    audit.record(session, caller, actions.STAGE_BLIND, year=year, stage=stage, blind=blind)
    return row


def set_assignment(
    session: Session, caller: Identity, year: int, stage: str, scope: str, scorers: int | None
) -> dict[str, list[str]]:
    """A chair's choice for their scope: every member scores every candidate (`scorers` None), or
    each candidate gets `scorers` assigned members; the plan is made now."""
    row = _setting(session, year, stage, scope)
    row.scorers = scorers
    session.flush()
    audit.record(
        session, caller, actions.STAGE_ASSIGNMENT, region=scope, year=year, stage=stage, scorers=scorers
    )
    return rebalance(session, year, stage, scope, stages.members_of(session, stage, scope))


def show_scores(
    session: Session, caller: Identity, year: int, stage: str, region: str | None
) -> StageSetting:
    """A chair shows every score of a scope before its scoring is done; the first choice is kept (and
    audited), a second one changes nothing."""
    scope = scope_of(stage, region or NATIONAL)
    row = _setting(session, year, stage, scope)
    if row.scores_shown_at is None:
        row.scores_shown_at, row.scores_shown_by = clock.utcnow(), caller.user_id
        session.flush()
        audit.record(
            session, caller, actions.SCORES_SHOWN, region=region, year=year, stage=stage, scope=scope
        )
    return row


def commission_changed(session: Session, role: str, scope: str) -> None:
    """A member joined, left (disabled) or moved: every assigned stage of that commission is planned
    again, so a newcomer gets their share and a leaver's unscored candidates go to the others."""
    for stage, scorers in roles.SCORERS.items():
        if role not in scorers:
            continue
        commission = scope if stage == "regional" else NATIONAL
        settings = session.scalars(
            select(StageSetting).where(
                StageSetting.stage == stage,
                StageSetting.scope == commission,
                StageSetting.scorers.is_not(None),
            )
        )
        for setting in list(settings):
            members = stages.members_of(session, stage, commission)
            rebalance(session, setting.year, stage, commission, members)


def rebalance(
    session: Session, year: int, stage: str, scope: str, members: Iterable[str]
) -> dict[str, list[str]]:
    """Plan who scores whom again in an assigned scope (a member joined, or declared a conflict):
    what a member has already scored stays theirs; conflicts and own colleges are respected."""
    row = stages.setting(session, year, stage, scope)
    query = select(Candidate).where(
        Candidate.year == year, Candidate.stage == stage, Candidate.status == "under_review"
    )
    if scope != NATIONAL:
        query = query.where(Candidate.region == scope)
    candidates = list(session.scalars(query))
    ids = [c.id for c in candidates]
    if ids:
        session.execute(delete(Assignment).where(Assignment.candidate_id.in_(ids), Assignment.stage == stage))
    if row is None or row.scorers is None:
        return {}
    member_list = sorted(set(members))
    conflicts = {
        (c, m)
        for c, m in session.execute(
            select(ConflictOfInterest.candidate_id, ConflictOfInterest.member_id).where(
                ConflictOfInterest.candidate_id.in_(ids)
            )
        )
    }
    scored = {
        (c, m)
        for c, m in session.execute(
            select(Score.candidate_id, Score.member_id).where(
                Score.candidate_id.in_(ids), Score.stage == stage
            )
        )
    }
    plan = rules.assign(
        ids,
        member_list,
        row.scorers,
        excluded=conflicts | _own_colleges(session, candidates, member_list),
        keep=scored,
    )
    for candidate_id, chosen in plan.items():
        for member_id in chosen:
            session.add(Assignment(candidate_id=candidate_id, stage=stage, member_id=member_id))
    session.flush()
    return plan


def _own_colleges(session: Session, candidates: list[Candidate], members: list[str]) -> set[tuple[str, str]]:
    """(candidate, member) pairs where the member is attached to the candidate's college."""
    colleges = stages.member_colleges(session, members)
    return {
        (c.id, m) for c in candidates for m in members if colleges.get(m) and colleges[m] == c.college_code
    }


def _setting(session: Session, year: int, stage: str, scope: str) -> StageSetting:
    row = stages.setting(session, year, stage, scope)
    if row is None:
        row = StageSetting(year=year, stage=stage, scope=scope, blind=False, scorers=None)
        session.add(row)
    return row
