"""The audit log for people: a filter page and a CSV export (administrators everything, chairs their
region), with the same filters as `GET /api/v1/audit` and the same visibility (`queries.audit.entries`);
every service's entries together, each naming its service.

The CSV opens in a spreadsheet in any language: UTF-8 with a byte-order mark, so Excel reads Kazakh
letters, and a cell that would start a formula (`=`, `+`, `-`, `@`, a tab, a carriage return) is
quoted with an apostrophe (`shared.exports`, as every export of the system).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, request
from werkzeug.exceptions import Forbidden

from services.review import schemas
from services.review.messages import ACTIONS, AUDIT, TERMS
from services.review.models import AuditEntry
from services.review.queries import audit as queries_audit
from services.review.queries import visibility
from services.review.rules import audit, roles
from shared import exports, i18n, identity, pages
from shared.problems import load_query
from shared.web import current_runtime

bp = Blueprint("review_audit_pages", __name__)

#: One page of the log: the newest first, older ones a page further.
PER_PAGE = 50
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


@dataclass(frozen=True)
class Shown:
    """One page of the log as the caller may read it: each entry with its details, the names of
    the candidates they may see, and where the page is among all of them."""

    rows: list[tuple[AuditEntry, dict[str, Any]]]
    names: dict[str, str]
    page: int = 1
    pages: int = 1
    total: int = 0


def _entries(limit: int, page: int = 1, paged: bool = False) -> Shown:
    """The entries the caller may read, each with its details as they may read them."""
    viewer = identity.caller()
    if not audit.visible_to(viewer):
        raise Forbidden()
    args = {key: value for key, value in request.args.items() if value and key not in ("lang", "page")}
    query = load_query(schemas.AuditQuery(), schemas.with_days({**args, "limit": str(min(limit, 1000))}))
    query["limit"] = limit
    filters = audit.Filters(**query)
    with current_runtime().db.unit_of_work() as session:
        total = queries_audit.count(session, viewer, filters) if paged else 0
        pages = max(1, -(-total // limit))
        page = min(max(1, page), pages)
        rows = queries_audit.entries(session, viewer, filters, offset=(page - 1) * limit)
        details = visibility.audit_details(session, viewer, rows)
        names = visibility.audit_names(session, viewer, rows) if paged else {}
        session.expunge_all()
    return Shown([(row, details[row.id]) for row in rows], names, page, pages, total)


@bp.get("/audit")
@identity.roles(*sorted(roles.AUDITORS))
def audit_page() -> pages.Page:
    raw = request.args.get("page", "1")
    # "²" is a digit to `str.isdigit` but no number to `int`: any page number but ASCII digits is 1.
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 9 else 1
    shown = _entries(PER_PAGE, number, paged=True)
    kept = {key: value for key, value in request.args.items() if value and key not in ("page", "lang")}
    return pages.render(
        "audit.html",
        {**TERMS, "action": ACTIONS},
        "review.index",
        rows=shown.rows,
        shown=shown,
        kept=kept,
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
    rows = _entries(EXPORT_LIMIT).rows
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
