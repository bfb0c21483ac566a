"""The ranking as a caller may see it: the page and the API both read it here, never the full ranking.

A member sees the candidates they have scored (placed again among themselves) and how many others
there are; a chair the same until the scope's scoring is done or they show the scores; an
administrator everything. A candidate the caller declared a conflict on is never in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from services.review.models import Candidate
from services.review.queries import candidates as queries
from services.review.queries import stages, visibility
from services.review.rules import roles
from services.review.rules import scoring as rules
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
    conflicted = visibility.conflicted(session, caller, candidates.values())
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
        hidden=_hidden(session, caller, [candidates[row.candidate_id] for row in rows]),
        may_show=bool(left_out - conflicted) and roles.may_show_scores(caller, stage, region),
    )


def _hidden(session: Session, caller: Identity, candidates: list[Candidate]) -> set[str]:
    """The candidates whose identity blind mode hides from the caller: asked once per stage and
    region (`stages.hidden_from` reads the stage's setting and decision), not once per row."""
    by_scope: dict[tuple[int, str, str], bool] = {}
    hidden = set()
    for candidate in candidates:
        key = (candidate.year, candidate.stage, candidate.region)
        if key not in by_scope:
            by_scope[key] = stages.hidden_from(session, caller, candidate)
        if by_scope[key]:
            hidden.add(candidate.id)
    return hidden
