"""What every public page of review does the same way (the contests and the TOP 100 gallery).

- The language: `?lang=` (the switch's links; then remembered in the `top100_lang` cookie), else
  that cookie, else `Accept-Language`. Never the signed-in person's: a public page is the same for
  everyone who asks in one language, so a proxy may keep it.
- The cache: `cacheable` sets `Cache-Control: public, max-age=60` (at most `CACHE_SECONDS`): a
  candidate who withdraws the consent or the nomination is out of every copy within a minute. The
  answer varies on the language's inputs only.
- The layout: `templates/public/base.html` (no script, light CSS under the services' CSP, Open
  Graph and Twitter card tags, the language switch), its stylesheet served by `assets`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, make_response, request

from shared import i18n, pages

#: The longest a browser or proxy may keep a public page, feed or photo: the privacy promise.
CACHE_SECONDS = 60

#: The public pages' stylesheet (and any other static file of theirs), at `/public/assets/`.
assets = Blueprint(
    "public_assets",
    __name__,
    static_folder=str(Path(__file__).resolve().parents[1] / "static" / "public"),
    static_url_path="/public/assets",
)


def public_language() -> str:
    """`?lang=`, else the remembered choice, else the browser's languages (else the default one)."""
    asked = request.args.get("lang", "")
    if asked in i18n.LANGUAGES:
        return asked
    remembered = request.cookies.get(pages.LANGUAGE_COOKIE, "")
    if remembered in i18n.LANGUAGES:
        return remembered
    return i18n.negotiate(request.headers.get("Accept-Language"))


def cacheable(response: Response, seconds: int = CACHE_SECONDS) -> Response:
    """Let browsers and proxies keep `response` for `seconds` (never more than `CACHE_SECONDS`).

    It varies on what picks its language; a page that set a cookie is never shared."""
    if response.headers.get("Set-Cookie"):
        response.headers["Cache-Control"] = "private, no-store"
        return response
    response.headers["Cache-Control"] = f"public, max-age={max(0, min(seconds, CACHE_SECONDS))}"
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def render(template: str, home: str, terms: Mapping[str, Any] | None = None, **context: Any) -> Response:
    """A public page in the reader's language, cacheable, with its `Content-Language`: the shared
    renderer's words (`_()`, `t`, `term`, `region_name`, language links). No one signs in to the
    public process group, so the shared choice of language is `public_language`'s there."""
    status = int(context.pop("status", 200))
    body, status, headers = pages.render(template, terms or {}, home, status, **context)
    return cacheable(make_response(body, status, headers))
