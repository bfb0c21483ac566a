"""Where a stage stands in one scope: its rubric, whether it is blind or assigned, whether scoring is
closed. Read by the candidates' and scores' views.

`decided` (has the commission of this scope and stage recorded its decision?), `scoring_closes`
and `decision_closes` (the calendar's dates of `rules.stages`, unless an admin extended them) read
the decisions' tables.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from services.review.models import Candidate, Decision, Extension, RubricChange, Score, StageSetting, User
from services.review.rules import roles
from services.review.rules import scoring as rules
from services.review.rules import stages as calendar
from services.review.rules.stages import scope_of
from shared import clock
from shared.calendar import default_calendar
from shared.identity import NATIONAL, Identity


def decided(session: Session, year: int, stage: str, region: str) -> bool:
    """Whether the decision of `stage` for `region` (ignored at the republican stage) is recorded."""
    scope = scope_of(stage, region)
    return bool(
        session.scalar(
            select(exists().where(Decision.year == year, Decision.stage == stage, Decision.scope == scope))
        )
    )


def scoring_closes(session: Session, year: int, stage: str, region: str) -> datetime | None:
    """Until when `stage` is scored in `region`: the calendar's date, moved by an admin's extension."""
    base = calendar.scoring_closes(default_calendar(year), stage)
    if base is None:
        return None
    extended = session.scalar(
        select(func.max(Extension.until)).where(
            Extension.year == year, Extension.stage == stage, Extension.scope == scope_of(stage, region)
        )
    )
    return max(base, extended) if extended else base


def scoring_closed(session: Session, candidate: Candidate) -> bool:
    """A candidate's current stage is no longer scored: past its deadline, or decided (a candidate
    who is no longer under review has had their stage decided)."""
    if candidate.status != "under_review":
        return True
    until = scoring_closes(session, candidate.year, candidate.stage, candidate.region)
    if until is not None and clock.utcnow() > until:
        return True
    return decided(session, candidate.year, candidate.stage, candidate.region)


def rubric(session: Session, year: int, stage: str) -> rules.Rubric:
    """The year's rubric of `stage`: an admin's change if there is one, else the shipped default."""
    changed = session.get(RubricChange, (year, stage))
    return rules.rubric_from(stage, changed.data) if changed else rules.default_rubric(stage)


def rubric_frozen(session: Session, year: int, stage: str) -> bool:
    """A rubric is frozen for the year from the stage's first score."""
    return bool(session.scalar(select(exists().where(Score.year == year, Score.stage == stage))))


def setting(session: Session, year: int, stage: str, scope: str) -> StageSetting | None:
    return session.get(StageSetting, (year, stage, scope))


def blind(session: Session, year: int, stage: str) -> bool:
    """Whether an admin made the stage blind (for the whole stage: the setting of scope national)."""
    found = setting(session, year, stage, NATIONAL)
    return bool(found and found.blind)


#: Who works blind in a blind stage: the members; chairs, administrators and media see everything.


def hidden_from(session: Session, caller: Identity, candidate: Candidate) -> bool:
    """Whether the candidate's name, photo and college are hidden from the caller: in a blind stage,
    from members (not chairs) until the stage's decision."""
    if caller.role not in roles.BLINDED or candidate.stage not in rules.SCORED_STAGES:
        return False
    if not blind(session, candidate.year, candidate.stage):
        return False
    return not decided(session, candidate.year, candidate.stage, candidate.region)


#: Who scores each stage: the region's commission (members and chair), then the working group.


def members_of(session: Session, stage: str, scope: str) -> list[str]:
    """The ids of the users who score `stage` in `scope` (enabled accounts only)."""
    query = select(User.id).where(User.role.in_(roles.SCORERS[stage]), User.disabled.is_(False))
    if stage == "regional":
        query = query.where(User.scope == scope)
    return list(session.scalars(query.order_by(User.id)))


def member_colleges(session: Session, member_ids: list[str]) -> dict[str, str]:
    """The college each of these members is attached to, for those who are."""
    if not member_ids:
        return {}
    rows = session.execute(
        select(User.id, User.college).where(User.id.in_(member_ids), User.college.is_not(None))
    )
    return {user_id: college for user_id, college in rows if college}


def decision_closes(session: Session, year: int, stage: str, scope: str) -> datetime:
    """The last second the commission of `scope` may decide `stage`: the calendar's, moved by the
    latest extension an admin granted."""
    base = calendar.decision_closes(default_calendar(year), stage)
    extensions = session.scalars(
        select(Extension.until).where(
            Extension.year == year, Extension.stage == stage, Extension.scope == scope
        )
    ).all()
    return max([base, *extensions])
