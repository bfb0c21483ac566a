"""Review's plain server-rendered pages: the candidates, filtered by region, and one page each.

This is the walking skeleton's page: read-only, no accounts yet, so it shows only what the
programme publishes anyway (names, college, achievements, statements) and never the contacts.
"""

from __future__ import annotations

from flask import Blueprint, abort, request

from services.review import queries
from services.review.messages import NOT_FOUND, PHOTO_REJECTED, PHOTO_STATES, REASONS, TERMS, UNKNOWN_REGION
from services.review.models import Photo
from shared import i18n, pages, regions
from shared.web import current_runtime

bp = Blueprint("review", __name__)


def photo_label(photo: Photo | None) -> str:
    """The photo's state in the page's language; an unknown rejection reason is shown as its code."""
    if photo is None:
        return ""
    lang = pages.page_language()
    if photo.status != "rejected":
        return i18n.translate(PHOTO_STATES[photo.status], lang)
    known = REASONS.get(str(photo.reason))
    reason = i18n.translate(known, lang) if known else str(photo.reason)
    return i18n.translate(PHOTO_REJECTED, lang, {"reason": reason})


def _render(template: str, status: int = 200, **context: object) -> pages.Page:
    return pages.render(
        template,
        TERMS,
        "review.index",
        status,
        all_regions=regions.all_regions(),
        photo_label=photo_label,
        **context,
    )


@bp.get("/")
def index() -> pages.Page:
    code = request.args.get("region", "").strip()
    region = regions.resolve(code) if code else None
    if code and region is None:
        return _render("error.html", 400, message=UNKNOWN_REGION, params={"code": code})
    with current_runtime().db.unit_of_work() as session:
        rows = queries.list_candidates(session, region.code if region else None)
    return _render("index.html", rows=rows, region=region.code if region else "")


@bp.get("/candidates/<candidate_id>")
def candidate(candidate_id: str) -> pages.Page:
    with current_runtime().db.unit_of_work() as session:
        found = queries.get_candidate(session, candidate_id)
    if found is None:
        abort(404)
    person, photo = found
    statements = {statement.language: statement.text for statement in person.statements}
    return _render("candidate.html", candidate=person, photo=photo, statements=statements)


error_page = pages.not_found_page(_render, NOT_FOUND)
