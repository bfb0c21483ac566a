"""What review's pages and API read: candidates within the caller's scope (always through
`scoping`), with what each caller may know of them, loaded eagerly so templates never touch a
closed session."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import exists, func, not_, or_, select
from sqlalchemy.orm import Session, load_only, selectinload

from services.review.models import Assignment, Candidate, Conflict, Photo, Score, StageSetting, Statement
from services.review.queries import scoping, stages, visibility
from services.review.rules import scoring as rules
from shared.filtering import where_given
from shared.i18n import LANGUAGES
from shared.identity import NATIONAL, Identity

PER_PAGE = 50
#: What a list shows of a candidate: the rest (achievements, statements...) waits for their page.
_LISTED_COLUMNS = (
    Candidate.nomination_id,
    Candidate.year,
    Candidate.region,
    Candidate.college_code,
    Candidate.college_names,
    Candidate.last_name,
    Candidate.first_name,
    Candidate.patronymic,
    Candidate.stage,
    Candidate.status,
)


@dataclass
class Filters:
    year: int | None = None
    region: str | None = None
    stage: str | None = None
    status: str | None = None
    college: str | None = None
    q: str | None = None
    unscored: bool = False
    page: int = 1


@dataclass
class Listed:
    """One candidate as the list shows them to one caller."""

    candidate: Candidate
    photo_status: str
    photo_reason: str | None
    words: dict[str, int]
    scores_count: int
    own: Score | None
    hidden: bool

    @property
    def missing(self) -> list[str]:
        return rules.missing_for_republican(self.words, self.photo_status)


@dataclass
class Page:
    items: list[Listed]
    total: int
    page: int
    pages: int
    per_page: int = PER_PAGE


@dataclass
class Detail(Listed):
    photo: Photo | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    #: Every member's score when the caller may see them (`rules.may_see_scores`), else their own.
    scores: list[Score] = field(default_factory=list)
    declared_conflict: bool = False
    scores_shown: bool = False


def _own_score(caller: Identity) -> Any:
    return exists().where(
        Score.candidate_id == Candidate.id, Score.stage == Candidate.stage, Score.member_id == caller.user_id
    )


def _filtered(caller: Identity, filters: Filters) -> Any:
    query = where_given(
        scoping.candidates(caller),
        (Candidate.year, filters.year),
        (Candidate.region, filters.region),
        (Candidate.stage, filters.stage),
        (Candidate.status, filters.status),
        (Candidate.college_code, filters.college),
    )
    if filters.q and rules.fold(filters.q):
        pattern = "%" + _escape_like(rules.fold(filters.q)) + "%"
        query = query.where(Candidate.search_name.like(pattern, escape="\\"))
    if filters.unscored:
        conflict = exists().where(Conflict.candidate_id == Candidate.id, Conflict.member_id == caller.user_id)
        query = query.where(
            not_(_own_score(caller)),
            not_(conflict),
            Candidate.status == "under_review",
            _mine_to_score(caller),
        )
        if caller.college:
            query = query.where(Candidate.college_code != caller.college)
    return query


def _mine_to_score(caller: Identity) -> Any:
    """In an assigned stage, only the candidates assigned to the caller; else every one."""
    assigned_mode = exists().where(
        StageSetting.year == Candidate.year,
        StageSetting.stage == Candidate.stage,
        StageSetting.scope.in_([Candidate.region, NATIONAL]),
        StageSetting.scorers.is_not(None),
    )
    assigned = exists().where(
        Assignment.candidate_id == Candidate.id,
        Assignment.stage == Candidate.stage,
        Assignment.member_id == caller.user_id,
    )
    return or_(not_(assigned_mode), assigned)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_candidates(session: Session, caller: Identity, filters: Filters) -> Page:
    """A page of the candidates `caller` may see, filtered, in the order of region then name.

    Three queries whatever the page's size: the count, the page (with each candidate's photo state,
    statement word counts and number of scores at their stage alongside), and the caller's own scores.
    """
    query = _filtered(caller, filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, filters.page), pages)
    words = {
        lang: select(Statement.words)
        .where(Statement.candidate_id == Candidate.id, Statement.language == lang)
        .scalar_subquery()
        for lang in LANGUAGES
    }
    scores_count = (
        select(func.count())
        .where(Score.candidate_id == Candidate.id, Score.stage == Candidate.stage)
        .scalar_subquery()
    )
    rows = session.execute(
        query.options(load_only(*_LISTED_COLUMNS))
        .outerjoin(Photo, Photo.nomination_id == Candidate.nomination_id)
        .add_columns(Photo.status, Photo.reason, scores_count, *words.values())
        .order_by(Candidate.region, Candidate.search_name, Candidate.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    candidates = [row[0] for row in rows]
    own = _own_scores(session, caller, candidates)
    blind: dict[tuple[int, str, str], bool] = {}
    items = []
    for candidate, photo_status, photo_reason, count, *counts in rows:
        key = (candidate.year, candidate.stage, candidate.region)
        if key not in blind:
            blind[key] = stages.hidden_from(session, caller, candidate)
        items.append(
            Listed(
                candidate=candidate,
                photo_status=contract_photo(photo_status),
                photo_reason=photo_reason,
                words={lang: n for lang, n in zip(LANGUAGES, counts, strict=True) if n is not None},
                scores_count=count or 0,
                own=own.get(candidate.id),
                hidden=blind[key],
            )
        )
    return Page(items=items, total=total, page=page, pages=pages)


def contract_photo(status: str | None) -> str:
    """A photo's state in the contract's words: no photo at all (never sent, or media found none) is
    `none`; `pending`, `processed` and `rejected` as recorded."""
    return "none" if status in (None, "missing") else status


def _own_scores(session: Session, caller: Identity, candidates: list[Candidate]) -> dict[str, Score]:
    """The caller's score of each candidate at the candidate's current stage."""
    if not candidates:
        return {}
    stage_of = {c.id: c.stage for c in candidates}
    found = session.scalars(
        select(Score).where(Score.candidate_id.in_(list(stage_of)), Score.member_id == caller.user_id)
    )
    return {score.candidate_id: score for score in found if score.stage == stage_of[score.candidate_id]}


def candidate_detail(session: Session, caller: Identity, candidate_id: str) -> Detail | None:
    """One candidate as `caller` may see them, or None when outside the caller's scope."""
    found = session.scalar(
        scoping.candidates(caller)
        .options(selectinload(Candidate.statements))
        .where(Candidate.id == candidate_id)
    )
    if found is None:
        return None
    photo = session.get(Photo, found.nomination_id)
    sees_all = caller.chair or caller.role in rules.SEE_ALL_SCORES
    conflicts = session.scalars(
        select(Conflict).where(Conflict.candidate_id == found.id).order_by(Conflict.declared_at)
    ).all()
    scores = session.scalars(
        select(Score)
        .where(Score.candidate_id == found.id, Score.stage == found.stage)
        .order_by(Score.member_name)
    ).all()
    shown = found.id in visibility.seen(session, caller, [found])
    return Detail(
        candidate=found,
        photo_status=contract_photo(photo.status if photo else None),
        photo_reason=photo.reason if photo else None,
        words={statement.language: statement.words for statement in found.statements},
        scores_count=len(scores),
        own=next((s for s in scores if s.member_id == caller.user_id), None),
        hidden=stages.hidden_from(session, caller, found),
        photo=photo,
        conflicts=[c for c in conflicts if sees_all or c.member_id == caller.user_id],
        scores=[s for s in scores if shown or s.member_id == caller.user_id],
        declared_conflict=any(c.member_id == caller.user_id for c in conflicts),
        scores_shown=shown,
    )


def neighbours(
    session: Session, caller: Identity, filters: Filters, candidate_id: str
) -> tuple[str | None, str | None]:
    """The previous and next candidate of the same filtered list, for the scoring page's arrows."""
    ids = list(
        session.scalars(
            _filtered(caller, filters)
            .with_only_columns(Candidate.id)
            .order_by(Candidate.region, Candidate.search_name, Candidate.id)
        )
    )
    if candidate_id not in ids:
        return None, ids[0] if ids else None
    at = ids.index(candidate_id)
    return (ids[at - 1] if at > 0 else None), (ids[at + 1] if at + 1 < len(ids) else None)


def ranking(
    session: Session,
    caller: Identity,
    year: int,
    stage: str,
    region: str | None,
    among: Collection[str] | None = None,
) -> tuple[list[rules.Ranked], dict[str, Candidate], dict[str, str], int]:
    """The full ranking of a stage in a scope (`rules.scoring.rank`), the candidates by id, the members' names
    by id and the stage's minimum of scores: what the decision records and its protocol prints. It ranks
    the candidates within scope, not withdrawn, now at `stage`, or those `among` names instead: a
    decision's, whose advanced have moved on to the next stage (its correction, its protocol). Pages and
    the API show a caller `rankings.shown`, only what they may see of it."""
    at = Candidate.stage == stage if among is None else Candidate.id.in_(list(among))
    query = scoping.candidates(caller).where(Candidate.year == year, at, Candidate.status != "withdrawn")
    if region:
        query = query.where(Candidate.region == region)
    candidates = {c.id: c for c in session.scalars(query)}
    entries, names = _entries(session, candidates, year, stage, region)
    min_scores = stages.rubric(session, year, stage).min_scores
    return rules.rank(entries, min_scores), candidates, names, min_scores


def _entries(
    session: Session, candidates: dict[str, Candidate], year: int, stage: str, region: str | None
) -> tuple[list[rules.Entry], dict[str, str]]:
    """The `candidates` as the ranking sees them, with their scores at `stage`, and the members'
    names by id."""
    scores: dict[str, dict[str, float]] = {cid: {} for cid in candidates}
    names: dict[str, str] = {}
    score_query = select(Score.candidate_id, Score.member_id, Score.member_name, Score.weighted).where(
        Score.year == year, Score.stage == stage
    )
    if region:
        score_query = score_query.where(Score.region == region)
    for candidate_id, member_id, member_name, weighted in session.execute(score_query):
        if candidate_id in scores:
            scores[candidate_id][member_id] = weighted
            names[member_id] = member_name
    entries = [
        rules.Entry(
            candidate_id=c.id,
            scores=scores[c.id],
            achievement_levels=tuple(str(a.get("level")) for a in c.achievements),
            submitted_at=c.created_at,
        )
        for c in candidates.values()
    ]
    return entries, names


@dataclass(frozen=True)
class Progress:
    """A member's work at one stage: how many of the candidates theirs to score they have scored,
    and the next one still waiting (after `current` in the list's order, else from the top)."""

    scored: int
    total: int
    next_unscored: str | None


def progress(session: Session, caller: Identity, year: int, stage: str, current: str | None) -> Progress:
    """`caller`'s progress at (`year`, `stage`) within their scope: their own scores there, and the
    candidates the list's "not yet scored by me" shows (assigned to them, no conflict, not of their
    college, still under review)."""
    waiting = list(
        session.scalars(
            _filtered(caller, Filters(year=year, stage=stage, unscored=True))
            .with_only_columns(Candidate.id)
            .order_by(Candidate.region, Candidate.search_name, Candidate.id)
        )
    )
    in_scope = scoping.candidates(caller).where(Candidate.year == year, Candidate.stage == stage)
    scored = session.scalar(
        select(func.count())
        .select_from(Score)
        .where(
            Score.member_id == caller.user_id,
            Score.stage == stage,
            Score.candidate_id.in_(in_scope.with_only_columns(Candidate.id)),
        )
    ) or 0
    order = (Candidate.region, Candidate.search_name, Candidate.id)
    everyone = list(session.scalars(in_scope.with_only_columns(Candidate.id).order_by(*order)))
    after = set(everyone[everyone.index(current) + 1 :]) if current in everyone else set()
    later = [cid for cid in waiting if cid in after]
    others = [cid for cid in waiting if cid != current]
    return Progress(scored=scored, total=scored + len(waiting), next_unscored=(later or others or [None])[0])
