"""Review's JSON API for the commissions: candidates, rubrics, scores, conflicts, rankings.

Every candidate is read through `scoping` (outside the caller's scope: 404); every error is a
problem+json in the caller's language (`messages.PROBLEMS`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.orm import Session

from services.review import schemas
from services.review.models import Candidate, Conflict
from services.review.operations import Forbidden, Invalid, NotFound, audit, scoring
from services.review.queries import candidates as queries
from services.review.queries import present, scoping, stages
from services.review.queries import rankings as shown_rankings
from services.review.rules import audit as actions
from services.review.rules import roles
from services.review.rules import scoring as rules
from shared import bodies, identity, pages, regions
from shared.identity import REGIONAL_ROLES, Identity
from shared.problems import load_query
from shared.web import current_runtime

bp = Blueprint("review_api", __name__, url_prefix="/api/v1")

Written = TypeVar("Written")
Shown = TypeVar("Shown")


def _scoped(session: Any, caller: Identity, candidate_id: str) -> Candidate:
    found = scoping.candidate(session, caller, candidate_id)
    if found is None:
        raise NotFound("not_found")
    return found


@bp.get("/candidates")
def list_candidates() -> tuple[Response, int]:
    caller = identity.caller()
    filters = queries.Filters(**load_query(schemas.CandidateQuery(), request.args))
    with current_runtime().db.unit_of_work() as session:
        page = queries.list_candidates(session, caller, filters)
        items = [present.item(listed) for listed in page.items]
        audit.record(
            session,
            caller,
            actions.CANDIDATES_LISTED,
            region=filters.region or caller.region,
            count=len(items),
        )
    return jsonify(
        items=items, total=page.total, page=page.page, pages=page.pages, per_page=page.per_page
    ), 200


@bp.get("/candidates/<candidate_id>")
def get_candidate(candidate_id: str) -> tuple[Response, int]:
    caller = identity.caller()
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        found = queries.candidate_detail(session, caller, candidate_id)
        if found is None:
            raise NotFound("not_found")
        body = present.detail(found, runtime.settings.media_url, pages.page_language())
        audit.record(session, caller, actions.CANDIDATE_READ, candidate=found.candidate)
    return jsonify(body), 200


def _member_writes(
    candidate_id: str,
    operation: Callable[[Session, Identity, Candidate, Any], Written],
    shown: Callable[[Written], Shown],
) -> Shown:
    """A member's write about one candidate of their scope (404 outside it), with the request's JSON
    body: `operation` writes, `shown` presents what it wrote while the unit of work still holds it."""
    caller = identity.caller()
    body = bodies.json_object()
    with current_runtime().db.unit_of_work() as session:
        return shown(operation(session, caller, _scoped(session, caller, candidate_id), body))


@bp.put("/candidates/<candidate_id>/score")
@identity.roles(*sorted(roles.MEMBERS))
def put_score(candidate_id: str) -> tuple[Response, int]:
    return jsonify(_member_writes(candidate_id, scoring.put_score, present.score)), 200


def _declared(declared: tuple[Conflict, bool]) -> tuple[dict[str, Any], bool]:
    conflict, created = declared
    return present.conflict(conflict), created


@bp.post("/candidates/<candidate_id>/conflicts")
@identity.roles(*sorted(roles.MEMBERS))
def declare_conflict(candidate_id: str) -> tuple[Response, int]:
    answer, created = _member_writes(candidate_id, scoring.declare_conflict, _declared)
    return jsonify(answer), 201 if created else 200


def _stage(stage: str) -> str:
    if stage not in rules.SCORED_STAGES:
        raise NotFound("not_found")
    return stage


def _year(year: int) -> int:
    if not 2019 <= year <= 2100:
        raise NotFound("not_found")
    return year


@bp.get("/rubrics/<int:year>/<stage>")
def get_rubric(year: int, stage: str) -> tuple[Response, int]:
    year, stage = _year(year), _stage(stage)
    with current_runtime().db.unit_of_work() as session:
        body = present.rubric(
            year, stages.rubric(session, year, stage), stages.rubric_frozen(session, year, stage)
        )
    return jsonify(body), 200


@bp.put("/rubrics/<int:year>/<stage>")
@identity.roles(*roles.ADMINS)
def put_rubric(year: int, stage: str) -> tuple[Response, int]:
    year, stage = _year(year), _stage(stage)
    body = bodies.json_object()
    with current_runtime().db.unit_of_work() as session:
        rubric = scoring.set_rubric(session, identity.caller(), year, stage, body)
        answer = present.rubric(year, rubric, False)
    return jsonify(answer), 200


@bp.get("/rankings")
@identity.roles(*sorted(roles.COMMISSIONS))
def rankings() -> tuple[Response, int]:
    caller = identity.caller()
    query = load_query(schemas.RankingQuery(), request.args)
    year, stage, region = query["year"], query["stage"], query["region"]
    if caller.role in REGIONAL_ROLES:
        region = caller.scope if region is None else region
        if region != caller.scope:
            raise NotFound("not_found")
    with current_runtime().db.unit_of_work() as session:
        found = shown_rankings.shown(session, caller, year, stage, region)
    items = [
        {
            **row.as_dict(),
            "scores": [
                {"member_id": m, "member_name": found.names.get(m, m), "weighted": v}
                for m, v in row.scores.items()
            ],
            **(
                {}
                if row.candidate_id in found.hidden
                else {"name": found.candidates[row.candidate_id].full_name}
            ),
        }
        for row in found.rows
    ]
    return jsonify(
        year=year,
        stage=stage,
        region=region,
        normalisation=rules.NORMALISATION,
        tie_break=rules.TIE_BREAK,
        min_scores=found.min_scores,
        items=items,
        not_shown={"unscored": found.unscored, "conflict": found.conflicted},
    ), 200


@bp.post("/stages/<int:year>/<stage>/scores-shown")
@identity.roles(*sorted(roles.CHAIRS))
def show_scores(year: int, stage: str) -> tuple[Response, int]:
    """A chair shows every score of their scope before its scoring is done (audited once)."""
    caller = identity.caller()
    year, stage = _year(year), _stage(stage)
    body = bodies.json_object()
    region = _shown_region(caller, stage, body.get("region"))
    if not roles.may_show_scores(caller, stage, region):
        raise Forbidden("not_your_stage")
    with current_runtime().db.unit_of_work() as session:
        row = scoring.show_scores(session, caller, year, stage, region)
        answer = {
            "year": year,
            "stage": stage,
            "scope": row.scope,
            "shown_at": row.scores_shown_at.isoformat() if row.scores_shown_at else None,
            "shown_by": row.scores_shown_by,
        }
    return jsonify(answer), 200


def _shown_region(caller: Identity, stage: str, given: Any) -> str | None:
    """The region whose regional stage a chair shows (a regional chair's own by default); None for
    the republican stage, which the working group scores for the whole country."""
    if stage != "regional":
        return None
    given = caller.region if given is None else given
    found = regions.resolve(given) if isinstance(given, str) else None
    if found is None:
        raise Invalid("validation_failed", errors={"region": ["field.invalid"]})
    if not caller.sees(found.code):
        raise NotFound("not_found")
    return found.code


@bp.put("/stages/<int:year>/<stage>/blind")
@identity.roles(*roles.ADMINS)
def put_blind(year: int, stage: str) -> tuple[Response, int]:
    year, stage = _year(year), _stage(stage)
    body = bodies.json_object()
    if not isinstance(body.get("blind"), bool):
        raise Invalid("validation_failed", errors={"blind": ["field.invalid"]})
    with current_runtime().db.unit_of_work() as session:
        scoring.set_blind(session, identity.caller(), year, stage, body["blind"])
    return jsonify(year=year, stage=stage, blind=body["blind"]), 200


@bp.put("/stages/<int:year>/<stage>/assignment")
@identity.roles(*sorted(roles.CHAIRS))
def put_assignment(year: int, stage: str) -> tuple[Response, int]:
    """A chair's scope: every member scores every candidate (`scorers`: null) or each candidate gets
    `scorers` assigned members, balanced, conflicts respected."""
    caller = identity.caller()
    year, stage = _year(year), _stage(stage)
    if not roles.may_score_stage(caller, stage):
        raise Forbidden("not_your_stage")
    body = bodies.json_object()
    scorers = body.get("scorers")
    if scorers is not None and (
        isinstance(scorers, bool) or not isinstance(scorers, int) or not 1 <= scorers <= 50
    ):
        raise Invalid("validation_failed", errors={"scorers": ["field.invalid"]})
    scope = caller.scope
    with current_runtime().db.unit_of_work() as session:
        plan = scoring.set_assignment(session, caller, year, stage, scope, scorers)
    return jsonify(year=year, stage=stage, scope=scope, scorers=scorers, assignments=plan), 200
