"""`GET /api/v1/audit`: the audit log for administrators (everything) and chairs (their scope).

Filters: `actor` (a user id or email), `action`, `candidate`, `service` (review, media or notify: the
log holds every service's entries), `from`/`to` (ISO 8601 instants or days, `to` exclusive), `limit`
(at most 1000) and `before` (an entry id: the next page of older entries).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import Forbidden

from services.review import schemas
from services.review.models import AuditEntry
from services.review.queries import audit as queries_audit
from services.review.queries import visibility
from services.review.rules import roles
from services.review.rules.audit import Filters, visible_to
from shared import identity
from shared.problems import load_query
from shared.web import current_runtime

bp = Blueprint("review_audit", __name__, url_prefix="/api/v1")


def _entry(entry: AuditEntry, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entry.id,
        "service": entry.service,
        "at": entry.at.isoformat(),
        "actor": {"id": entry.actor_id, "email": entry.actor_email, "role": entry.role},
        "action": entry.action,
        "candidate_id": entry.candidate_id,
        "object": entry.object,
        "region": entry.region,
        "details": details,
    }


@bp.get("/audit")
@identity.roles(*sorted(roles.AUDITORS))
def audit_log() -> tuple[Response, int]:
    viewer = identity.caller()
    if not visible_to(viewer):
        raise Forbidden()
    filters = Filters(**load_query(schemas.AuditQuery(), schemas.with_days(request.args)))
    with current_runtime().db.unit_of_work() as session:
        rows = queries_audit.entries(session, viewer, filters)
        details = visibility.audit_details(session, viewer, rows)
        items = [_entry(row, details[row.id]) for row in rows]
    following = items[-1]["id"] if len(items) == filters.limit else None
    return jsonify(items=items, before=following), 200
