"""The ranking as a caller may see it: the page and the API both read it here, never the full ranking.

A member sees the candidates they have scored (placed again among themselves) and how many others
there are; a chair the same until the scope's scoring is done or they show the scores; an
administrator everything. A candidate the caller declared a conflict on is never in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.review import queries, rules, scoring, stages, visibility
from services.review.models import Candidate, Conflict
from shared.identity import Identity


@dataclass
class Shown:
    rows: list[rules.Ranked]
    candidates: dict[str, Candidate]
    names: dict[str, str]
    min_scores: int
    #: Candidates left out: not yet scored by the caller, and those they declared a conflict on.
    unscored: int = 0
    conflicted: int = 0
    #: Blind mode: the candidates whose identity the caller may not know yet.
    hidden: set[str] = field(default_factory=set)
    #: A chair who may still choose to show the scores of this ranking's scope.
    may_show: bool = False


def shown(session: Session, caller: Identity, year: int, stage: str, region: str | None) -> Shown:
    """What `caller` may see of the ranking of `stage` in `region` (every region if None)."""
    ranked, candidates, names, min_scores = queries.ranking(session, caller, year, stage, region)
    visible = visibility.seen(session, caller, candidates.values())
    declared = set(session.scalars(select(Conflict.candidate_id).where(Conflict.member_id == caller.user_id)))
    conflicted = {
        cid
        for cid, c in candidates.items()
        if cid in declared or bool(caller.college and caller.college == c.college_code)
    }
    rows = rules.shown(ranked, visible)
    members = {member for row in rows for member in row.scores}
    left_out = set(candidates) - visible
    return Shown(
        rows=rows,
        candidates={row.candidate_id: candidates[row.candidate_id] for row in rows},
        names={member: name for member, name in names.items() if member in members},
        min_scores=min_scores,
        unscored=len(left_out - conflicted),
        conflicted=len(left_out & conflicted),
        hidden={
            row.candidate_id
            for row in rows
            if stages.hidden_from(session, caller, candidates[row.candidate_id])
        },
        may_show=bool(left_out - conflicted) and scoring.may_show_scores(caller, stage, region),
    )
