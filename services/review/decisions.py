"""Recording a commission's decision: one transaction with its candidates' new stages and its events.

A decision names the advanced; every other candidate of the scope (a region, or the country for the
working group) and stage is not advanced. Before anything is written, the scope's lock row is taken
(`DecisionScope`, SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises writers),
so two chairs' tabs or two replicas are checked one after the other: the second finds the first's
decision (409 already_decided) instead of both passing the quota. Anything refused raises `Refused`
before a row or an event is added, and the unit of work rolls back: nothing is recorded, nothing is
emitted.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.review import decision_rules as rules
from services.review import queries, stages
from services.review import rules as scoring_rules
from services.review.models import Candidate, Decision, DecisionScope, Extension, Photo, Score
from shared import clock
from shared.calendar import default_calendar
from shared.db import insert_ignore
from shared.envelope import Event
from shared.identity import Identity
from shared.outbox import emit

PRODUCER = "review"
#: Where the candidates of a stage stand before its decision, and where each outcome puts them.
BEFORE = {"regional": ("regional", "under_review"), "republican": ("republican", "under_review")}
ADVANCED_TO = {"regional": ("republican", "under_review"), "republican": ("winner", "winner")}
NOT_ADVANCED_TO = {"regional": ("regional", "not_advanced"), "republican": ("republican", "not_advanced")}


@dataclass
class Refused(Exception):
    """A decision the rules refuse; nothing is recorded. `candidates` names the candidates at fault."""

    status: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    candidates: list[Any] = field(default_factory=list)
    errors: dict[str, list[str]] | None = None

    def __post_init__(self) -> None:
        super().__init__(self.code)


def scope_of(stage: str, region: str | None) -> str:
    return region if stage == "regional" and region else rules.NATIONAL


def may_decide(caller: Identity, stage: str, scope: str) -> bool:
    """A region's chair decides the regional stage of their region; the national chair the winners."""
    if stage == "regional":
        return caller.role == "regional_chair" and caller.scope == scope
    return caller.role == "national_chair"


def deadline(session: Session, year: int, stage: str, scope: str) -> datetime:
    """The stage's deadline for the scope, moved by the latest extension an admin granted."""
    base = rules.stage_deadline(default_calendar(year), stage)
    extensions = session.scalars(
        select(Extension.until).where(
            Extension.year == year, Extension.stage == stage, Extension.scope == scope
        )
    ).all()
    return max([base, *extensions])


def record_decision(
    session: Session,
    caller: Identity,
    data: Mapping[str, Any],
    *,
    corrects: str | None = None,
    record: Mapping[str, Any] | None = None,
) -> Decision:
    """Record the decision `data` (the API's body) for its scope, or a correction of `corrects`."""
    year, stage = data["year"], data["stage"]
    scope = scope_of(stage, data.get("region"))
    lock = _lock(session, year, stage, scope)
    now = clock.now()
    closes = deadline(session, year, stage, scope)
    if not rules.stage_open(now, closes):
        raise Refused(409, "stage_closed", {"deadline": closes.astimezone(clock.KAZAKHSTAN).isoformat()})
    previous: Decision | None = None
    if corrects is None:
        if lock.current_decision is not None:
            raise Refused(409, "already_decided", {"decision_id": lock.current_decision})
    else:
        if lock.current_decision != corrects:
            # The decision corrected is not the scope's current one (corrected already): correct that.
            raise Refused(409, "already_decided", {"decision_id": lock.current_decision or ""})
        previous = session.get(Decision, corrects)
    candidates = _scope_candidates(session, year, stage, scope, previous)
    advanced = list(data["advanced"])
    strangers = rules.strangers(candidates, advanced)
    if strangers:
        raise Refused(422, "not_in_scope", {"ids": ", ".join(strangers)}, strangers)
    if rules.quota_exceeded(stage, len(advanced)):
        raise Refused(
            409, "quota_exceeded", {"quota": rules.quota(stage), "advanced": len(advanced)}, advanced
        )
    missing = {cid: _missing(session, candidates[cid]) for cid in advanced}
    if stage == "republican":
        incomplete = [{"id": cid, "missing": lacks} for cid, lacks in missing.items() if lacks]
        if incomplete:
            raise Refused(
                409,
                "candidate_incomplete",
                {"ids": ", ".join(item["id"] for item in incomplete)},
                incomplete,
            )
    outcome = rules.split(candidates, advanced)
    decision = Decision(
        id=str(uuid.uuid4()),
        year=year,
        stage=stage,
        scope=scope,
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
        record=dict(record or {}),
        decided_at=clock.utcnow(),
    )
    session.add(decision)
    session.flush()
    lock.current_decision, lock.advanced = decision.id, len(outcome.advanced)
    _apply(session, decision, candidates, previous, missing)
    return decision


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


def snapshot(session: Session, caller: Identity, year: int, stage: str, region: str | None) -> dict[str, Any]:
    """The rubric, each member's values per criterion and the ranking (review's `queries.ranking`) of
    the scope, as plain JSON for the decision's `record` and its protocol."""
    scope_region = region if stage == "regional" else None
    ranked, candidates, names, min_scores = queries.ranking(session, caller, year, stage, scope_region)
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


def _scope_candidates(
    session: Session, year: int, stage: str, scope: str, previous: Decision | None
) -> dict[str, Candidate]:
    """The candidates a decision is about: those of the scope at the stage (not withdrawn), or, for a
    correction, those the corrected decision was about and who have not withdrawn since."""
    query = select(Candidate).options(selectinload(Candidate.statements)).where(Candidate.year == year)
    if previous is not None:
        query = query.where(Candidate.id.in_([*previous.advanced, *previous.not_advanced]))
    else:
        query = query.where(Candidate.stage == BEFORE[stage][0])
        if scope != rules.NATIONAL:
            query = query.where(Candidate.region == scope)
    query = query.where(Candidate.status != "withdrawn").order_by(Candidate.id)
    return {candidate.id: candidate for candidate in session.scalars(query)}


def _missing(session: Session, candidate: Candidate) -> list[str]:
    photo = session.get(Photo, candidate.nomination_id)
    counts = {statement.language: statement.words for statement in candidate.statements}
    return scoring_rules.missing_for_republican(counts, photo.status if photo else None)


def _apply(
    session: Session,
    decision: Decision,
    candidates: Mapping[str, Candidate],
    previous: Decision | None,
    missing: Mapping[str, Sequence[str]],
) -> None:
    """Move the candidates to their new stage and status, and write the decision's events.

    A correction writes the events of the candidates whose outcome changed only (notify would
    otherwise write to everyone again), and the scope's `stage.closed` (and winners) again.
    """
    stage, now = decision.stage, clock.utcnow()
    before = set(previous.advanced) if previous else None
    amend_by = default_calendar(decision.year).amendments_close
    per_region: dict[str, list[Candidate]] = defaultdict(list)
    changed_regions: set[str] = set()
    for cid, candidate in candidates.items():
        advanced = cid in decision.advanced
        candidate.stage, candidate.status = (ADVANCED_TO if advanced else NOT_ADVANCED_TO)[stage]
        candidate.updated_at = now
        per_region[candidate.region].append(candidate)
        if before is not None and (cid in before) == advanced:
            continue
        changed_regions.add(candidate.region)
        base = {
            "candidate_id": cid,
            "nomination_id": candidate.nomination_id,
            "year": decision.year,
            "stage": stage,
            "decision_id": decision.id,
        }
        if not advanced:
            _emit(session, "candidate.not_advanced", candidate.region, base)
            continue
        lacks = list(missing.get(cid) or []) if stage == "regional" else []
        to_stage = rules.NEXT_STAGE[stage]
        _emit(
            session,
            "candidate.advanced",
            candidate.region,
            {
                **base,
                "to_stage": to_stage,
                "missing": lacks,
                "amend_by": amend_by.isoformat() if lacks else None,
            },
        )
        if lacks:
            _emit(
                session,
                "candidate.incomplete",
                candidate.region,
                {
                    "candidate_id": cid,
                    "nomination_id": candidate.nomination_id,
                    "year": decision.year,
                    "missing": lacks,
                    "amend_by": amend_by.isoformat(),
                },
            )
    regions = [decision.scope] if stage == "regional" else sorted(per_region)
    for region in regions:
        members = per_region.get(region, [])
        _emit(
            session,
            "stage.closed",
            region,
            {
                "year": decision.year,
                "stage": stage,
                "decision_id": decision.id,
                "candidates": len(members),
                "advanced": sum(1 for c in members if c.id in decision.advanced),
                "quota": decision.quota,
            },
        )
        if stage == "republican" and (before is None or region in changed_regions):
            winners = sorted((c for c in members if c.id in decision.advanced), key=lambda c: c.id)
            _emit(
                session,
                "winners.published",
                region,
                {
                    "year": decision.year,
                    "decision_id": decision.id,
                    "candidate_ids": [c.id for c in winners],
                    "nomination_ids": [c.nomination_id for c in winners],
                },
            )


def _emit(session: Session, event_type: str, region: str, payload: dict[str, Any]) -> None:
    emit(session, Event(type=event_type, version=1, region=region, producer=PRODUCER, payload=payload))
