"""A contest's counts: the display counts rebuilt from the votes, and the snapshot at the close.

The votes are the truth; nothing is counted per vote. `recount` rebuilds a contest's display counts
(`vote_counts`) with one `GROUP BY` over its current votes, which the worker does every
`COUNTS_EVERY` seconds for the contests open now (and `top100 votes recount` on demand): a display
is at most that old and exact again after each rebuild. `take_snapshot` stores the counts at the
close once: the same `GROUP BY`, with its time and the SHA-256 of the sorted rows
(`rules.signals.snapshot_digest`); the worker takes it `SNAPSHOT_GRACE` after the close (requests
under way at the close have then finished), an admin may take it at any time after the close, and
a second call returns the first snapshot.

Both lock the contest's row `FOR NO KEY UPDATE` on PostgreSQL, so two workers rebuild one contest one
after the other; that lock does not wait for the votes being written (their foreign key takes
`FOR KEY SHARE`, which it leaves free).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.orm import Session

from services.review.models.votes import Contest, ContestSnapshot, Vote, VoteCount
from services.review.operations import Conflict, NotFound
from services.review.rules import signals
from services.review.rules import votes as rules
from shared import clock
from shared.runtime import Runtime

#: Seconds between two rebuilds of the open contests' display counts by the worker.
COUNTS_EVERY = 30.0
#: Seconds between two looks for a closed contest without its snapshot.
SNAPSHOT_EVERY = 60.0
#: How long after the close the worker waits before the snapshot: a vote accepted in the last second
#: of the contest is committed by then (a request never runs this long).
SNAPSHOT_GRACE = timedelta(minutes=1)


def _contest_locked(session: Session, contest_id: str) -> Contest:
    query = select(Contest).where(Contest.id == contest_id).with_for_update(key_share=True)
    contest = session.scalars(query).first()
    if contest is None:
        raise NotFound("not_found")
    return contest


def tally(session: Session, contest_id: str) -> list[tuple[str, int]]:
    """Per candidate the current votes of the contest (`GROUP BY` on the partial index)."""
    query = (
        select(Vote.candidate_id, func.count())
        .where(Vote.contest_id == contest_id, Vote.current)
        .group_by(Vote.candidate_id)
    )
    return [(candidate, int(count)) for candidate, count in session.execute(query)]


def recount(session: Session, contest_id: str, now: datetime) -> dict[str, int]:
    """Rebuild the contest's display counts from its current votes; the counts as rebuilt."""
    _contest_locked(session, contest_id)
    counted = dict(tally(session, contest_id))
    session.execute(delete(VoteCount).where(VoteCount.contest_id == contest_id))
    session.add_all(
        VoteCount(contest_id=contest_id, candidate_id=candidate, votes=votes, counted_at=now)
        for candidate, votes in counted.items()
    )
    session.flush()
    return counted


def take_snapshot(session: Session, contest_id: str, now: datetime) -> ContestSnapshot:
    """The contest's snapshot: the one taken, else taken now. Refused (409 `contest_open`) before
    the close: counts are final only then."""
    contest = _contest_locked(session, contest_id)
    taken = session.scalars(select(ContestSnapshot).where(ContestSnapshot.contest_id == contest_id)).first()
    if taken is not None:
        return taken
    if rules.contest_state(contest.opens_at, contest.closes_at, now) != "closed":
        raise Conflict("contest_open")
    rows, digest = signals.snapshot_digest(tally(session, contest_id))
    snapshot = ContestSnapshot(
        contest_id=contest_id, taken_at=now, rows=[list(row) for row in rows], sha256=digest
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def due_for_recount(session: Session, now: datetime) -> list[str]:
    """The contests whose display counts move: open now, or closed without their snapshot yet."""
    snapshotted = exists().where(ContestSnapshot.contest_id == Contest.id)
    query = select(Contest.id).where(
        Contest.opens_at <= now, or_(Contest.closes_at >= now - SNAPSHOT_GRACE, ~snapshotted)
    )
    return list(session.scalars(query.order_by(Contest.id)))


def due_for_snapshot(session: Session, now: datetime) -> list[str]:
    """The contests closed for longer than the grace and still without their snapshot."""
    snapshotted = exists().where(ContestSnapshot.contest_id == Contest.id)
    query = select(Contest.id).where(Contest.closes_at < now - SNAPSHOT_GRACE, ~snapshotted)
    return list(session.scalars(query.order_by(Contest.id)))


def recount_open(runtime: Runtime) -> None:
    """The worker's chore: rebuild the display counts of every contest that moves, each in its own
    transaction (one contest's failure leaves the others counted)."""
    with runtime.db.unit_of_work() as session:
        due = due_for_recount(session, clock.utcnow())
    for contest_id in due:
        with runtime.db.unit_of_work() as session:
            recount(session, contest_id, clock.utcnow())


def snapshot_closed(runtime: Runtime) -> None:
    """The worker's chore: take the snapshot of every contest closed for longer than the grace."""
    with runtime.db.unit_of_work() as session:
        due = due_for_snapshot(session, clock.utcnow())
    for contest_id in due:
        with runtime.db.unit_of_work() as session:
            take_snapshot(session, contest_id, clock.utcnow())
