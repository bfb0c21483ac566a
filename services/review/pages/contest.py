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
from datetime import datetime
from typing import Any

from babel.dates import format_datetime
from flask import Blueprint, Response, abort, current_app, redirect, request, url_for

from services.review.messages import PROBLEMS
from services.review.messages.votes import STATES
from services.review.operations import Invalid, NotFound, Refused, Throttled, Unverified
from services.review.operations import votes as ops
from services.review.pages import public as public_pages
from services.review.queries import votes as queries
from services.review.rules import votes as rules
from shared import browsers, clock, config, i18n, identity, problems, regions
from shared.web import current_runtime

bp = identity.public_blueprint(Blueprint("public_vote", __name__))

PAGE = "/public/<int:year>/<stage>/<scope>"


def _token(purpose: str) -> str:
    """A form's CSRF token: bound to this browser's cookie once it has one; the anonymous phone form's
    is bound to the hour (it sets no cookie, so the page stays cacheable) and checked with `Origin`."""
    browser = request.cookies.get(browsers.BROWSER_COOKIE, "")
    anchor = browser or str(int(time.time()) // 3600)
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"vote-form\x1f{purpose}\x1f{anchor}".encode(), hashlib.sha256).hexdigest()[:32]


def _form_checked(purpose: str) -> None:
    origin = request.headers.get("Origin")
    if origin and origin.rstrip("/") != request.host_url.rstrip("/"):
        raise problems.Problem(403, "forbidden")
    given = request.form.get("csrf_token", "")
    browser = request.cookies.get(browsers.BROWSER_COOKIE, "")
    anchors = [browser] if browser else [str(int(time.time()) // 3600 - step) for step in (0, 1)]
    key = current_app.config["SECRET_KEY"].encode()
    for anchor in anchors:
        expected = hmac.new(key, f"vote-form\x1f{purpose}\x1f{anchor}".encode(), hashlib.sha256).hexdigest()[
            :32
        ]
        if hmac.compare_digest(given.encode(), expected.encode()):
            return
    raise problems.Problem(400, "bad_request")


def _contest(session: Any, year: int, stage: str, scope: str, now: datetime) -> queries.ContestView:
    """The page's contest (made and frozen as due); a page of no contest is the site's 404 page."""
    try:
        return ops.contest_of(session, year, stage, scope, now)
    except NotFound:
        abort(404)


def _page(year: int, stage: str, scope: str, status: int = 200, **extra: Any) -> Response:
    now, lang, runtime = clock.utcnow(), public_pages.public_language(), current_runtime()
    with runtime.db.unit_of_work() as session:
        view = _contest(session, year, stage, scope, now)
        document = queries.shown(session, view, lang, now, runtime.settings.media_url, runtime.redis)
        voter = browsers.voter_of(view.id, now)
        mine = queries.current_vote(session, view.id, voter) if voter else None
    names = {candidate["id"]: candidate["name"] for candidate in document["candidates"]}
    verification = request.values.get("verification", "")[:36]
    response = public_pages.render(
        "public/contest.html",
        "public_vote.contest_page",
        {"state": STATES},
        status=status,
        contest=document,
        scope_name=_scope_name(scope, lang),
        og_image=next((c["photo"]["card"] for c in document["candidates"] if c["photo"].get("card")), None),
        voter=voter,
        mine=mine,
        mine_name=names.get(mine.candidate_id, mine.candidate_id) if mine else None,
        recorded_at=_local(mine.recorded_at, lang) if mine else None,
        closes_at=_local(view.closes_at, lang),
        opens_at=_local(view.opens_at, lang),
        verification=verification,
        token=_token,
        page_url=url_for("public_vote.contest_page", year=year, stage=stage, scope=scope),
        lang_query=f"?lang={request.args['lang']}" if request.args.get("lang") in i18n.LANGUAGES else "",
        **extra,
    )
    # A voter's page (a browser cookie, a verification under way, a verified phone) is theirs alone.
    personal = browsers.BROWSER_COOKIE in request.cookies or voter or verification or request.method == "POST"
    if personal:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _scope_name(scope: str, lang: str) -> str:
    region = regions.resolve(scope)
    return region.name(lang) if region else i18n.translate(i18n.N_("Kazakhstan"), lang)


def _local(moment: datetime, lang: str) -> str:
    return format_datetime(moment.astimezone(clock.KAZAKHSTAN), "d MMMM y, HH:mm:ss", locale=lang)


def _refused(year: int, stage: str, scope: str, error: Refused) -> Response:
    """The page again, with the refusal in words where the form was (and `Retry-After`)."""
    message = problems.text(
        PROBLEMS, f"problem.{error.code}.detail", public_pages.public_language(), error.params
    )
    response = _page(year, stage, scope, error.status, refusal=message)
    if isinstance(error, Throttled):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _back(year: int, stage: str, scope: str, **query: str) -> Response:
    lang = request.args.get("lang")
    if lang in i18n.LANGUAGES:
        query["lang"] = lang
    return redirect(url_for("public_vote.contest_page", year=year, stage=stage, scope=scope, **query), 303)


def _requester() -> ops.Requester:
    return ops.Requester(address=request.remote_addr or "", browser_id=browsers.browser_id())


@bp.get(PAGE)
def contest_page(year: int, stage: str, scope: str) -> Response:
    return _page(year, stage, scope, voted=request.args.get("voted") == "1")


@bp.post(PAGE + "/phone")
def phone(year: int, stage: str, scope: str) -> Response:
    _form_checked("phone")
    now, who, lang = clock.utcnow(), _requester(), public_pages.public_language()
    try:
        with current_runtime().db.unit_of_work() as session:
            view = _contest(session, year, stage, scope, now)
            raw = request.form.get("phone", "")
            sent = ops.request_code(session, view, raw, lang, who, now, config.vote_secret())
    except Refused as error:
        return _refused(year, stage, scope, error)
    return _back(year, stage, scope, verification=sent.verification_id)


@bp.post(PAGE + "/code")
def code(year: int, stage: str, scope: str) -> Response:
    _form_checked("code")
    verification, given = request.form.get("verification", "")[:36], request.form.get("code", "").strip()
    try:
        if not rules.code_well_formed(given):
            raise Invalid("code_wrong", {"tries_left": "?"})
        with current_runtime().db.unit_of_work() as session:
            checked = ops.check_code(session, verification, given, clock.utcnow(), config.vote_secret())
        # A wrong code is committed above (it counts towards the lock), then refused.
        if checked.voter_hash is None:
            raise Invalid("code_wrong", {"tries_left": checked.tries_left})
    except Refused as error:
        return _refused(year, stage, scope, error)
    response = _back(year, stage, scope)
    browsers.remember_voter(response, checked.contest_id, checked.voter_hash, checked.closes_at)
    return response


@bp.post(PAGE + "/vote")
def vote(year: int, stage: str, scope: str) -> Response:
    _form_checked("vote")
    now, who = clock.utcnow(), _requester()
    try:
        with current_runtime().db.unit_of_work() as session:
            view = _contest(session, year, stage, scope, now)
            voter = browsers.voter_of(view.id, now)
            if voter is None:
                raise Unverified("voter_unverified")
            candidate = request.form.get("candidate", "")[:36]
            ops.cast_vote(session, view, voter, candidate, who, now, config.vote_secret())
    except Refused as error:
        return _refused(year, stage, scope, error)
    return _back(year, stage, scope, voted="1")
