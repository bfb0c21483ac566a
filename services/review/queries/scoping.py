"""Who sees which candidates: the one place every query of candidates starts from.

A regional member or chair sees their region's candidates; the national working group, its chair
and the administrators see every region; the media team sees only candidates who advanced to the
republican stage and the winners who consent to publication now (given at submission, a student
may withdraw it at any time: `Candidate.consent_publication`). A candidate outside the caller's
scope does not exist for them: every view answers 404, never 403, so its existence is not revealed.

Views never write `select(Candidate)` themselves: they start from `candidates(caller)` (lists,
rankings) or `candidate(session, caller, id)` (one candidate), so no view can forget the scope.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from services.review.models import Candidate
from shared.identity import Identity

#: Who reads rankings and every member's scores: the commissions and administrators, not the media.

#: What the media team may see: the candidates the working group received, and the winners.
PUBLISHABLE_STAGES = ("republican", "winner")
PUBLISHABLE_STATUSES = ("advanced", "winner")


def candidates(caller: Identity) -> Select[tuple[Candidate]]:
    """`select(Candidate)` restricted to what `caller` may see."""
    query = select(Candidate)
    if caller.region is not None:
        return query.where(Candidate.region == caller.region)
    if caller.role == "media":
        advanced = Candidate.stage.in_(PUBLISHABLE_STAGES) | Candidate.status.in_(PUBLISHABLE_STATUSES)
        return query.where(advanced, Candidate.status != "withdrawn", Candidate.consent_publication.is_(True))
    return query


def candidate(session: Session, caller: Identity, candidate_id: str) -> Candidate | None:
    """The candidate `candidate_id` if `caller` may see them, else None (answered as 404)."""
    return session.scalar(candidates(caller).where(Candidate.id == candidate_id))
