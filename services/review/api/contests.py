"""`PATCH /api/v1/contests/{id}`: an admin moves a public vote's times, only until it opens.

A contest is made with the calendar's times when first asked for (`operations.votes.contest_of`);
an admin may move its opening and closing while it has not opened, and never after: from the
opening its rules are frozen (409 `contest_frozen`). Times are instants with their offset
(`2026-10-07T00:00:00+05:00`, the wall clock of Kazakhstan).
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from services.review import schemas
from services.review.operations import NotFound
from services.review.operations import votes as ops
from services.review.queries import votes as queries
from services.review.rules import roles
from services.review.rules import votes as rules
from shared import bodies, clock, identity
from shared.web import current_runtime

bp = Blueprint("review_contests_api", __name__)


def document(view: queries.ContestView) -> dict[str, object]:
    return {**queries.contest_fields(view, clock.utcnow()), "frozen": view.frozen}


@bp.patch("/api/v1/contests/<contest_id>")
@identity.roles(*roles.ADMINS)
def move_times(contest_id: str) -> Response:
    named = rules.contest_named(contest_id)
    if named is None:
        raise NotFound("not_found")
    times = schemas.loaded(schemas.ContestTimes(), bodies.json_object())
    now = clock.utcnow()
    with current_runtime().db.unit_of_work() as session:
        view = ops.contest_of(session, *named, now)
        moved = ops.set_times(session, identity.caller(), view, times["opens_at"], times["closes_at"], now)
        answer = document(moved)
    return jsonify(answer)
