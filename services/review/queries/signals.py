"""A contest's votes as the fraud signals read them, and the votes they flag with their reasons.

Every vote of the contest, superseded ones too (a burst is a burst even if its votes were changed
later), each with the number-block hint of its voter's code (`vote_codes.number_block`, joined by
the voter's hash: a voter's codes for one contest all share one number). The signals themselves are
pure (`rules.signals`); nothing here drops or changes a vote.

`checked_votes` recomputes every flag from every vote (seconds for a national contest: the reference,
and what the worker does on its first look at a contest); the commission's reads take the flags the
worker kept (`vote_flags`, `operations.vote_flags`): `flagged_votes` on the partial index and
`exported_votes` streamed with a server-side cursor. The rest reads what a check of the newest
votes needs: those votes, and the votes sharing their network, browser or number block.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.review.models.votes import Vote, VoteCode, VoteFlags
from services.review.rules import signals
from shared.attributes import dataclass_of


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


def _blocks(contest_id: str) -> Subquery:
    """Each voter's number block in the contest, by phone hash: a subquery a whole contest's votes
    join (a voter's codes for one contest all share one number, so the largest is the one)."""
    return (
        select(VoteCode.phone_hash, func.max(VoteCode.number_block).label("number_block"))
        .where(VoteCode.contest_id == contest_id)
        .group_by(VoteCode.phone_hash)
        .subquery()
    )


def checked_votes(
    session: Session, contest_id: str, thresholds: signals.Thresholds | None = None
) -> list[CheckedVote]:
    """Every vote of the contest in the order cast, each with its flags' reasons (under the default
    thresholds unless others are given)."""
    blocks = _blocks(contest_id)
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
    return [dataclass_of(CheckedVote, row, reasons=tuple(flagged.get(row.id, ()))) for row in rows]


#: Values per `IN (...)` list: far below SQLite's and PostgreSQL's limits on parameters.
IN_BATCH = 1000
#: Rows fetched per round trip of the export's server-side cursor.
EXPORT_BATCH = 2000


def batched(values: Iterable[Any], size: int) -> Iterator[tuple[Any, ...]]:
    """`values` in tuples of `size` (the last shorter): one `IN (...)` list each."""
    listed = list(values)
    for start in range(0, len(listed), size):
        yield tuple(listed[start : start + size])


_SHOWN = (
    Vote.id,
    Vote.voter_hash,
    Vote.candidate_id,
    Vote.recorded_at,
    Vote.network,
    Vote.current,
    Vote.superseded_by,
    VoteFlags.reasons,
)


def _shown(row: Any) -> CheckedVote:
    reasons = tuple(filter(None, row.reasons.split(signals.REASONS_JOINED_BY)))
    return CheckedVote(*row[:7], reasons=reasons)


def flagged_votes(session: Session, contest_id: str) -> list[CheckedVote]:
    """The contest's flagged votes only, in the order cast, as the worker's checks kept them."""
    query = (
        select(*_SHOWN)
        .join(Vote, Vote.id == VoteFlags.vote_id)
        .where(VoteFlags.contest_id == contest_id, VoteFlags.reasons != "")
        .order_by(Vote.recorded_at, Vote.id)
    )
    return [_shown(row) for row in session.execute(query)]


def exported_votes(session: Session, contest_id: str) -> Iterator[CheckedVote]:
    """Every checked vote of the contest with its kept flags, in the order cast, `EXPORT_BATCH` rows
    at a time from a server-side cursor: a national contest is never held in memory."""
    query = (
        select(*_SHOWN)
        .join(VoteFlags, VoteFlags.vote_id == Vote.id)
        .where(Vote.contest_id == contest_id)
        .order_by(Vote.recorded_at, Vote.id)
        .execution_options(yield_per=EXPORT_BATCH)
    )
    for row in session.execute(query):
        yield _shown(row)


def checked_count(session: Session, contest_id: str) -> tuple[int, int]:
    """How many votes of the contest are checked, and how many of them are flagged."""
    flagged = func.count().filter(VoteFlags.reasons != "")
    query = select(func.count(), flagged).where(VoteFlags.contest_id == contest_id)
    votes, found = session.execute(query).one()
    return int(votes), int(found)


def last_check(session: Session, contest_id: str) -> datetime | None:
    """When the contest's votes were last checked (None: never)."""
    return session.scalar(select(func.max(VoteFlags.checked_at)).where(VoteFlags.contest_id == contest_id))


_FACT = (Vote.id, Vote.voter_hash, Vote.network, Vote.browser, Vote.recorded_at)


def _with_blocks(session: Session, contest_id: str, rows: Iterable[Any]) -> list[signals.VoteFact]:
    """The votes (`_FACT` rows) with their voter's number block, read per batch of voters (an
    `IN` list on the codes' phone index: a check reads a few hundred voters, not the contest's)."""
    listed = list(rows)
    blocks: dict[str, str | None] = {}
    for batch in batched({row.voter_hash for row in listed}, IN_BATCH):
        query = (
            select(VoteCode.phone_hash, func.max(VoteCode.number_block))
            .where(VoteCode.contest_id == contest_id, VoteCode.phone_hash.in_(batch))
            .group_by(VoteCode.phone_hash)
        )
        blocks.update((voter, block) for voter, block in session.execute(query))
    return [signals.VoteFact(*row, number_block=blocks.get(row.voter_hash)) for row in listed]


def unchecked(session: Session, contest_id: str, since: datetime) -> list[signals.VoteFact]:
    """The contest's votes recorded at `since` or later that no check has seen, with their block."""
    query = select(*_FACT).where(
        Vote.contest_id == contest_id,
        Vote.recorded_at >= since,
        ~select(VoteFlags.vote_id).where(VoteFlags.vote_id == Vote.id).exists(),
    )
    return _with_blocks(session, contest_id, session.execute(query))


def every_vote(session: Session, contest_id: str) -> list[signals.VoteFact]:
    """Every vote of the contest with its block (a contest's first check)."""
    blocks = _blocks(contest_id)
    query = (
        select(*_FACT, blocks.c.number_block)
        .outerjoin(blocks, blocks.c.phone_hash == Vote.voter_hash)
        .where(Vote.contest_id == contest_id)
    )
    return [signals.VoteFact(*row) for row in session.execute(query)]


def sharing(
    session: Session,
    contest_id: str,
    column: InstrumentedAttribute[str],
    values: Collection[str],
    since: datetime,
) -> list[signals.VoteFact]:
    """The contest's votes recorded at `since` or later whose `column` (network or browser) is one of
    `values` (their block is not read: no signal of a network or a browser looks at it)."""
    found: list[signals.VoteFact] = []
    for batch in batched(sorted(values), IN_BATCH):
        query = select(*_FACT).where(
            Vote.contest_id == contest_id, column.in_(batch), Vote.recorded_at >= since
        )
        found.extend(signals.VoteFact(*row) for row in session.execute(query))
    return found


def in_blocks(session: Session, contest_id: str, blocks: Collection[str]) -> list[signals.VoteFact]:
    """Every vote of the contest whose voter's number is in one of `blocks`, with its block."""
    voters: set[str] = set()
    for batch in batched(sorted(blocks), IN_BATCH):
        query = select(VoteCode.phone_hash).where(
            VoteCode.contest_id == contest_id, VoteCode.number_block.in_(batch)
        )
        voters.update(session.scalars(query))
    rows = []
    for batch in batched(sorted(voters), IN_BATCH):
        query = select(*_FACT).where(Vote.contest_id == contest_id, Vote.voter_hash.in_(batch))
        rows.extend(session.execute(query))
    return [vote for vote in _with_blocks(session, contest_id, rows) if vote.number_block in blocks]


def kept_reasons(session: Session, vote_ids: Collection[int]) -> dict[int, str]:
    """The reasons kept for these votes (those checked)."""
    kept: dict[int, str] = {}
    for batch in batched(sorted(vote_ids), IN_BATCH):
        query = select(VoteFlags.vote_id, VoteFlags.reasons).where(VoteFlags.vote_id.in_(batch))
        kept.update((vote_id, reasons) for vote_id, reasons in session.execute(query))
    return kept
