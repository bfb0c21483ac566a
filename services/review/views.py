"""Review's plain server-rendered pages: the candidates, filtered by region, and one page each.

This is the walking skeleton's page: read-only, no accounts yet, so it shows only what the
programme publishes anyway (names, college, achievements, statements) and never the contacts.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for

from shared import i18n, regions
from shared.runtime import Runtime

from . import queries
from .messages import MESSAGES

bp = Blueprint("review", __name__)


def page_language() -> str:
    """`?lang=` when it names kk/ru/en, else the browser's `Accept-Language`."""
    asked = request.args.get("lang", "")
    return asked if asked in i18n.LANGUAGES else i18n.negotiate(request.headers.get("Accept-Language"))


def language_links() -> list[tuple[str, str]]:
    """The same page in each language (the current query kept), for the language switch."""
    endpoint = request.endpoint or "review.index"
    view_args = (request.view_args or {}) if request.endpoint else {}
    return [
        (code, url_for(endpoint, **view_args, **{**request.args.to_dict(), "lang": code}))
        for code in i18n.LANGUAGES
    ]


def _render(template: str, status: int = 200, **context: object) -> tuple[str, int]:
    lang = page_language()

    def t(key: str, **params: object) -> str:
        return i18n.translate(MESSAGES, key, lang, **params)

    def region_name(code: str) -> str:
        region = regions.resolve(code)
        return region.name(lang) if region else code

    html = render_template(
        template,
        lang=lang,
        t=t,
        region_name=region_name,
        languages=i18n.LANGUAGES,
        language_links=language_links(),
        all_regions=regions.all_regions(),
        **context,
    )
    return html, status


def _runtime() -> Runtime:
    return current_app.extensions["top100.runtime"]


@bp.get("/")
def index() -> tuple[str, int]:
    code = request.args.get("region", "").strip()
    region = regions.resolve(code) if code else None
    if code and region is None:
        return _render("error.html", 400, message_key="unknown_region", params={"code": code})
    with _runtime().db.unit_of_work() as session:
        rows = queries.list_candidates(session, region.code if region else None)
    return _render("index.html", rows=rows, region=region.code if region else "")


@bp.get("/candidates/<candidate_id>")
def candidate(candidate_id: str) -> tuple[str, int]:
    with _runtime().db.unit_of_work() as session:
        found = queries.get_candidate(session, candidate_id)
    if found is None:
        abort(404)
    person, photo = found
    statements = {statement.language: statement.text for statement in person.statements}
    return _render("candidate.html", candidate=person, photo=photo, statements=statements)


@bp.app_errorhandler(404)
def not_found(_error: Exception) -> tuple[str, int]:
    return _render("error.html", 404, message_key="not_found", params={})
