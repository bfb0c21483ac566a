"""Review's JSON API: the candidates of the skeleton, filtered by region, never with contacts."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from services.review import queries
from services.review.schemas import CandidateQuery, CandidateSchema
from shared.problems import load_query
from shared.web import current_runtime

bp = Blueprint("review_api", __name__, url_prefix="/api/v1")
_candidate = CandidateSchema()


@bp.get("/candidates")
def list_candidates() -> tuple[Response, int]:
    query = load_query(CandidateQuery(), request.args)
    with current_runtime().db.unit_of_work() as session:
        rows = queries.list_candidates(session, query["region"])
    items = [
        {**_candidate.dump(candidate), "photo_status": photo.status if photo else None}
        for candidate, photo in rows
    ]
    return jsonify(items=items), 200
