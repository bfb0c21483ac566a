"""The public vote for the commissions: the page of a contest's flagged votes, and the advisory
counts the candidate, ranking and decision pages show next to the scores.

`GET /votes/{contest}/signals` lists the votes the fraud signals flag, with their reasons in words,
and links the CSV export of every vote (`api.vote_signals`, which reads the same and is audited the
same way): the chairs of the contest's scope and the administrators.

`advisory_votes(year, stage, scope)` is a template global: a page's template includes
`_vote_counts.html` with the contest it is about, and the include asks for the counts itself, so a
page's view does not change to show them. The counts are the snapshot once taken, else the display
counts of the last rebuild, for the commissions and administrators only; the people's choice is
advice to the commission, never a score.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint

from services.review.messages import TERMS
from services.review.messages.votes import SIGNAL_REASONS
from services.review.operations import vote_audit
from services.review.queries import counts
from services.review.queries import votes as vote_queries
from services.review.rules import roles
from services.review.rules import votes as rules
from shared import i18n, identity, pages
from shared.web import current_runtime

bp = Blueprint("review_vote_pages", __name__)


@bp.get("/votes/<contest_id>/signals")
@identity.roles(*sorted(roles.AUDITORS))
def signals_page(contest_id: str) -> pages.Page:
    with current_runtime().db.unit_of_work() as session:
        view, found = vote_audit.read_signals(session, identity.caller(), contest_id)
    return pages.render(
        "vote_signals.html",
        {**TERMS, "signal": SIGNAL_REASONS},
        "review.index",
        contest=view,
        flagged=found,
        format_moment=i18n.format_moment,
    )


@bp.app_template_global()
def advisory_votes(year: int | None, stage: str | None, scope: str | None) -> counts.Counts | None:
    """The counts of the public vote of `year`, `stage` and `scope` (a region, or None for the
    national one) for a commission member or an administrator; None for anyone else or no such
    vote. Read in a unit of work of its own: the page's is closed when its template renders."""
    caller = identity.current_identity()
    if caller is None or caller.role not in roles.COMMISSIONS or not year or stage not in rules.STAGES:
        return None
    scope = scope or rules.NATIONAL
    if not caller.sees(scope):
        return None
    contest_id = rules.contest_id(int(year), str(stage), scope)
    with current_runtime().db.unit_of_work() as session:
        if vote_queries.contest(session, contest_id) is None:
            return None
        return counts.for_commission(session, contest_id)


@bp.app_template_global()
def advisory_time(moment: datetime) -> str:
    """When the counts were made, on the wall clock of Almaty in the page's language."""
    return i18n.format_moment(moment, pages.page_language())
