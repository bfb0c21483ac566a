"""The public vote's audit before results are published: a chair or an admin reads a contest's
flagged votes, or exports all of them; each read is in the audit log with the count it showed.

A contest outside the caller's scope is `NotFound`, as a candidate outside it is: a regional chair
sees their region's contest, the national roles and administrators every contest.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.review.operations import NotFound, audit, vote_flags
from services.review.queries import signals
from services.review.queries import votes as queries
from services.review.rules import audit as actions
from services.review.rules import votes as rules
from shared import clock
from shared.identity import Identity


def contest_seen(session: Session, caller: Identity, contest_id: str) -> queries.ContestView:
    """The contest if it exists and is in the caller's scope, else `NotFound`."""
    view = queries.contest(session, contest_id) if rules.contest_named(contest_id) else None
    if view is None or not caller.sees(view.scope):
        raise NotFound("not_found")
    return view


def _region(view: queries.ContestView) -> str | None:
    return None if view.scope == rules.NATIONAL else view.scope


def read_signals(
    session: Session, caller: Identity, contest_id: str
) -> tuple[queries.ContestView, list[signals.CheckedVote]]:
    """The contest's flagged votes, in the order cast (its new votes checked first); the read recorded."""
    view = contest_seen(session, caller, contest_id)
    vote_flags.check(session, view.id, clock.utcnow())
    found = signals.flagged_votes(session, view.id)
    audit.record(
        session, caller, actions.VOTE_SIGNALS_READ, region=_region(view), contest=view.id, flagged=len(found)
    )
    return view, found


def export_votes(session: Session, caller: Identity, contest_id: str) -> queries.ContestView:
    """The contest whose votes the caller exports, its new votes checked; the export recorded with
    the count of votes and flagged ones. The rows themselves are streamed by the caller
    (`queries.signals.exported_votes`, in a unit of work of its own): the votes checked here."""
    view = contest_seen(session, caller, contest_id)
    vote_flags.check(session, view.id, clock.utcnow())
    votes, flagged = signals.checked_count(session, view.id)
    audit.record(
        session,
        caller,
        actions.VOTES_EXPORTED,
        region=_region(view),
        contest=view.id,
        votes=votes,
        flagged=flagged,
    )
    return view
