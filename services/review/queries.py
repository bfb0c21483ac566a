"""What review's pages read: candidates with their statements and photo states, loaded eagerly
so the templates never touch a closed session."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.review.models import Candidate, Photo


def list_candidates(session: Session, region: str | None = None) -> list[tuple[Candidate, Photo | None]]:
    query = select(Candidate, Photo).outerjoin(Photo, Photo.nomination_id == Candidate.nomination_id)
    if region:
        query = query.where(Candidate.region == region)
    query = query.order_by(Candidate.region, Candidate.last_name, Candidate.first_name, Candidate.id)
    return [(candidate, photo) for candidate, photo in session.execute(query).all()]


def get_candidate(session: Session, candidate_id: str) -> tuple[Candidate, Photo | None] | None:
    candidate = session.scalar(
        select(Candidate).options(selectinload(Candidate.statements)).where(Candidate.id == candidate_id)
    )
    if candidate is None:
        return None
    return candidate, session.get(Photo, candidate.nomination_id)
