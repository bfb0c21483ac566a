"""A contest's votes as the fraud signals read them, and the votes they flag with their reasons.

Every vote of the contest, superseded ones too (a burst is a burst even if its votes were changed
later), each with the number-block hint of its voter's code (`vote_codes.number_block`, joined by
the voter's hash: a voter's codes for one contest all share one number). The signals themselves are
pure (`rules.signals`); nothing here drops or changes a vote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.review.models.votes import Vote, VoteCode
from services.review.rules import signals


@dataclass(frozen=True)
class CheckedVote:
    """One vote of the contest with the reasons it is flagged (none: not flagged)."""

    id: int
    voter_hash: str
    candidate_id: str
    recorded_at: datetime
    network: str
    current: bool
    superseded_by: int | None
    reasons: tuple[str, ...]


def checked_votes(
    session: Session, contest_id: str, thresholds: signals.Thresholds | None = None
) -> list[CheckedVote]:
    """Every vote of the contest in the order cast, each with its flags' reasons (under the default
    thresholds unless others are given)."""
    blocks = (
        select(VoteCode.phone_hash, func.max(VoteCode.number_block).label("number_block"))
        .where(VoteCode.contest_id == contest_id)
        .group_by(VoteCode.phone_hash)
        .subquery()
    )
    # Plain columns, not ORM objects: a national contest has hundreds of thousands of votes.
    query = (
        select(
            Vote.id,
            Vote.voter_hash,
            Vote.network,
            Vote.browser,
            Vote.recorded_at,
            blocks.c.number_block,
            Vote.candidate_id,
            Vote.current,
            Vote.superseded_by,
        )
        .outerjoin(blocks, blocks.c.phone_hash == Vote.voter_hash)
        .where(Vote.contest_id == contest_id)
        .order_by(Vote.recorded_at, Vote.id)
    )
    rows = session.execute(query).all()
    facts = [signals.VoteFact(*row[:6]) for row in rows]
    flagged = signals.flags(facts, thresholds or signals.Thresholds())
    return [
        CheckedVote(
            id=row.id,
            voter_hash=row.voter_hash,
            candidate_id=row.candidate_id,
            recorded_at=row.recorded_at,
            network=row.network,
            current=row.current,
            superseded_by=row.superseded_by,
            reasons=tuple(flagged.get(row.id, ())),
        )
        for row in rows
    ]


def flagged_votes(session: Session, contest_id: str) -> list[CheckedVote]:
    """The contest's flagged votes only, in the order cast."""
    return [vote for vote in checked_votes(session, contest_id) if vote.reasons]
