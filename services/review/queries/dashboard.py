"""The season at a glance, per region and nationally: what came in, what is scored and decided, the
quota left, the days to each deadline and the republican candidates still incomplete.

`figures` reads the store once per query (grouped counts, no row per candidate in Python except the
republican ones, at most 200); `api.dashboard` answers them as JSON and `pages.dashboard` draws them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from services.review.models import Candidate, Decision, Photo, Score
from services.review.rules import decisions as rules
from services.review.rules import scoring as scoring_rules
from services.review.rules.stages import decision_closes
from shared import clock, regions
from shared.calendar import default_calendar
from shared.identity import Identity


def scored_counts(session: Session, year: int) -> dict[str, int]:
    """Per region, the candidates of the regional stage with at least one member's score."""
    query = (
        select(Score.region, func.count(func.distinct(Score.candidate_id)))
        .where(Score.year == year, Score.stage == "regional")
        .group_by(Score.region)
    )
    return dict(session.execute(query).all())


def deadlines(year: int) -> list[tuple[str, Any]]:
    calendar = default_calendar(year)
    return [
        ("submission_closes", calendar.submission_closes),
        ("regional_decisions_close", calendar.regional_decisions_close),
        ("amendments_close", calendar.amendments_close),
        ("republican_decision_closes", decision_closes(calendar, "republican")),
    ]


def _per_region(session: Session, year: int, *where: Any) -> dict[str, int]:
    """Candidates of `year` per region, those matching `where` only."""
    query = select(Candidate.region, func.count()).where(Candidate.year == year, *where)
    return dict(session.execute(query.group_by(Candidate.region)).all())


def regional_decisions(session: Session, year: int) -> dict[str, Decision]:
    """Each region's current regional decision (the latest, a correction replacing what it corrects)."""
    query = (
        select(Decision)
        .where(Decision.year == year, Decision.stage == "regional")
        .order_by(Decision.decided_at)
    )
    return {decision.scope: decision for decision in session.scalars(query)}


def incomplete_republican(session: Session, year: int) -> dict[str, int]:
    """Per region, the republican candidates still missing what the stage needs (statements, photo)."""
    republican = session.scalars(
        select(Candidate)
        .options(selectinload(Candidate.statements))
        .where(Candidate.year == year, Candidate.stage == "republican", Candidate.status != "withdrawn")
    ).all()
    photos = {
        p.nomination_id: p.status
        for p in session.scalars(
            select(Photo).where(Photo.nomination_id.in_([c.nomination_id for c in republican]))
        )
    }
    incomplete: dict[str, int] = {}
    for candidate in republican:
        counts = {s.language: s.words for s in candidate.statements}
        if scoring_rules.missing_for_republican(counts, photos.get(candidate.nomination_id)):
            incomplete[candidate.region] = incomplete.get(candidate.region, 0) + 1
    return incomplete


def _region_rows(session: Session, year: int, only: str | None) -> list[dict[str, Any]]:
    received = _per_region(session, year)
    active = _per_region(session, year, Candidate.status != "withdrawn")
    scored = scored_counts(session, year)
    current = regional_decisions(session, year)
    incomplete = incomplete_republican(session, year)
    rows = []
    for region in regions.all_regions():
        if only and region.code != only:
            continue
        decision = current.get(region.code)
        advanced = len(decision.advanced) if decision else 0
        rows.append(
            {
                "region": region.code,
                "names": region.names,
                "nominations_received": received.get(region.code, 0),
                "candidates": active.get(region.code, 0),
                "scored": scored.get(region.code, 0),
                "decided": advanced + len(decision.not_advanced) if decision else 0,
                "advanced": advanced,
                "quota_left": rules.quota_left("regional", advanced),
                "incomplete_republican": incomplete.get(region.code, 0),
                "decision_id": decision.id if decision else None,
            }
        )
    return rows


def figures(session: Session, year: int, only: str | None = None) -> dict[str, Any]:
    """The dashboard's numbers for `year` (one region's if `only`), as the API answers them."""
    now = clock.local_now()
    rows = _region_rows(session, year, only)
    keys = ("nominations_received", "candidates", "scored", "decided", "advanced", "incomplete_republican")
    national = {key: sum(row[key] for row in rows) for key in keys}
    winners = session.scalar(
        select(func.count())
        .select_from(Candidate)
        .where(Candidate.year == year, Candidate.status == "winner")
    )
    national["winners"] = winners or 0
    national["quota_left"] = rules.quota_left("republican", national["winners"])
    return {
        "year": year,
        "as_of": now.isoformat(),
        "regions": rows,
        "national": national,
        "deadlines": [
            {"name": name, "at": moment.isoformat(), "days_left": (moment.date() - now.date()).days}
            for name, moment in deadlines(year)
        ],
    }


def scope_seen(caller: Identity) -> str | None:
    """The region whose figures `caller` sees: None (every region) for the national commission."""
    return None if caller.national else caller.scope
