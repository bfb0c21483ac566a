"""`GET /api/v1/audit`: the audit log for administrators (everything) and chairs (their scope).

Filters: `actor` (a user id or email), `action`, `candidate`, `service` (review, media or notify: the
log holds every service's entries), `from`/`to` (ISO 8601 instants or days, `to` exclusive), `limit`
(at most 1000) and `before` (an entry id: the next page of older entries).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, fields, validate
from werkzeug.exceptions import Forbidden

from services.review.models import AuditEntry
from services.review.operations import audit
from services.review.queries import visibility
from shared import identity
from shared.clock import KAZAKHSTAN
from shared.problems import load_query
from shared.web import current_runtime

bp = Blueprint("review_audit", __name__, url_prefix="/api/v1")


class AuditQuery(Schema):
    actor = fields.String(load_default=None)
    action = fields.String(load_default=None)
    candidate = fields.String(load_default=None)
    service = fields.String(load_default=None, validate=validate.OneOf(audit.SERVICES))
    since = fields.AwareDateTime(data_key="from", load_default=None, default_timezone=None)
    until = fields.AwareDateTime(data_key="to", load_default=None, default_timezone=None)
    before_id = fields.Integer(
        data_key="before", load_default=None, validate=validate.Range(min=1, max=2**63 - 1)
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


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
@identity.roles("admin", "regional_chair", "national_chair")
def audit_log() -> tuple[Response, int]:
    viewer = identity.caller()
    if not audit.visible_to(viewer):
        raise Forbidden()
    filters = audit.Filters(**load_query(AuditQuery(), _with_days(request.args)))
    with current_runtime().db.unit_of_work() as session:
        rows = audit.entries(session, viewer, filters)
        details = visibility.audit_details(session, viewer, rows)
        items = [_entry(row, details[row.id]) for row in rows]
    following = items[-1]["id"] if len(items) == filters.limit else None
    return jsonify(items=items, before=following), 200


def _with_days(args: Any) -> dict[str, str]:
    """`from=2026-10-01` means that day's start in Kazakhstan; an instant is taken as given."""
    query = dict(args.items())
    for key in ("from", "to"):
        value = query.get(key, "")
        try:
            day = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            continue  # the schema names it as invalid
        if day is not None:
            query[key] = datetime.combine(day, time.min, KAZAKHSTAN).isoformat()
    return query
