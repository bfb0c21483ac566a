"""The public vote's JSON API (`/public/api/v1/`): contests, codes, votes. Thin: each route reads
its input, runs one operation in a unit of work and words the outcome; refusals are the contract's
problems, with `Retry-After` where the caller must wait."""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate

from services.review import vote_cookies as cookies
from services.review import vote_operations as ops
from services.review import vote_queries as queries
from services.review import vote_rules as rules
from services.review.vote_messages import PROBLEMS
from shared import bodies, clock, config, pages, problems
from shared.web import current_runtime

bp = Blueprint("public_vote_api", __name__)

CONTEST_ID = re.compile(r"^([0-9]{4})-(regional|republican)-([a-z][a-z0-9_]{0,38})$")
VOTE_SECRET = "top100.vote_secret"


class CodeRequest(Schema):
    contest = fields.String(required=True, validate=validate.Length(min=1, max=80))
    phone = fields.String(required=True, validate=validate.Length(max=40))


class CodeCheck(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{6}$"))


class VoteBody(Schema):
    candidate = fields.String(required=True, validate=validate.Length(min=1, max=36))


class YearQuery(Schema):
    year = fields.Integer(load_default=None, validate=validate.Range(min=2019, max=2100))


def vote_secret(app: Flask) -> str:
    return str(app.extensions[VOTE_SECRET])


def install(app: Flask) -> None:
    """The vote's key (computed once) and the answers to its refusals."""
    app.extensions[VOTE_SECRET] = config.vote_secret()
    cookies.install(app)
    app.register_error_handler(ops.Refused, refusal)


def refusal(error: ops.Refused) -> Response:
    """A refusal as a problem in the caller's language; `Retry-After` and `tries_left` where due."""
    lang = problems.language()
    params = {**error.params, "retry_after": error.retry_after}
    body = problems.document(error.status, error.code, lang, partial(problems.text, PROBLEMS), params)
    headers = {}
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
        body["retry_after"] = error.retry_after
    if "tries_left" in error.params:
        body["tries_left"] = error.params["tries_left"]
    return problems.respond(body, lang, headers)


def _body(schema: Schema) -> dict[str, Any]:
    raw = bodies.json_object()
    try:
        return dict(schema.load(raw))
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors = {name: ["field.invalid" if name in raw else "field.required"] for name in messages}
        raise problems.Problem(422, "validation_failed", errors) from exc


def requester() -> ops.Requester:
    return ops.Requester(address=request.remote_addr or "", browser_id=cookies.browser_id(current_app))


def contest_in(session: Any, contest_id: str, now: datetime) -> queries.ContestView:
    """The contest an id names (made and frozen as due), or a 404."""
    matched = CONTEST_ID.match(contest_id)
    if matched is None:
        raise ops.Refused(404, "not_found")
    year, stage, scope = int(matched[1]), matched[2], matched[3]
    try:
        return ops.contest_of(session, year, stage, scope, now)
    except LookupError:
        raise ops.Refused(404, "not_found") from None


def contest_document(view: queries.ContestView, session: Any, language: str, now: datetime) -> dict[str, Any]:
    """A contest as the API shows it: the candidates (frozen at opening, else those of today)."""
    shown = queries.public_candidates(session, view.year, view.stage, view.scope, language)
    if view.frozen:
        frozen = set(view.candidate_ids)
        shown = [candidate for candidate in shown if candidate.id in frozen]
    return {
        "id": view.id,
        "year": view.year,
        "stage": view.stage,
        "scope": view.scope,
        "opens_at": view.opens_at.isoformat(),
        "closes_at": view.closes_at.isoformat(),
        "state": rules.contest_state(view.opens_at, view.closes_at, now),
        "candidates": [
            {
                "id": candidate.id,
                "name": candidate.name,
                "college": candidate.college,
                "statement": candidate.statement,
                "photo": {name: candidate.photo(name) for name in ("card", "web")},
            }
            for candidate in shown
        ],
    }


@bp.get("/public/api/v1/contests")
def contests() -> Response:
    year = problems.load_query(YearQuery(), request.args)["year"] or clock.local_now().year
    now, language = clock.utcnow(), pages.page_language()
    from shared import regions

    scopes = [("regional", code) for code in regions.region_codes()] + [("republican", rules.NATIONAL)]
    with current_runtime().db.unit_of_work() as session:
        found = [ops.contest_of(session, year, stage, scope, now) for stage, scope in scopes]
        listed = [contest_document(view, session, language, now) for view in found]
    return jsonify(contests=listed)


@bp.get("/public/api/v1/contests/<contest_id>")
def contest(contest_id: str) -> Response:
    now = clock.utcnow()
    with current_runtime().db.unit_of_work() as session:
        document = contest_document(contest_in(session, contest_id, now), session, pages.page_language(), now)
    return jsonify(document)


@bp.post("/public/api/v1/codes")
def request_code() -> tuple[Response, int]:
    body = _body(CodeRequest())
    now, who = clock.utcnow(), requester()
    with current_runtime().db.unit_of_work() as session:
        view = contest_in(session, body["contest"], now)
        secret = vote_secret(current_app)
        sent = ops.request_code(session, view, body["phone"], pages.page_language(), who, now, secret)
    return jsonify(verification=sent.verification_id, expires_at=sent.expires_at.isoformat()), 202


def check(verification: str, code: str) -> ops.Checked:
    """Check a code, committing a wrong one (it counts towards the lock) before refusing it."""
    now = clock.utcnow()
    with current_runtime().db.unit_of_work() as session:
        checked = ops.check_code(session, verification[:36], code, now, vote_secret(current_app))
    if checked.voter_hash is None:
        raise ops.Refused(422, "code_wrong", tries_left=checked.tries_left)
    return checked


@bp.post("/public/api/v1/codes/<verification>/check")
def check_code(verification: str) -> Response:
    checked = check(verification, _body(CodeCheck())["code"])
    with current_runtime().db.unit_of_work() as session:
        view = queries.contest(session, checked.contest_id)
    assert view is not None and checked.voter_hash is not None
    response = jsonify(contest=checked.contest_id, verified=True)
    cookies.remember_voter(current_app, response, view.id, checked.voter_hash, view.closes_at)
    return response


def _voter(contest_id: str) -> str:
    voter = cookies.voter_of(current_app, contest_id, clock.utcnow())
    if voter is None:
        raise ops.Refused(401, "voter_unverified")
    return voter


@bp.put("/public/api/v1/contests/<contest_id>/vote")
def vote(contest_id: str) -> Response:
    voter = _voter(contest_id)
    candidate = _body(VoteBody())["candidate"]
    now, who = clock.utcnow(), requester()
    with current_runtime().db.unit_of_work() as session:
        view = contest_in(session, contest_id, now)
        cast = ops.cast_vote(session, view, voter, candidate, who, now, vote_secret(current_app))
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
