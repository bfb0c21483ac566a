"""Review's pages for the commissions: the candidates, one candidate, scoring, the ranking.

Every page reads candidates through `queries` (and so `scoping`): a candidate outside the caller's
scope is a 404 page. The scoring page works without script (a plain form that comes back to the same
candidate); `static/review/score.js` adds keyboard shortcuts and saving without reloading.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, redirect, request, url_for
from flask.typing import ResponseReturnValue
from marshmallow import ValidationError

from services.review import schemas
from services.review.messages import (
    NORMALISATION,
    NOT_FOUND,
    PHOTO_REJECTED,
    PHOTO_STATES,
    PROBLEMS,
    REASONS,
    REFUSALS,
    TERMS,
    TIE_BREAK,
    UNKNOWN_REGION,
)
from services.review.models import Candidate
from services.review.operations import Refused, audit, scoring
from services.review.queries import candidates as queries
from services.review.queries import present, rankings, scoping, stages
from services.review.rules import audit as actions
from services.review.rules import roles
from services.review.rules import scoring as rules
from services.review.rules.specialty import specialty_name
from services.review.rules.stages import scope_of
from shared import clock, i18n, identity, pages, regions
from shared.identity import MEMBER_ROLES, REGIONAL_ROLES
from shared.problems import text
from shared.web import current_runtime

#: Review's static files sit beside `app.py` (`services/review/static/`), one level above this module.
STATIC = Path(__file__).resolve().parent.parent / "static"

bp = Blueprint("review", __name__, static_folder=STATIC, static_url_path="/static/review")

#: The list's filters a page carries from the list to the scoring page and back.
FILTER_KEYS = ("year", "region", "stage", "status", "college", "q", "unscored")


def photo_label(status: str | None, reason: str | None = None) -> str:
    """The photo's state in the page's language; an unknown rejection reason is shown as its code."""
    lang = pages.page_language()
    if status != "rejected":
        return i18n.translate(PHOTO_STATES.get(status or "none", PHOTO_STATES["none"]), lang)
    known = REASONS.get(str(reason))
    shown = i18n.translate(known, lang) if known else str(reason)
    return i18n.translate(PHOTO_REJECTED, lang, {"reason": shown})


def specialty(candidate: Candidate) -> str:
    """The candidate's specialty in the page's language (`rules.specialty` says which words)."""
    return specialty_name(candidate.specialty_names, candidate.specialty, pages.page_language())


def paragraphs(text: str) -> list[list[str]]:
    """A statement as its author wrote it: paragraphs at blank lines, each a list of its lines (the
    page joins them with a line break), so a text of several paragraphs is not one block."""
    blocks = re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").strip())
    return [[line.strip() for line in block.split("\n") if line.strip()] for block in blocks if block.strip()]


_render = pages.renderer(
    TERMS,
    "review.index",
    all_regions=regions.all_regions(),
    photo_label=photo_label,
    refusals=REFUSALS,
    paragraphs=paragraphs,
    specialty=specialty,
)


def _filters() -> tuple[queries.Filters, dict[str, str]]:
    """The list's filters from the query string; a wrong one is dropped, not an error page."""
    kept = {key: request.args[key] for key in FILTER_KEYS if request.args.get(key)}
    try:
        loaded = schemas.CandidateQuery().load({**kept, "page": request.args.get("page", "1")})
    except ValidationError as exc:
        kept = {key: value for key, value in kept.items() if key not in exc.messages}
        loaded = schemas.CandidateQuery().load(kept)
    return queries.Filters(**loaded), kept


@bp.get("/")
def index() -> pages.Page:
    caller = identity.caller()
    code = request.args.get("region", "").strip()
    if code and regions.resolve(code) is None:
        return _render("error.html", 400, message=UNKNOWN_REGION, params={"code": code})
    filters, kept = _filters()
    with current_runtime().db.unit_of_work() as session:
        page = queries.list_candidates(session, caller, filters)
        audit.record(
            session,
            caller,
            actions.CANDIDATES_LISTED,
            region=filters.region or caller.region,
            count=len(page.items),
        )
    return _render(
        "index.html",
        page=page,
        filters=kept,
        regional=caller.role in REGIONAL_ROLES,
        member=caller.role in MEMBER_ROLES,
        stages_=rules.STAGES,
        statuses=rules.STATUSES,
    )


@bp.get("/candidates/<candidate_id>")
def candidate(candidate_id: str) -> pages.Page:
    return candidate_page(candidate_id)


def candidate_page(candidate_id: str, status: int = 200, **context: object) -> pages.Page:
    """One candidate's page (also answered again by a conflict's form that needs correcting)."""
    caller = identity.caller()
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        found = queries.candidate_detail(session, caller, candidate_id)
        if found is None:
            abort(404)
        links = present.photo_links(found, runtime.settings.media_url)
        audit.record(session, caller, actions.CANDIDATE_READ, candidate=found.candidate)
        scope = scope_of(found.candidate.stage, found.candidate.region)
    withdrawable = {
        c.member_id
        for c in found.conflicts
        if roles.may_withdraw_conflict(caller, found.candidate.stage, scope, c.member_id)
    }
    context = {"conflict_errors": {}, "filters": _filters()[1], "withdrawable": withdrawable, **context}
    return _render("candidate.html", status, d=found, links=links, **context)


def _scoring_context(session: Any, caller: identity.Identity, candidate_id: str) -> dict[str, Any]:
    found = queries.candidate_detail(session, caller, candidate_id)
    if found is None:
        abort(404)
    audit.record(session, caller, actions.CANDIDATE_READ, candidate=found.candidate)
    filters, kept = _filters()
    previous, following = queries.neighbours(session, caller, filters, candidate_id)
    candidate = found.candidate
    rubric = (
        stages.rubric(session, candidate.year, candidate.stage)
        if candidate.stage in rules.SCORED_STAGES
        else None
    )
    refusal = None
    if not roles.may_score_stage(caller, candidate.stage):
        refusal = "not_your_stage"
    elif found.declared_conflict or (caller.college is not None and caller.college == candidate.college_code):
        refusal = "conflict_declared"
    elif scoring.assigned_elsewhere(session, caller, candidate):
        refusal = "not_assigned"
    elif stages.scoring_closed(session, candidate):
        refusal = "stage_closed"
    return {
        "d": found,
        "progress": queries.progress(session, caller, candidate.year, candidate.stage, candidate.id),
        "rubric": rubric,
        "refusal": refusal,
        "previous": previous,
        "following": following,
        "filters": kept,
    }


@bp.get("/candidates/<candidate_id>/score")
@identity.roles(*sorted(roles.MEMBERS))
def score_page(candidate_id: str) -> pages.Page:
    caller = identity.caller()
    with current_runtime().db.unit_of_work() as session:
        context = _scoring_context(session, caller, candidate_id)
    return _render("score.html", saved=request.args.get("saved") == "1", errors={}, **context)


@bp.post("/candidates/<candidate_id>/score")
@identity.roles(*sorted(roles.MEMBERS))
def score_form(candidate_id: str) -> ResponseReturnValue:
    """The form without script: saved, then back to the same candidate (or on to the next)."""
    caller = identity.caller()
    runtime = current_runtime()
    values: dict[str, Any] = {}
    try:
        with runtime.db.unit_of_work() as session:
            candidate = scoping.candidate(session, caller, candidate_id)
            if candidate is None:
                abort(404)
            for criterion in stages.rubric(session, candidate.year, candidate.stage).criteria:
                raw = request.form.get(f"criteria.{criterion.code}", "").strip()
                values[criterion.code] = int(raw) if raw.lstrip("-").isdigit() else (raw or None)
            body = {"criteria": values, "comment": request.form.get("comment", "")}
            scoring.put_score(session, caller, candidate, body)
    except Refused as problem:
        # Nothing was saved (the unit of work rolled back): the same page, each error by its field.
        lang = pages.page_language()
        errors = {
            field: [text(PROBLEMS, key, lang) for key in keys]
            for field, keys in (problem.errors or {}).items()
        }
        with runtime.db.unit_of_work() as session:
            context = _scoring_context(session, caller, candidate_id)
        if problem.code != "validation_failed":
            context["refusal"] = problem.code
        return _render("score.html", problem.status, saved=False, errors=errors, submitted=values, **context)
    _, kept = _filters()
    target = request.form.get("then")
    if target and target != candidate_id:
        return redirect(url_for("review.score_page", candidate_id=target, **kept))
    return redirect(url_for("review.score_page", candidate_id=candidate_id, saved="1", **kept))


@bp.get("/rankings")
@identity.roles(*sorted(roles.COMMISSIONS))
def rankings_page() -> pages.Page:
    caller = identity.caller()
    try:
        query = schemas.RankingQuery().load(
            {key: request.args[key] for key in ("year", "stage", "region") if request.args.get(key)}
        )
    except ValidationError:
        query = {"year": None, "stage": None, "region": None}
    # Opened from the header: this year's ranking of the stage the caller's commission works on.
    query["year"] = query.get("year") or clock.local_now().year
    query["stage"] = query.get("stage") or ("regional" if caller.role in REGIONAL_ROLES else "republican")
    region = query.get("region")
    if caller.role in REGIONAL_ROLES:
        region = caller.scope
    found = None
    if query.get("year") and query.get("stage"):
        with current_runtime().db.unit_of_work() as session:
            found = rankings.shown(session, caller, query["year"], query["stage"], region)
    return _render(
        "rankings.html",
        found=found,
        query=query,
        region=region,
        regional=caller.role in REGIONAL_ROLES,
        normalisation=NORMALISATION,
        tie_break=TIE_BREAK,
    )


@bp.post("/rankings/scores-shown")
@identity.roles(*sorted(roles.CHAIRS))
def show_scores_form() -> ResponseReturnValue:
    """The ranking page's "Show scores" button: the chair sees every score of the scope from now on."""
    caller = identity.caller()
    try:
        query = schemas.RankingQuery().load(
            {key: request.form[key] for key in ("year", "stage", "region") if request.form.get(key)}
        )
    except ValidationError:
        abort(400)
    region = caller.region or query.get("region")
    shown_region = region if query["stage"] == "regional" else None
    if not roles.may_show_scores(caller, query["stage"], shown_region):
        abort(403)
    with current_runtime().db.unit_of_work() as session:
        scoring.show_scores(session, caller, query["year"], query["stage"], shown_region)
    back = {"year": query["year"], "stage": query["stage"], "lang": pages.page_language()}
    return redirect(url_for("review.rankings_page", **back, **({"region": region} if region else {})))


error_page = pages.error_pages(_render, NOT_FOUND)
