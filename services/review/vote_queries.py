"""What the public vote reads: contests (cached once frozen), the candidates shown, a voter's vote.

`public_candidates` here is a minimal stand-in (the candidates of the scope and stage who are not
withdrawn) until the gallery's query of consenting candidates replaces it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.review.models import Candidate
from services.review.vote_models import Contest, Vote
from shared import config

#: Seconds a process keeps a frozen contest: nothing of it changes once open (its rules are frozen).
CONTEST_CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class PublicCandidate:
    """A candidate as the public pages show them: no contacts, nothing but what was consented to."""

    id: str
    nomination_id: str
    name: str
    college: str
    statement: str

    def photo(self, derivative: str) -> str:
        """Media's public derivative (`card`, `web`) of a consenting, non-withdrawn candidate."""
        return f"{config.page_urls()['media']}/public/photos/{self.nomination_id}/{derivative}"


@dataclass(frozen=True)
class ContestView:
    """A contest as the vote reads it, detached from any session."""

    id: str
    year: int
    stage: str
    scope: str
    opens_at: datetime
    closes_at: datetime
    counts_public: bool
    frozen: bool
    candidate_ids: tuple[str, ...]


def _view(contest: Contest) -> ContestView:
    return ContestView(
        id=contest.id,
        year=contest.year,
        stage=contest.stage,
        scope=contest.scope,
        opens_at=contest.opens_at,
        closes_at=contest.closes_at,
        counts_public=contest.counts_public,
        frozen=contest.frozen_at is not None,
        candidate_ids=tuple(contest.candidate_ids or ()),
    )


_cache: dict[tuple[str, str], tuple[float, ContestView]] = {}


def contest(session: Session, contest_id: str) -> ContestView | None:
    """The contest, from this process's cache once it is frozen (its times and candidates are then
    fixed), else from the database."""
    key = (str(session.get_bind().engine.url), contest_id)
    cached = _cache.get(key)
    if cached is not None and cached[0] > time.monotonic():
        return cached[1]
    row = session.get(Contest, contest_id)
    if row is None:
        return None
    view = _view(row)
    if view.frozen:
        _cache[key] = (time.monotonic() + CONTEST_CACHE_SECONDS, view)
    return view


def contests_of(session: Session, year: int) -> list[ContestView]:
    query = select(Contest).where(Contest.year == year).order_by(Contest.stage, Contest.scope)
    return [_view(row) for row in session.scalars(query)]


def public_candidates(
    session: Session, year: int, stage: str, scope: str, language: str
) -> list[PublicCandidate]:
    """The candidates of a scope and stage the public may see, in the reader's language."""
    query = select(Candidate).where(Candidate.year == year, Candidate.status != "withdrawn")
    if stage == "regional":
        query = query.where(Candidate.region == scope)
    else:
        query = query.where(Candidate.stage.in_(("republican", "winner")))
    found = []
    for candidate in session.scalars(query.order_by(Candidate.last_name, Candidate.first_name, Candidate.id)):
        names = candidate.college_names or {}
        statements = {s.language: s.text for s in candidate.statements}
        found.append(
            PublicCandidate(
                id=candidate.id,
                nomination_id=candidate.nomination_id,
                name=candidate.full_name,
                college=_in(names, language) or candidate.college_code,
                statement=_in(statements, language),
            )
        )
    return found


def _in(texts: dict[str, str], language: str) -> str:
    """The text in `language`, else in the others (kk, ru, en), else empty."""
    for lang in (language, "kk", "ru", "en"):
        if texts.get(lang):
            return texts[lang]
    return ""


def current_vote(session: Session, contest_id: str, voter_hash: str) -> Vote | None:
    query = select(Vote).where(Vote.contest_id == contest_id, Vote.voter_hash == voter_hash, Vote.current)
    return session.scalars(query).first()
