"""Review's JSON API: the candidates of the skeleton, filtered by region, never with contacts."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import ValidationError

from shared.runtime import Runtime

from . import queries
from .schemas import CandidateQuery, CandidateSchema

bp = Blueprint("review_api", __name__, url_prefix="/api/v1")
_candidate = CandidateSchema()


def _runtime() -> Runtime:
    return current_app.extensions["top100.runtime"]


@bp.get("/candidates")
def list_candidates() -> tuple[Response, int]:
    try:
        query = CandidateQuery().load(request.args.to_dict())
    except ValidationError as exc:
        problem = jsonify(title="Invalid query", status=400, errors=exc.messages)
        problem.content_type = "application/problem+json"
        return problem, 400
    with _runtime().db.unit_of_work() as session:
        rows = queries.list_candidates(session, query["region"])
    items = [
        {**_candidate.dump(candidate), "photo_status": photo.status if photo else None}
        for candidate, photo in rows
    ]
    return jsonify(items=items), 200
