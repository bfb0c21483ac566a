"""The public vote's JSON API (`/public/api/v1/`): contests, codes, votes. Thin: each route reads
its input, runs one operation in a unit of work and words the outcome; refusals are review's
`Refused` kinds, answered by the app's one handler (`Retry-After` where the caller must wait)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from services.review import schemas
from services.review.operations import Invalid, NotFound, Unverified
from services.review.operations import votes as ops
from services.review.queries import votes as queries
from services.review.rules import votes as rules
from shared import bodies, browsers, clock, config, identity, pages, problems, regions
from shared.web import current_runtime

bp = identity.public_blueprint(Blueprint("public_vote_api", __name__))


def requester() -> ops.Requester:
    return ops.Requester(address=request.remote_addr or "", browser_id=browsers.browser_id())


def language() -> str:
    """The language of the answer's words and of the SMS: `?lang=`, then the `top100_lang` cookie,
    then `Accept-Language` (no one signs in here)."""
    return pages.page_language()


def contest_in(session: Any, contest_id: str, now: datetime) -> queries.ContestView:
    """The contest an id names (made and frozen as due), or a 404."""
    named = rules.contest_named(contest_id)
    if named is None:
        raise NotFound("not_found")
    return ops.contest_of(session, *named, now)


def shown(session: Any, view: queries.ContestView, now: datetime) -> dict[str, Any]:
    runtime = current_runtime()
    return queries.shown(session, view, language(), now, runtime.settings.media_url, runtime.redis)


@bp.get("/public/api/v1/contests")
def contests() -> Response:
    year = problems.load_query(schemas.ContestYearQuery(), request.args)["year"] or clock.local_now().year
    now = clock.utcnow()
    scopes = [("regional", code) for code in regions.region_codes()] + [("republican", rules.NATIONAL)]
    with current_runtime().db.unit_of_work() as session:
        found = [ops.contest_of(session, year, stage, scope, now) for stage, scope in scopes]
        listed = [shown(session, view, now) for view in found]
    return jsonify(contests=listed)


@bp.get("/public/api/v1/contests/<contest_id>")
def contest(contest_id: str) -> Response:
    now = clock.utcnow()
    with current_runtime().db.unit_of_work() as session:
        document = shown(session, contest_in(session, contest_id, now), now)
    return jsonify(document)


@bp.post("/public/api/v1/codes")
def request_code() -> tuple[Response, int]:
    body = schemas.loaded(schemas.CodeRequest(), bodies.json_object())
    now, who = clock.utcnow(), requester()
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        view = contest_in(session, body["contest"], now)
        sent = ops.request_code(
            session, view, body["phone"], language(), who, now, config.vote_secret(), runtime.redis
        )
    return jsonify(verification=sent.verification_id, expires_at=sent.expires_at.isoformat()), 202


@bp.post("/public/api/v1/codes/<verification>/check")
def check_code(verification: str) -> Response:
    code = schemas.loaded(schemas.CodeCheck(), bodies.json_object())["code"]
    with current_runtime().db.unit_of_work() as session:
        checked = ops.check_code(session, verification[:36], code, clock.utcnow(), config.vote_secret())
    # A wrong code is committed above (it counts towards the lock), then refused.
    if checked.voter_hash is None:
        raise Invalid("code_wrong", {"tries_left": checked.tries_left})
    response = jsonify(contest=checked.contest_id, verified=True)
    browsers.remember_voter(response, checked.contest_id, checked.voter_hash, checked.closes_at)
    return response


def _voter(contest_id: str) -> str:
    voter = browsers.voter_of(contest_id, clock.utcnow())
    if voter is None:
        raise Unverified("voter_unverified")
    return voter


@bp.put("/public/api/v1/contests/<contest_id>/vote")
def vote(contest_id: str) -> Response:
    voter = _voter(contest_id)
    candidate = schemas.loaded(schemas.VoteBody(), bodies.json_object())["candidate"]
    now, who = clock.utcnow(), requester()
    with current_runtime().db.unit_of_work() as session:
        view = contest_in(session, contest_id, now)
        cast = ops.cast_vote(session, view, voter, candidate, who, now, config.vote_secret())
    return jsonify(
        candidate=cast.candidate_id, recorded_at=cast.recorded_at.isoformat(), changed=cast.changed
    )


@bp.get("/public/api/v1/contests/<contest_id>/vote")
def my_vote(contest_id: str) -> Response:
    voter = _voter(contest_id)
    with current_runtime().db.unit_of_work() as session:
        found = queries.current_vote(session, contest_id, voter)
        if found is None:
            return jsonify(candidate=None, recorded_at=None)
        return jsonify(candidate=found.candidate_id, recorded_at=found.recorded_at.isoformat())
