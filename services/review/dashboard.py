"""The season at a glance, per region and nationally: what came in, what is scored and decided, the
quota left, the days to each deadline and the republican candidates still incomplete.

`figures` reads the store once per query (grouped counts, no row per candidate in Python except the
republican ones, at most 200); the page draws bar charts as server-side SVG (no script, no inline
style: the security headers forbid both), so it reads on a phone as well as on a desk.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request
from markupsafe import Markup, escape
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from services.review import decision_rules as rules
from services.review import rules as scoring_rules
from services.review.messages import DASHBOARD, STAGES, STATUSES
from services.review.models import Candidate, Decision, Photo, Score
from shared import clock, i18n, identity, pages, problems, regions
from shared.calendar import default_calendar
from shared.web import current_runtime

bp = Blueprint("review_dashboard", __name__)

VIEWERS = ("regional_member", "regional_chair", "national_member", "national_chair", "admin")


def scored_counts(session: Session, year: int) -> dict[str, int]:
    """Per region, the candidates of the regional stage with at least one member's score."""
    query = (
        select(Score.region, func.count(func.distinct(Score.candidate_id)))
        .where(Score.year == year, Score.stage == "regional")
        .group_by(Score.region)
    )
    return dict(session.execute(query).all())


def deadlines(year: int) -> list[tuple[str, Any]]:
    calendar = default_calendar(year)
    return [
        ("submission_closes", calendar.submission_closes),
        ("regional_decisions_close", calendar.regional_decisions_close),
        ("amendments_close", calendar.amendments_close),
        ("republican_decision_closes", rules.stage_deadline(calendar, "republican")),
    ]


def figures(session: Session, year: int, only: str | None = None) -> dict[str, Any]:
    """The dashboard's numbers for `year` (one region's if `only`), as the API answers them."""
    received = dict(
        session.execute(
            select(Candidate.region, func.count()).where(Candidate.year == year).group_by(Candidate.region)
        ).all()
    )
    active = dict(
        session.execute(
            select(Candidate.region, func.count())
            .where(Candidate.year == year, Candidate.status != "withdrawn")
            .group_by(Candidate.region)
        ).all()
    )
    scored = scored_counts(session, year)
    current = {
        d.scope: d
        for d in session.scalars(
            select(Decision)
            .where(Decision.year == year, Decision.stage == "regional")
            .order_by(Decision.decided_at)
        )
    }
    republican = session.scalars(
        select(Candidate)
        .options(selectinload(Candidate.statements))
        .where(Candidate.year == year, Candidate.stage == "republican", Candidate.status != "withdrawn")
    ).all()
    photos = {
        p.nomination_id: p.status
        for p in session.scalars(
            select(Photo).where(Photo.nomination_id.in_([c.nomination_id for c in republican]))
        )
    }
    incomplete: dict[str, int] = {}
    for candidate in republican:
        counts = {s.language: s.words for s in candidate.statements}
        if scoring_rules.missing_for_republican(counts, photos.get(candidate.nomination_id)):
            incomplete[candidate.region] = incomplete.get(candidate.region, 0) + 1
    now = clock.local_now()
    rows = []
    for region in regions.all_regions():
        if only and region.code != only:
            continue
        decision = current.get(region.code)
        advanced = len(decision.advanced) if decision else 0
        rows.append(
            {
                "region": region.code,
                "names": region.names,
                "nominations_received": received.get(region.code, 0),
                "candidates": active.get(region.code, 0),
                "scored": scored.get(region.code, 0),
                "decided": advanced + len(decision.not_advanced) if decision else 0,
                "advanced": advanced,
                "quota_left": rules.quota_left("regional", advanced),
                "incomplete_republican": incomplete.get(region.code, 0),
                "decision_id": decision.id if decision else None,
            }
        )
    keys = ("nominations_received", "candidates", "scored", "decided", "advanced", "incomplete_republican")
    national = {key: sum(row[key] for row in rows) for key in keys}
    winners = session.scalar(
        select(func.count())
        .select_from(Candidate)
        .where(Candidate.year == year, Candidate.status == "winner")
    )
    national["winners"] = winners or 0
    national["quota_left"] = rules.quota_left("republican", national["winners"])
    return {
        "year": year,
        "as_of": now.isoformat(),
        "regions": rows,
        "national": national,
        "deadlines": [
            {"name": name, "at": moment.isoformat(), "days_left": (moment.date() - now.date()).days}
            for name, moment in deadlines(year)
        ],
    }


class _YearQuery(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2019, max=2100))


def _year() -> int:
    """The year asked for (this one by default); 422 naming `year` for one out of the programme's.
    The page's other parameters (`lang`, `region`) are not the year's business."""
    asked = request.args.get("year")
    year = problems.load_query(_YearQuery(), {"year": asked} if asked else {})["year"]
    return year if year is not None else clock.local_now().year


def _scope() -> str | None:
    caller = identity.caller()
    return None if caller.national else caller.scope


@bp.get("/api/v1/dashboard")
@identity.roles(*VIEWERS)
def dashboard_api() -> Response:
    year = _year()
    with current_runtime().db.unit_of_work() as session:
        body = figures(session, year, _scope())
    return jsonify(body)


def bars(rows: list[tuple[str, int, int]], title: str = "", width: int = 320) -> Markup:
    """A horizontal bar chart as SVG: (label, value, of) per row, each bar a share of `of`.

    Sized by its viewBox, so it scales to a phone's width; the figures are written beside each bar,
    so the chart says its numbers to a screen reader too, and `title` names it (an image needs an
    accessible name: axe's `svg-img-alt`).
    """
    line, label_width = 22, 130
    height = line * len(rows) + 4
    span = width - label_width - 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart" width="100%" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>"
    ]
    for index, (label, value, of) in enumerate(rows):
        y = index * line + 2
        length = 0 if of <= 0 else round(span * min(value, of) / of)
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="11">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{span}" height="14" fill="#eee"/>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length}" height="14" fill="#2a6f97"/>'
            f'<text x="{label_width + span + 4}" y="{y + 15}" font-size="11">{value}/{of}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@bp.get("/dashboard")
@identity.roles(*VIEWERS)
def dashboard_page() -> pages.Page:
    year = _year()
    with current_runtime().db.unit_of_work() as session:
        data = figures(session, year, _scope())
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
        fromiso=_fromiso,
    )


def _fromiso(value: str) -> datetime:
    return datetime.fromisoformat(value)
