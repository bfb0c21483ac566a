"""The fraud signals' verdicts kept per vote (`vote_flags`), so no request recomputes a contest.

`check` finds the contest's votes no check has seen yet and flags them, and the votes their arrival
flags, by the pure signals (`rules.signals.flags_near`) over the votes sharing their network, browser
or number block as far back as a signal looks; a contest's first check runs `rules.signals.flags`
over every vote. The kept reasons are then exactly what `flags` over every vote gives: a signal only
looks within its window of one network, browser or block, and adding votes never removes a flag.

Which votes are new: those recorded since `CHECK_GRACE` before the last check started, without a
row. A vote commits within a request (well under `CHECK_GRACE`) of its `recorded_at`, so one the last
check did not see was recorded after that check started less the grace, and is found; the rows
already kept are not checked again.

The worker checks the contests whose votes move every `CHECK_EVERY` seconds, and each read of the
signals or of the export checks first (then only the votes of the last seconds are new), so a read
is exact to its own moment. Each check locks the contest's row `FOR NO KEY UPDATE`, as a recount
does: two checks of one contest run one after the other; the votes being written are not held up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from services.review.models.votes import Contest, Vote, VoteFlags
from services.review.operations import NotFound, counts
from services.review.queries import signals as queries
from services.review.rules import signals
from shared import clock
from shared.runtime import Runtime

#: Seconds between two checks of the moving contests' new votes by the worker.
CHECK_EVERY = 30.0
#: How long a vote may take from its `recorded_at` to its commit, and more (clocks of two hosts).
CHECK_GRACE = timedelta(minutes=2)


def _locked(session: Session, contest_id: str) -> None:
    query = select(Contest.id).where(Contest.id == contest_id).with_for_update(key_share=True)
    if session.scalar(query) is None:
        raise NotFound("not_found")


def _found(
    session: Session, contest_id: str, new: list[signals.VoteFact], t: signals.Thresholds
) -> dict[int, set[str]]:
    """The flags of the new votes and of every vote whose flags their arrival may change."""
    earliest = min(vote.recorded_at for vote in new)
    networks = {vote.network for vote in new if vote.network}
    browsers = {vote.browser for vote in new if vote.browser}
    blocks = {vote.number_block for vote in new if vote.number_block}
    return signals.flags_near(
        queries.sharing(session, contest_id, Vote.network, networks, earliest - signals.network_reach(t)),
        queries.sharing(session, contest_id, Vote.browser, browsers, earliest - signals.browser_reach(t)),
        queries.in_blocks(session, contest_id, blocks),
        t,
    )


def check(
    session: Session, contest_id: str, now: datetime, thresholds: signals.Thresholds | None = None
) -> int:
    """Flag the contest's votes no check has seen (and those they flag); how many were new."""
    t = thresholds or signals.Thresholds()
    _locked(session, contest_id)
    last = queries.last_check(session, contest_id)
    if last is None:
        new = queries.every_vote(session, contest_id)
        found = {vote: set(reasons) for vote, reasons in signals.flags(new, t).items()}
    else:
        new = queries.unchecked(session, contest_id, last - CHECK_GRACE)
        found = _found(session, contest_id, new, t) if new else {}
    new_ids = {vote.id for vote in new}
    kept = queries.kept_reasons(session, found.keys() - new_ids)
    for vote_id, was in kept.items():
        now_reasons = signals.merged_reasons(was, found[vote_id])
        if now_reasons != was:
            session.execute(update(VoteFlags).where(VoteFlags.vote_id == vote_id).values(reasons=now_reasons))
    rows = [
        {
            "vote_id": vote_id,
            "contest_id": contest_id,
            "reasons": signals.merged_reasons("", found.get(vote_id, ())),
            "checked_at": now,
        }
        for vote_id in sorted(new_ids)
    ]
    if rows:
        session.execute(insert(VoteFlags), rows)
    return len(rows)


def check_moving(runtime: Runtime) -> None:
    """The worker's chore: check the new votes of every contest whose votes move (those recounted),
    each in its own transaction (one contest's failure leaves the others checked)."""
    with runtime.db.unit_of_work() as session:
        due = counts.due_for_recount(session, clock.utcnow())
    for contest_id in due:
        with runtime.db.unit_of_work() as session:
            check(session, contest_id, clock.utcnow())
