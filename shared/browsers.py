"""The public's cookies (no one signs in there): signed, HttpOnly, SameSite=Lax, Secure outside the
embedded mode.

- `top100_browser`: a random id for this browser (the public vote's per-browser limit on codes, a
  vote's browser hash for the fraud signals); made on the first request that needs it, set on the
  response by `install`'s hook.
- `top100_voter`: what this browser proved, per key, each entry until a time: the public vote keeps
  the verified voter's hash per contest until the contest's close, so a voter verifies once per
  contest. The cookie expires with its last entry.

Both the public vote's JSON API and its page read and write them, so they live here, below both.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime
from typing import Any

from flask import Flask, Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

from shared import config

BROWSER_COOKIE = "top100_browser"
VOTER_COOKIE = "top100_voter"
BROWSER_COOKIE_AGE = 365 * 24 * 3600
#: Entries one cookie keeps at most (the latest to end kept): a year has two contests for a voter.
MAX_ENTRIES = 8
_SALTS = {BROWSER_COOKIE: "top100-browser", VOTER_COOKIE: "top100-voter"}


def _serializer(name: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALTS[name])


def _signed(name: str) -> Any:
    """The cookie's signed value, or None when absent, too long or not signed by us."""
    raw = request.cookies.get(name, "")
    if not raw or len(raw) > 4000:
        return None
    try:
        return _serializer(name).loads(raw)
    except BadSignature:
        return None


def _set(response: Response, name: str, value: Any, max_age: int) -> None:
    settings: config.Settings = current_app.extensions["top100.settings"]
    response.set_cookie(
        name,
        _serializer(name).dumps(value),
        max_age=max_age,
        path="/",
        secure=settings.secure_cookies,
        httponly=True,
        samesite="Lax",
    )


def browser_id() -> str:
    """This browser's id from its cookie, or a new one the response will set."""
    found = g.get("_browser_id")
    if found:
        return str(found)
    value = _signed(BROWSER_COOKIE)
    if not isinstance(value, str) or not value:
        value = secrets.token_urlsafe(16)
        g._browser_new = True
    g._browser_id = value
    return value


def _entries() -> dict[str, list[Any]]:
    value = _signed(VOTER_COOKIE)
    if not isinstance(value, dict):
        return {}
    return {key: entry for key, entry in value.items() if isinstance(entry, list) and len(entry) == 2}


def voter_of(key: str, now: datetime) -> str | None:
    """The voter this browser proved for `key` (a contest) if the entry is still valid at `now`."""
    entry = _entries().get(key)
    if entry is None or not isinstance(entry[0], str):
        return None
    voter, until = entry
    if not isinstance(until, (int, float)) or until < now.timestamp():
        return None
    return voter


def remember_voter(response: Response, key: str, voter: str, until: datetime) -> None:
    """Add `key`'s voter to the cookie, valid until `until` (a contest's close)."""
    held = {name: entry for name, entry in _entries().items() if name != key}
    held[key] = [voter, int(until.timestamp())]
    ending = sorted(held.items(), key=lambda item: item[1][1] if isinstance(item[1][1], int) else 0)
    newest = dict(ending[-MAX_ENTRIES:])
    last = max(int(entry[1]) for entry in newest.values() if isinstance(entry[1], int))
    _set(response, VOTER_COOKIE, newest, max(1, last - int(time.time())))


def install(app: Flask) -> None:
    """Set the browser cookie on the response of a request that made a new id."""

    @app.after_request
    def _set_browser(response: Response) -> Response:
        if g.get("_browser_new"):
            _set(response, BROWSER_COOKIE, g._browser_id, BROWSER_COOKIE_AGE)
        return response
