"""What every service's server-rendered pages do the same way: pick kk/ru/en and render with it.

The language is `?lang=` when it names one of kk/ru/en (the language switch's links; the choice is
then remembered in a cookie shared by the services), else that cookie, else the signed-in caller's
own language, else the browser's `Accept-Language`. The
templates say their words with gettext (`_()`, `ngettext()`, installed by `i18n.install`) in the
page's `lang`; for words picked at run time they get `t(message, **params)` (a message the code
named) and `term(kind, code)` (a code in words), and links to the page in each language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import Response, current_app, render_template, request, url_for
from jinja2 import Environment
from werkzeug.exceptions import HTTPException

from shared import i18n, identity, problems, regions, sections, vocabulary

Terms = Mapping[str, Mapping[str, i18n.Text]]


#: The cookie that remembers the language a visitor picked (path `/`: every service on the host).
LANGUAGE_COOKIE = "top100_lang"
#: How long a picked language is remembered.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def page_language() -> str:
    """The page's language: asked for, else picked before, else the caller's own, else the browser's."""
    asked = request.args.get("lang", "")
    if asked in i18n.LANGUAGES:
        return asked
    remembered = request.cookies.get(LANGUAGE_COOKIE, "")
    if remembered in i18n.LANGUAGES:
        return remembered
    caller = identity.current_identity()
    if caller is not None:
        return caller.language
    return i18n.negotiate(request.headers.get("Accept-Language"))


def remember_language(response: Response, secure: bool) -> Response:
    """Keep a language asked for with `?lang=` in the cookie, so the next page is in it too.

    Not on a page any proxy may keep (`Cache-Control: public`, the public pages): it would hand the
    cookie to everyone it serves; those pages carry `?lang=` in their links instead."""
    asked = request.args.get("lang", "")
    if (
        asked in i18n.LANGUAGES
        and not (response.headers.get("Cache-Control") or "").startswith("public")
        and asked != request.cookies.get(LANGUAGE_COOKIE)
        and not request.path.startswith("/api/")
    ):
        response.set_cookie(
            LANGUAGE_COOKIE, asked, max_age=LANGUAGE_COOKIE_AGE, path="/", secure=secure, httponly=True,
            samesite="Lax",
        )  # fmt: skip
    return response


#: The years a page may be asked about.
YEARS = range(2000, 2101)


def asked_year(raw: str | None) -> int | None:
    """`raw` (a page's `?year=` or a form's year) as a year of `YEARS`, or None for anything else
    ("²" and "٢٠٢٦" are digits to `str.isdigit`, not years): a page falls back or refuses, never
    fails on it."""
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 4:
        return None
    year = int(raw)
    return year if year in YEARS else None


def language_links(fallback_endpoint: str) -> list[tuple[str, str]]:
    """The current page (query kept) in each language, for the language switch."""
    endpoint = request.endpoint or fallback_endpoint
    view_args = (request.view_args or {}) if request.endpoint else {}
    # A query parameter named like a path variable or one of url_for's own (`endpoint`, `_external`)
    # would clash with it: the path's value stands, such a parameter is dropped.
    query = {
        key: value
        for key, value in request.args.to_dict().items()
        if key not in view_args and key != "endpoint" and not key.startswith("_")
    }
    return [(code, url_for(endpoint, **view_args, **{**query, "lang": code})) for code in i18n.LANGUAGES]


@dataclass(frozen=True)
class Header:
    """What the shared header shows a caller besides the language switch: where their home is and
    the sections their role opens across the services (none for an anonymous visitor)."""

    home: str | None = None
    sections: list[sections.Link] = field(default_factory=list)


def page_urls() -> dict[str, str]:
    """Where people reach each service's pages, seen from the current request: the other services at
    their configured addresses, this one at its own root (so its links survive any proxy prefix)."""
    settings = current_app.extensions["top100.settings"]
    return {**settings.page_urls, settings.service: request.script_root}


def home_url(caller: identity.Identity, lang: str | None = None) -> str:
    """Where `caller` lands after login and goes from a page their role may not open."""
    return sections.url(sections.home(caller.role), page_urls(), lang)


def header(caller: identity.Identity | None) -> Header:
    """The header of the current page for `caller`, its links in the page's language."""
    if caller is None:
        return Header()
    lang = page_language()
    service = current_app.extensions["top100.settings"].service
    return Header(
        home=home_url(caller, lang),
        sections=sections.links(caller.role, page_urls(), service, request.path, lang),
    )


#: A rendered page: its HTML, status and headers.
Page = tuple[str, int, dict[str, str]]


#: What a signed-in person reads on a page their role may not open (the API answers 403 as a problem).
FORBIDDEN = i18n.N_("Your role does not open this page. Sign in with another account, or go back.")
#: What a person reads who sent a form over the body limit (`shared.bodies`).
TOO_LARGE = i18n.N_("What you sent is too large: at most %(maximum)s MB. Go back and send less.")


def error_pages(render: Callable[..., Page], not_found: i18n.Text) -> Callable[[HTTPException], Page | None]:
    """The error pages of a service whose pages render with `render`, in the reader's language (the
    service's `error.html`): a missing page says `not_found`, a page the caller's role may not open
    says `FORBIDDEN` and leads to the caller's home (`shared/templates/error.html`), a form over the
    body limit `TOO_LARGE`; any other error answers as a problem."""

    def error_page(error: HTTPException) -> Page | None:
        if error.code == 404:
            return render("error.html", 404, message=not_found, params={})
        if error.code == 403:
            return render("error.html", 403, message=FORBIDDEN, params={}, forbidden=True)
        if error.code == 413:
            return render("error.html", 413, message=TOO_LARGE, params={"maximum": problems.body_limit_mb()})
        return None

    return error_page


def install(env: Environment) -> None:
    """Give a service's templates the programme's name and the three languages with their own names
    (`programme`, `languages`, `endonyms`): the same on every page, so the environment's, not each
    render's."""
    env.globals.update(programme=vocabulary.PROGRAMME, languages=i18n.LANGUAGES, endonyms=i18n.ENDONYMS)


def renderer(terms: Terms, home: str, **helpers: object) -> Callable[..., Page]:
    """A service's `render(template, status=200, **context)`: `render` with the service's `terms`,
    its front page `home` and the `helpers` its templates use on every page, said once."""

    def render_page(template: str, status: int = 200, **context: object) -> Page:
        return render(template, terms, home, status, **helpers, **context)

    return render_page


def render(template: str, terms: Terms, home: str, status: int = 200, **context: object) -> Page:
    """Render `template` in the page's language; `terms` are the service's codes in words (the
    programme's vocabulary is added), `home` is the endpoint of the service's front page.

    The answer names its language (`Content-Language`); `shared.web` adds `Vary: Accept-Language`."""
    lang = page_language()
    words = {**vocabulary.TERMS, **terms}

    def t(message: i18n.Text, **params: object) -> str:
        return i18n.translate(message, lang, params)

    def term(kind: str, code: str) -> str:
        """A code (category, level, status...) in words; the bare code if a newer contract added it."""
        message = words.get(kind, {}).get(code)
        return t(message) if message is not None else code

    def region_name(code: str) -> str:
        region = regions.resolve(code)
        return region.name(lang) if region else code

    html = render_template(
        template,
        lang=lang,
        t=t,
        term=term,
        region_name=region_name,
        language_links=language_links(home),
        home=home,
        **context,
    )
    return html, status, {"Content-Language": lang}
