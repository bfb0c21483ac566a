"""What the public vote reads: contests (cached once frozen), a contest as shown, a voter's vote.

The candidates shown are `queries.public.public_candidates`: only those who consent to publication
now and are not withdrawn, so a withdrawal leaves a contest's page and JSON on the next read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.review.models.votes import Contest, Vote
from services.review.queries import counts
from services.review.queries.public import public_candidates
from services.review.rules import votes as rules
from shared import kv
from shared.attributes import dataclass_of

#: Seconds a process keeps a frozen contest: nothing of it changes once open (its rules are frozen).
CONTEST_CACHE_SECONDS = 60.0


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
    return dataclass_of(
        ContestView,
        contest,
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


def contest_fields(view: ContestView, now: datetime) -> dict[str, Any]:
    """A contest's own fields as each of its documents says them (the public's, the admin's after a
    move): its scope, its times and its state at `now`."""
    return {
        "id": view.id,
        "year": view.year,
        "stage": view.stage,
        "scope": view.scope,
        "opens_at": view.opens_at.isoformat(),
        "closes_at": view.closes_at.isoformat(),
        "state": rules.contest_state(view.opens_at, view.closes_at, now),
    }


def shown(
    session: Session,
    view: ContestView,
    language: str,
    now: datetime,
    media_url: str,
    store: kv.Store | None = None,
) -> dict[str, Any]:
    """A contest as the public sees it (the JSON API and the page): its state and candidates, those
    frozen at its opening (else those of today), each only while they consent to publication; each
    with its `votes` and the contest with its `counts` when they may be shown (`counts.for_public`,
    read through `store`, Redis, when configured)."""
    frozen = view.candidate_ids if view.frozen else None
    found = public_candidates(
        session, view.year, view.stage, view.scope, language, media_url=media_url, ids=frozen
    )
    document: dict[str, Any] = {
        **contest_fields(view, now),
        "candidates": [
            {
                "id": candidate.id,
                "name": candidate.name,
                "college": candidate.college,
                "statement": candidate.statement,
                "statement_language": candidate.statement_language,
                "photo": dict(candidate.photos),
            }
            for candidate in found
        ],
    }
    shown_counts = counts.for_public(session, view, now, store)
    if shown_counts is not None:
        # Only the candidates shown: a withdrawn consent takes the count off the page too.
        for candidate in document["candidates"]:
            candidate["votes"] = shown_counts.of(candidate["id"])
        document["counts"] = shown_counts.document()
    return document


def current_vote(session: Session, contest_id: str, voter_hash: str) -> Vote | None:
    query = select(Vote).where(Vote.contest_id == contest_id, Vote.voter_hash == voter_hash, Vote.current)
    return session.scalars(query).first()
