"""Recording a commission's decision: one transaction with its candidates' new stages and its events.

A decision names the advanced; every other candidate of the scope (a region, or the country for the
working group) and stage is not advanced. Before anything is written, the scope's lock row is taken
(`DecisionScope`, SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers),
so two chairs' tabs or two replicas are checked one after the other: the second finds the first's
decision (409 already_decided) instead of both passing the quota. Anything refused raises an
`Invalid` or a `Conflict` (`operations.Refused`) before a row or an event is added, and the unit of
work rolls back: nothing is recorded, nothing is emitted.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from services.review.models import Candidate, Decision, DecisionScope, Extension, Photo, Score
from services.review.operations import Conflict, Invalid
from services.review.operations import events as decision_events
from services.review.queries import candidates as queries
from services.review.queries import stages
from services.review.rules import decisions as rules
from services.review.rules import scoring as scoring_rules
from services.review.rules.stages import scope_of
from shared import clock
from shared.db import insert_ignore
from shared.identity import NATIONAL, Identity

#: Where the candidates of a stage stand before its decision, and where each outcome puts them.
BEFORE = {"regional": ("regional", "under_review"), "republican": ("republican", "under_review")}
#: The stages a candidate of a stage's decision may stand at afterwards (advanced or not).
SINCE = {"regional": ("regional", "republican", "winner"), "republican": ("republican", "winner")}


def audit_action(decision: Decision) -> str:
    """The audit log's name for recording `decision`: a first decision, a correction, an override."""
    if decision.rechecks:
        return "decision.overridden"
    return "decision.corrected" if decision.supersedes else "decision.recorded"


def record_decision(
    session: Session,
    caller: Identity,
    data: Mapping[str, Any],
    *,
    corrects: str | None = None,
) -> Decision:
    """Record the decision `data` (the API's body) for its scope, or a correction of `corrects`.

    A correction obeys the decision's rules (deadline, scope, quota, completeness), must change something
    (`nothing_changed`), and a regional one after the republican decision concerned the region needs
    an admin's `override_reason` (`stage_superseded`)."""
    year, stage = data["year"], data["stage"]
    scope = scope_of(stage, data.get("region"))
    lock = _lock(session, year, stage, scope)
    _refuse_if_closed(session, year, stage, scope)
    previous = _previous(session, lock, corrects)
    candidates = scope_candidates(session, year, stage, scope, previous)
    advanced = list(data["advanced"])
    missing = _check(session, stage, candidates, advanced)
    rechecks = _correctable(session, previous, data, scope) if previous is not None else None
    outcome = rules.split(candidates, advanced)
    decision = Decision(
        id=str(uuid.uuid4()),
        year=year,
        stage=stage,
        scope=scope,
        sequence=rules.next_sequence(_latest_sequence(session, year, stage, scope)),
        advanced=list(outcome.advanced),
        not_advanced=list(outcome.not_advanced),
        quota=rules.quota(stage),
        justification=data["justification"].strip(),
        members_present=list(data.get("members_present") or []),
        place=data.get("place"),
        language=caller.language,
        chair_id=caller.user_id,
        chair_email=caller.email,
        chair_name=caller.name,
        supersedes=corrects,
        reason=data["reason"].strip() if corrects else None,
        override_reason=data["override_reason"].strip() if rechecks else None,
        rechecks=rechecks,
        record=snapshot(session, caller, year, stage, data.get("region"), among=list(candidates)),
        decided_at=clock.utcnow(),
    )
    session.add(decision)
    session.flush()
    lock.current_decision, lock.advanced = decision.id, len(outcome.advanced)
    decision_events.apply(session, decision, candidates, previous, missing)
    return decision


def _refuse_if_closed(session: Session, year: int, stage: str, scope: str) -> None:
    """409 `stage_closed` past the last second the scope's commission may decide (extensions included)."""
    closes = stages.decision_closes(session, year, stage, scope)
    if not rules.stage_open(clock.now(), closes):
        raise Conflict("stage_closed", {"deadline": closes.astimezone(clock.KAZAKHSTAN).isoformat()})


def _correctable(session: Session, previous: Decision, data: Mapping[str, Any], scope: str) -> str | None:
    """Refuse a correction that changes nothing, or a regional one after the republican decision
    concerned the region unless an admin overrides; returns that republican decision's id, if any."""
    if rules.change(previous.advanced, data["advanced"]).empty:
        raise Invalid("nothing_changed", {"decision_id": previous.id})
    rechecks = _superseding(session, data["year"], data["stage"], scope)
    if rechecks is not None and not data.get("override_reason"):
        raise Conflict("stage_superseded", {"decision_id": rechecks})
    return rechecks


def _previous(session: Session, lock: DecisionScope, corrects: str | None) -> Decision | None:
    """The decision a correction corrects (the scope's current one), or None for a first decision."""
    if corrects is None:
        if lock.current_decision is not None:
            raise Conflict("already_decided", {"decision_id": lock.current_decision})
        return None
    if lock.current_decision != corrects:
        # The decision corrected is not the scope's current one (corrected already): correct that.
        raise Conflict("already_decided", {"decision_id": lock.current_decision or ""})
    return session.get(Decision, corrects)


def _check(
    session: Session, stage: str, candidates: Mapping[str, Candidate], advanced: list[str]
) -> dict[str, list[str]]:
    """The rules every decision and correction obeys: scope, quota, completeness (republican).
    Returns what each advanced candidate still lacks (the regional advancement tells it)."""
    strangers = rules.strangers(candidates, advanced)
    if strangers:
        raise Invalid("not_in_scope", {"ids": ", ".join(strangers)}, candidates=strangers)
    if rules.quota_exceeded(stage, len(advanced)):
        raise Conflict(
            "quota_exceeded", {"quota": rules.quota(stage), "advanced": len(advanced)}, candidates=advanced
        )
    lacking = {cid: _missing(session, candidates[cid]) for cid in advanced}
    incomplete = [{"id": cid, "missing": lacks} for cid, lacks in lacking.items() if lacks]
    if stage == "republican" and incomplete:
        raise Conflict(
            "candidate_incomplete",
            {"ids": ", ".join(item["id"] for item in incomplete)},
            candidates=incomplete,
        )
    return lacking


def _latest_sequence(session: Session, year: int, stage: str, scope: str) -> int | None:
    """The scope's latest number; read under the scope's lock, so two decisions never share one."""
    return session.scalar(
        select(func.max(Decision.sequence)).where(
            Decision.year == year, Decision.stage == stage, Decision.scope == scope
        )
    )


def current(session: Session, year: int, stage: str, scope: str) -> Decision | None:
    """The scope's decision in force (the one no correction supersedes), if any."""
    row = session.get(DecisionScope, {"year": year, "stage": stage, "scope": scope})
    if row is None or row.current_decision is None:
        return None
    return session.get(Decision, row.current_decision)


def _superseding(session: Session, year: int, stage: str, scope: str) -> str | None:
    """The republican decision in force that concerns the region of a regional correction, if any."""
    if stage != "regional":
        return None
    republican = current(session, year, "republican", NATIONAL)
    if republican is None:
        return None
    ids = [*republican.advanced, *republican.not_advanced]
    regions = session.scalars(select(Candidate.region).where(Candidate.id.in_(ids)).distinct())
    return republican.id if rules.stage_superseded(stage, scope, regions) else None


def rechecks_due(session: Session, year: int) -> list[Decision]:
    """The regional corrections an admin allowed after the republican decision in force: that
    decision is to be checked again by the working group (its chair's page lists them)."""
    republican = current(session, year, "republican", NATIONAL)
    if republican is None:
        return []
    query = select(Decision).where(Decision.rechecks == republican.id).order_by(Decision.decided_at)
    return list(session.scalars(query))


def extend(session: Session, caller: Identity, data: Mapping[str, Any]) -> Extension:
    """An admin moves a stage's deadline for a scope, with a reason (audited by the caller)."""
    extension = Extension(
        id=str(uuid.uuid4()),
        year=data["year"],
        stage=data["stage"],
        scope=scope_of(data["stage"], data.get("region")),
        until=data["until"],
        reason=data["reason"].strip(),
        admin_id=caller.user_id,
        created_at=clock.utcnow(),
    )
    session.add(extension)
    session.flush()
    return extension


def snapshot(
    session: Session,
    caller: Identity,
    year: int,
    stage: str,
    region: str | None,
    among: list[str] | None = None,
) -> dict[str, Any]:
    """The rubric, each member's values per criterion and the ranking (`queries.candidates.ranking`) of
    the scope, as plain JSON for the decision's `record` and its protocol. The rubric, scores and
    ranking the commission saw are frozen with its decision, so the protocol prints what was decided
    on even if scores change later; `among` are the candidates decided on (a correction's include
    the advanced, who have moved on to the next stage)."""
    scope_region = region if stage == "regional" else None
    ranked, candidates, names, min_scores = queries.ranking(session, caller, year, stage, scope_region, among)
    rubric = stages.rubric(session, year, stage)
    score_query = select(Score).where(Score.year == year, Score.stage == stage).order_by(Score.member_name)
    if scope_region:
        score_query = score_query.where(Score.region == scope_region)
    scores = [
        {
            "member": score.member_name,
            "candidate": candidates[score.candidate_id].full_name,
            "values": score.values,
            "weighted": score.weighted,
        }
        for score in session.scalars(score_query)
        if score.candidate_id in candidates
    ]
    return {
        "rubric": [criterion.as_dict() for criterion in rubric.criteria],
        "scores": scores,
        "ranking": [
            {
                "rank": row.rank,
                "candidate_id": row.candidate_id,
                "name": candidates[row.candidate_id].full_name,
                "weighted_mean": row.weighted_mean,
                "normalized": row.normalized,
                "scores_count": row.scores_count,
            }
            for row in ranked
        ],
        "members": names,
        "min_scores": min_scores,
    }


def _lock(session: Session, year: int, stage: str, scope: str) -> DecisionScope:
    key = {"year": year, "stage": stage, "scope": scope}
    insert_ignore(session, DecisionScope.__table__, {**key, "advanced": 0}, list(key))  # type: ignore[arg-type]
    query = (
        select(DecisionScope)
        .where(DecisionScope.year == year, DecisionScope.stage == stage, DecisionScope.scope == scope)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.scalars(query).one()


def scope_candidates(
    session: Session, year: int, stage: str, scope: str, previous: Decision | None
) -> dict[str, Candidate]:
    """The candidates a decision is about: those of the scope at the stage (not withdrawn); for a
    correction, also every one the corrected decision was about (the advanced have moved on to the
    next stage), unless an admin's regional override has since taken them back out of the stage."""
    query = select(Candidate).options(selectinload(Candidate.statements)).where(Candidate.year == year)
    at_stage = Candidate.stage == BEFORE[stage][0]
    if scope != NATIONAL:
        at_stage = at_stage & (Candidate.region == scope)
    if previous is not None:
        decided = Candidate.id.in_([*previous.advanced, *previous.not_advanced])
        query = query.where(at_stage | (decided & Candidate.stage.in_(SINCE[stage])))
    else:
        query = query.where(at_stage)
    query = query.where(Candidate.status != "withdrawn").order_by(Candidate.id)
    return {candidate.id: candidate for candidate in session.scalars(query)}


def _missing(session: Session, candidate: Candidate) -> list[str]:
    photo = session.get(Photo, candidate.nomination_id)
    counts = {statement.language: statement.words for statement in candidate.statements}
    return scoring_rules.missing_for_republican(counts, photo.status if photo else None)
