"""What the pages show of a contest's counts: its snapshot once taken, else the display counts.

Neither is the truth (the votes are): the snapshot is the votes counted at the close, with the
SHA-256 of its rows; the display counts are the votes counted at `counted_at` by the worker's last
rebuild (`operations.counts`). The public sees counts after the close (the snapshot), or while the
contest is open when its rules made them public; the commissions always, marked advisory.

Where Redis is configured the public's display counts are read through it (`cached_live`): a copy of
the table's rows kept `CACHE_SECONDS`, so a busy contest's page does not read the table per request;
a display is then at most the rebuild's period plus that old. Redis failing, the table answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.review.models.votes import ContestSnapshot, VoteCount
from services.review.rules import votes as rules
from shared import kv

#: Seconds Redis keeps a contest's display counts (at most 60, the public pages' own bound).
CACHE_SECONDS = 30

if TYPE_CHECKING:  # queries.votes shows a contest with its counts: it imports this module
    from services.review.queries.votes import ContestView


@dataclass(frozen=True)
class Counts:
    """A contest's counts as shown: `source` is `snapshot` (final, `sha256` of its rows) or `live`
    (as of `at`, the last rebuild; None when never counted yet)."""

    contest_id: str
    source: str
    at: datetime | None
    votes: dict[str, int] = field(default_factory=dict)
    sha256: str | None = None

    @property
    def total(self) -> int:
        return sum(self.votes.values())

    def of(self, candidate_id: str) -> int:
        return self.votes.get(candidate_id, 0)

    def document(self) -> dict[str, object]:
        """The counts in the JSON API (per candidate the votes go with each candidate)."""
        return {
            "source": self.source,
            "at": self.at.isoformat() if self.at else None,
            "sha256": self.sha256,
            "total": self.total,
        }


def snapshot(session: Session, contest_id: str) -> Counts | None:
    query = select(ContestSnapshot).where(ContestSnapshot.contest_id == contest_id)
    taken = session.scalars(query.order_by(ContestSnapshot.taken_at)).first()
    if taken is None:
        return None
    votes = {str(candidate): int(count) for candidate, count in taken.rows}
    return Counts(contest_id, "snapshot", taken.taken_at, votes, taken.sha256)


def live(session: Session, contest_id: str) -> Counts:
    rows = session.execute(
        select(VoteCount.candidate_id, VoteCount.votes).where(VoteCount.contest_id == contest_id)
    ).all()
    at = session.scalar(select(func.max(VoteCount.counted_at)).where(VoteCount.contest_id == contest_id))
    return Counts(contest_id, "live", at, {candidate: votes for candidate, votes in rows})


def cached_live(session: Session, contest_id: str, store: kv.Store | None) -> Counts:
    """The display counts from Redis' copy when there is one, else from the table (and copied)."""
    if store is None:
        return live(session, contest_id)
    key = f"vote:counts:{contest_id}"
    try:
        copy = store.get_json(key)
        if copy is not None:
            at = datetime.fromisoformat(copy["at"]) if copy["at"] else None
            return Counts(contest_id, "live", at, {str(k): int(v) for k, v in copy["votes"].items()})
        counted = live(session, contest_id)
        document = {"at": counted.at.isoformat() if counted.at else None, "votes": counted.votes}
        store.set_json(key, document, CACHE_SECONDS)
        return counted
    except kv.Unavailable:
        return live(session, contest_id)


def for_commission(session: Session, contest_id: str) -> Counts:
    """The snapshot once taken, else the display counts (advisory either way)."""
    return snapshot(session, contest_id) or live(session, contest_id)


def for_public(
    session: Session, view: ContestView, now: datetime, store: kv.Store | None = None
) -> Counts | None:
    """What the public may see: the snapshot after the close; the display counts while open only
    when the contest's rules made them public (frozen at its opening), and so in the minute between
    the close and the snapshot (through `store`'s cache when given); else nothing."""
    state = rules.contest_state(view.opens_at, view.closes_at, now)
    if state == "closed":
        taken = snapshot(session, view.id)
        if taken is not None or not view.counts_public:
            return taken
    if state != "upcoming" and view.counts_public:
        return cached_live(session, view.id, store)
    return None
