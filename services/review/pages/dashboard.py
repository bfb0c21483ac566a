"""The dashboard page: the season's figures (`queries.dashboard.figures`) as tables and bar charts,
in the caller's language and scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, request

from services.review import schemas
from services.review.messages import DASHBOARD, STAGES, STATUSES
from services.review.pages.charts import bars
from services.review.queries import dashboard
from services.review.rules import decisions as rules
from services.review.rules import roles
from shared import i18n, identity, pages
from shared.web import current_runtime

bp = Blueprint("review_dashboard", __name__)


@bp.get("/dashboard")
@identity.roles(*sorted(roles.COMMISSIONS))
def dashboard_page() -> pages.Page:
    year = schemas.dashboard_year(request.args)
    with current_runtime().db.unit_of_work() as session:
        data = dashboard.figures(session, year, dashboard.scope_seen(identity.caller()))
    lang = pages.page_language()
    rows = data["regions"]

    def name(row: dict[str, Any]) -> str:
        return row["names"].get(lang) or row["region"]

    def title(key: str) -> str:
        return i18n.translate(DASHBOARD[f"chart.{key}"], lang)

    charts = {
        "decided": bars([(name(r), r["decided"], r["candidates"]) for r in rows], title("decided")),
        "advanced": bars(
            [(name(r), r["advanced"], rules.QUOTAS["regional"]) for r in rows], title("advanced")
        ),
        "scored": bars([(name(r), r["scored"], r["candidates"]) for r in rows], title("scored")),
    }
    return pages.render(
        "dashboard.html",
        {"stage": STAGES, "status": STATUSES},
        "review_dashboard.dashboard_page",
        data=data,
        charts=charts,
        words=DASHBOARD,
        year=year,
        format_moment=i18n.format_moment,
        fromiso=datetime.fromisoformat,
    )
