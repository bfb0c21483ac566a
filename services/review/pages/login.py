"""The login page, where every service sends an anonymous visitor of its pages (and back after).

`POST /login` answers a wrong email, a wrong password and a disabled account alike, after the same
argon2 work; after 5 failures for an account or from an address within 15 minutes it refuses further
tries for 15 minutes (`signin`, counted in the database). Signing out is every service's own
`POST /logout` (`shared.web`), since the session cookie is shared.
"""

from __future__ import annotations

from babel.dates import format_time
from flask import Blueprint, redirect, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError

from services.review.messages import LOGIN_EXPIRED, LOGIN_FAILED, LOGIN_LOCKED, TERMS
from services.review.operations import signin
from shared import clock, identity, pages, problems
from shared.web import current_runtime

bp = Blueprint("login", __name__)


def _form(status: int = 200, error: str | None = None, **params: object) -> pages.Page:
    return pages.render(
        "login.html",
        TERMS,
        "review.index",
        status,
        next=request.values.get("next", ""),
        email=request.form.get("email", ""),
        error=error,
        params=params,
    )


@bp.get("/login")
@identity.public
def form() -> ResponseReturnValue:
    return _form()


@bp.post("/login")
@identity.public
def submit() -> ResponseReturnValue:
    runtime = current_runtime()
    settings = runtime.settings
    with runtime.db.unit_of_work() as session:
        outcome = signin.attempt(
            session,
            settings.secret_key,
            request.form.get("email", ""),
            request.form.get("password", ""),
            request.remote_addr or "unknown",
        )
    if outcome.locked_until is not None:
        # The hour and minute in Kazakhstan: the lock ends within the quarter of an hour.
        moment = format_time(
            outcome.locked_until, "short", tzinfo=clock.KAZAKHSTAN, locale=pages.page_language()
        )
        html, status, headers = _form(429, LOGIN_LOCKED, time=moment)
        seconds = max(1, int((outcome.locked_until - clock.utcnow()).total_seconds()))
        return html, status, {**headers, "Retry-After": str(seconds)}
    if outcome.identity is None:
        return _form(200, LOGIN_FAILED)
    identity.sign_in(outcome.identity)
    # Without a `next`, each role lands on its home: the commissions on their candidates, the media
    # team on media, an administrator on the dashboard (`shared.sections.HOMES`).
    home = pages.home_url(outcome.identity)
    target = identity.safe_next(request.form.get("next"), settings.public_origins, home)
    return redirect(target, 303)


@bp.app_errorhandler(CSRFError)
def expired_form(error: CSRFError) -> ResponseReturnValue:
    """A login form without a valid CSRF token (left open past the session, cookies cleared) is shown
    again, fresh, with a word on why; elsewhere the refusal is a problem like any other."""
    if request.endpoint == "login.submit":
        return _form(400, LOGIN_EXPIRED)
    return problems.from_http_error(error)
