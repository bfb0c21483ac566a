"""The contest's page: read and vote without script, in kk, ru or en.

`GET /public/{year}/{stage}/{region|national}` shows the candidates, the state and, step by step,
one form: the phone (a code is sent), the code (the phone is verified for this contest), then the
choice of a candidate; after voting the page shows exactly what is recorded, and shows it again
whenever the voter comes back. Each form POSTs with a CSRF token and is answered with a redirect
(303) to the page, or the page again with the refusal in words.

A page for an anonymous reader is the same for everyone: cacheable for 60 s and setting no cookie.
A voter's page (a verification under way, a verified phone) is theirs alone: `private, no-store`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from flask import Blueprint, Response, current_app, redirect, request, url_for
from werkzeug.exceptions import NotFound

from services.review import vote_api as api
from services.review import vote_cookies as cookies
from services.review import vote_operations as ops
from services.review import vote_queries as queries
from services.review import vote_rules as rules
from services.review.vote_messages import PROBLEMS, STATES
from shared import clock, i18n, pages, problems
from shared.web import current_runtime

bp = Blueprint(
    "public_vote",
    __name__,
    static_folder="static/public",
    static_url_path="/public/static/vote",
)

PAGE = "/public/<int:year>/<stage>/<scope>"
#: Seconds a proxy may keep an anonymous reader's page (a withdrawn candidate leaves within it).
PUBLIC_MAX_AGE = 60


def _token(purpose: str) -> str:
    """A form's CSRF token: bound to this browser's cookie once it has one; the anonymous phone form's
    is bound to the hour (it sets no cookie, so the page stays cacheable) and checked with `Origin`."""
    browser = request.cookies.get(cookies.BROWSER_COOKIE, "")
    anchor = browser or str(int(time.time()) // 3600)
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"vote-form\x1f{purpose}\x1f{anchor}".encode(), hashlib.sha256).hexdigest()[:32]


def _form_checked(purpose: str) -> None:
    origin = request.headers.get("Origin")
    if origin and origin.rstrip("/") != request.host_url.rstrip("/"):
        raise problems.Problem(403, "forbidden")
    given = request.form.get("csrf_token", "")
    browser = request.cookies.get(cookies.BROWSER_COOKIE, "")
    anchors = [browser] if browser else [str(int(time.time()) // 3600 - step) for step in (0, 1)]
    key = current_app.config["SECRET_KEY"].encode()
    for anchor in anchors:
        expected = hmac.new(key, f"vote-form\x1f{purpose}\x1f{anchor}".encode(), hashlib.sha256).hexdigest()[
            :32
        ]
        if hmac.compare_digest(given.encode(), expected.encode()):
            return
    raise problems.Problem(400, "bad_request")


def _contest(session: Any, year: int, stage: str, scope: str) -> queries.ContestView:
    try:
        return ops.contest_of(session, year, stage, scope, clock.utcnow())
    except LookupError:
        raise NotFound() from None


def _page(year: int, stage: str, scope: str, status: int = 200, **extra: Any) -> Response:
    now, lang = clock.utcnow(), pages.page_language()
    with current_runtime().db.unit_of_work() as session:
        view = _contest(session, year, stage, scope)
        document = api.contest_document(view, session, lang, now)
        voter = cookies.voter_of(current_app, view.id, now)
        mine = queries.current_vote(session, view.id, voter) if voter else None
    names = {candidate["id"]: candidate["name"] for candidate in document["candidates"]}
    verification = request.values.get("verification", "")[:36]
    body, _, headers = pages.render(
        "public/contest.html",
        {"state": STATES},
        "public_vote.contest_page",
        status,
        contest=document,
        view=view,
        scope_name=_scope_name(scope, lang),
        voter=voter,
        mine=mine,
        mine_name=names.get(mine.candidate_id, mine.candidate_id) if mine else None,
        recorded_at=_local(mine.recorded_at, lang) if mine else None,
        closes_at=_local(view.closes_at, lang),
        opens_at=_local(view.opens_at, lang),
        verification=verification,
        token=_token,
        page_url=url_for("public_vote.contest_page", year=year, stage=stage, scope=scope),
        **extra,
    )
    response = Response(body, status, headers)
    personal = cookies.BROWSER_COOKIE in request.cookies or voter or verification or request.method == "POST"
    response.headers["Cache-Control"] = (
        "private, no-store" if personal else f"public, max-age={PUBLIC_MAX_AGE}"
    )
    return response


def _scope_name(scope: str, lang: str) -> str:
    from shared import regions

    region = regions.resolve(scope)
    return region.name(lang) if region else i18n.translate(i18n.N_("Kazakhstan"), lang)


def _local(moment: Any, lang: str) -> str:
    from babel.dates import format_datetime

    return format_datetime(moment.astimezone(clock.KAZAKHSTAN), "d MMMM y, HH:mm:ss", locale=lang)


def _refused(year: int, stage: str, scope: str, error: ops.Refused) -> Response:
    lang = problems.language() if not request.args.get("lang") else pages.page_language()
    params = {**error.params, "retry_after": error.retry_after}
    message = problems.text(PROBLEMS, f"problem.{error.code}.detail", pages.page_language() or lang, params)
    response = _page(year, stage, scope, error.status, refusal=message)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _back(year: int, stage: str, scope: str, **query: str) -> Response:
    lang = request.args.get("lang")
    if lang in i18n.LANGUAGES:
        query["lang"] = lang
    return redirect(url_for("public_vote.contest_page", year=year, stage=stage, scope=scope, **query), 303)


@bp.get(PAGE)
def contest_page(year: int, stage: str, scope: str) -> Response:
    return _page(year, stage, scope, voted=request.args.get("voted") == "1")


@bp.post(PAGE + "/phone")
def phone(year: int, stage: str, scope: str) -> Response:
    _form_checked("phone")
    now, who = clock.utcnow(), api.requester()
    try:
        with current_runtime().db.unit_of_work() as session:
            view = _contest(session, year, stage, scope)
            secret = api.vote_secret(current_app)
            sent = ops.request_code(
                session, view, request.form.get("phone", ""), pages.page_language(), who, now, secret
            )
    except ops.Refused as error:
        return _refused(year, stage, scope, error)
    return _back(year, stage, scope, verification=sent.verification_id)


@bp.post(PAGE + "/code")
def code(year: int, stage: str, scope: str) -> Response:
    _form_checked("code")
    verification, given = request.form.get("verification", "")[:36], request.form.get("code", "").strip()
    try:
        if not rules.code_well_formed(given):
            raise ops.Refused(422, "code_wrong", tries_left="?")
        checked = api.check(verification, given)
    except ops.Refused as error:
        return _refused(year, stage, scope, error)
    with current_runtime().db.unit_of_work() as session:
        view = queries.contest(session, checked.contest_id)
    assert view is not None and checked.voter_hash is not None
    response = _back(year, stage, scope)
    cookies.remember_voter(current_app, response, view.id, checked.voter_hash, view.closes_at)
    return response


@bp.post(PAGE + "/vote")
def vote(year: int, stage: str, scope: str) -> Response:
    _form_checked("vote")
    now, who = clock.utcnow(), api.requester()
    try:
        with current_runtime().db.unit_of_work() as session:
            view = _contest(session, year, stage, scope)
            voter = cookies.voter_of(current_app, view.id, now)
            if voter is None:
                raise ops.Refused(401, "voter_unverified")
            secret = api.vote_secret(current_app)
            ops.cast_vote(session, view, voter, request.form.get("candidate", "")[:36], who, now, secret)
    except ops.Refused as error:
        return _refused(year, stage, scope, error)
    return _back(year, stage, scope, voted="1")
