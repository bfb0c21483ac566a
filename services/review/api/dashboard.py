"""`GET /api/v1/dashboard`: the season's figures (`queries.dashboard.figures`) for the caller's scope."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from services.review import schemas
from services.review.queries import dashboard
from services.review.rules import roles
from shared import identity
from shared.web import current_runtime

bp = Blueprint("review_dashboard_api", __name__)


@bp.get("/api/v1/dashboard")
@identity.roles(*sorted(roles.COMMISSIONS))
def dashboard_api() -> Response:
    year = schemas.dashboard_year(request.args)
    with current_runtime().db.unit_of_work() as session:
        body = dashboard.figures(session, year, dashboard.scope_seen(identity.caller()))
    return jsonify(body)
