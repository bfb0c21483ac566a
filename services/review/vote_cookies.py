"""The public vote's two cookies, both signed, HttpOnly, SameSite=Lax, Secure outside embedded mode.

- `top100_browser`: a random id for this browser (the per-browser limit on codes, a vote's browser
  hash for the fraud signals); made on the first request that needs it.
- `top100_voter`: the verified voter of each contest this browser verified a phone for: contest id
  to (voter hash, the contest's close). A voter verifies once per contest; the entry stops counting
  at the close, and the cookie expires with its last contest.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from typing import Any

from flask import Flask, Response, g, request
from itsdangerous import BadSignature, URLSafeSerializer

from shared import config

BROWSER_COOKIE = "top100_browser"
VOTER_COOKIE = "top100_voter"
BROWSER_COOKIE_AGE = 365 * 24 * 3600
#: Contests one cookie remembers at most (the newest kept): a year has two a voter can take part in.
MAX_CONTESTS = 8


def _serializer(app: Flask, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(app.config["SECRET_KEY"], salt=salt)


def _signed(app: Flask, name: str, salt: str) -> Any:
    raw = request.cookies.get(name, "")
    if not raw or len(raw) > 4000:
        return None
    try:
        return _serializer(app, salt).loads(raw)
    except BadSignature:
        return None


def browser_id(app: Flask) -> str:
    """This browser's id from its cookie, or a new one the response will set."""
    found = g.get("_browser_id")
    if found:
        return str(found)
    value = _signed(app, BROWSER_COOKIE, "top100-browser")
    if not isinstance(value, str) or not value:
        value = secrets.token_urlsafe(16)
        g._browser_new = True
    g._browser_id = value
    return value


def voters(app: Flask) -> dict[str, list[Any]]:
    value = _signed(app, VOTER_COOKIE, "top100-voter")
    return value if isinstance(value, dict) else {}


def voter_of(app: Flask, contest_id: str, now: datetime) -> str | None:
    """The verified voter's hash for `contest_id` if this browser holds one still valid."""
    entry = voters(app).get(contest_id)
    if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
        return None
    voter_hash, until = entry
    if not isinstance(until, (int, float)) or until < now.timestamp():
        return None
    return voter_hash


def remember_voter(
    app: Flask, response: Response, contest_id: str, voter_hash: str, closes_at: datetime
) -> None:
    """Add the contest's verified voter to the cookie, valid until the contest's close."""
    held = {key: value for key, value in voters(app).items() if key != contest_id and isinstance(value, list)}
    held[contest_id] = [voter_hash, int(closes_at.timestamp())]
    newest = dict(
        sorted(held.items(), key=lambda item: item[1][1] if len(item[1]) == 2 else 0)[-MAX_CONTESTS:]
    )
    last = max(int(entry[1]) for entry in newest.values())
    response.set_cookie(
        VOTER_COOKIE,
        _serializer(app, "top100-voter").dumps(newest),
        max_age=max(1, last - int(time.time())),
        path="/",
        secure=_secure(app),
        httponly=True,
        samesite="Lax",
    )


def _secure(app: Flask) -> bool:
    settings: config.Settings = app.extensions["top100.settings"]
    return settings.secure_cookies


def install(app: Flask) -> None:
    """Set the browser cookie on the response of a request that made a new id."""

    @app.after_request
    def _set_browser(response: Response) -> Response:
        if g.get("_browser_new"):
            response.set_cookie(
                BROWSER_COOKIE,
                _serializer(app, "top100-browser").dumps(g._browser_id),
                max_age=BROWSER_COOKIE_AGE,
                path="/",
                secure=_secure(app),
                httponly=True,
                samesite="Lax",
            )
        return response
