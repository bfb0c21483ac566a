"""The audit log for people: a filter page and a CSV export (administrators everything, chairs their
region), with the same filters as `GET /api/v1/audit` and the same visibility (`queries.audit.entries`);
every service's entries together, each naming its service.

The CSV opens in a spreadsheet in any language: UTF-8 with a byte-order mark, so Excel reads Kazakh
letters, and a cell that would start a formula (`=`, `+`, `-`, `@`, a tab, a carriage return) is
quoted with an apostrophe (`shared.exports`, as every export of the system).
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request
from werkzeug.exceptions import Forbidden

from services.review import schemas
from services.review.messages import AUDIT, TERMS
from services.review.models import AuditEntry
from services.review.queries import audit as queries_audit
from services.review.queries import visibility
from services.review.rules import audit, roles
from shared import exports, i18n, identity, pages
from shared.problems import load_query
from shared.web import current_runtime

bp = Blueprint("review_audit_pages", __name__)

#: The most rows one export carries (a season has tens of thousands; filter by dates for more).
EXPORT_LIMIT = 50_000
#: `service` and `object` came when every service's entries joined the log: last, so a spreadsheet
#: made for the earlier columns still reads them where they were.
COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_email",
    "role",
    "action",
    "candidate_id",
    "region",
    "details",
    "service",
    "object",
)


def _entries(limit: int) -> list[tuple[AuditEntry, dict[str, Any]]]:
    """The entries the caller may read, each with its details as they may read them."""
    viewer = identity.caller()
    if not audit.visible_to(viewer):
        raise Forbidden()
    args = {key: value for key, value in request.args.items() if value and key != "lang"}
    query = load_query(schemas.AuditQuery(), schemas.with_days({**args, "limit": str(min(limit, 1000))}))
    query["limit"] = limit
    with current_runtime().db.unit_of_work() as session:
        rows = queries_audit.entries(session, viewer, audit.Filters(**query))
        details = visibility.audit_details(session, viewer, rows)
        session.expunge_all()
    return [(row, details[row.id]) for row in rows]


@bp.get("/audit")
@identity.roles(*sorted(roles.AUDITORS))
def audit_page() -> pages.Page:
    rows = _entries(200)
    return pages.render(
        "audit.html",
        TERMS,
        "review.index",
        rows=rows,
        words=AUDIT,
        filters={
            key: request.args.get(key, "")
            for key in ("actor", "action", "candidate", "service", "from", "to")
        },
        services=audit.SERVICES,
        export_query=request.query_string.decode(),
        format_moment=i18n.format_moment,
        details=lambda shown: json.dumps(shown, ensure_ascii=False, sort_keys=True),
    )


@bp.get("/audit.csv")
@identity.roles(*sorted(roles.AUDITORS))
def audit_csv() -> Response:
    rows = _entries(EXPORT_LIMIT)
    text = exports.csv_text(
        COLUMNS,
        (
            (
                entry.id,
                entry.at.isoformat(),
                entry.actor_id,
                entry.actor_email,
                entry.role,
                entry.action,
                entry.candidate_id,
                entry.region,
                json.dumps(details, ensure_ascii=False, sort_keys=True),
                entry.service,
                entry.object,
            )
            for entry, details in rows
        ),
    )
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response
