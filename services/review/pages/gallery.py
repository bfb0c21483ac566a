"""The TOP 100 gallery: the winners of a year by region, for the public, after `winners.published`.

- `GET /public/winners/<year>`: the page (photo, name, college, region, statement), kk/ru/en;
- `GET /public/winners/<year>.json`: the same as JSON for regional sites (CORS `*`);
- `GET /public/winners/<year>/feed.atom`: an Atom feed;
- `GET /public/winners/<year>/embed?region=`: a page for an iframe (`frame-ancestors *` here only).

Every one reads `queries.public.public_candidates` (consenting, not withdrawn winners) and is
cacheable for at most 60 s, so a withdrawn consent or nomination is off all of them within a
minute. A year without winners yet is 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import groupby
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Response, abort, jsonify, request, url_for

from services.review.pages import public as public_pages
from services.review.queries.public import NATIONAL, PublicCandidate, public_candidates
from shared import clock, i18n, identity, regions
from shared.web import current_runtime

bp = identity.public_blueprint(Blueprint("public_gallery", __name__, url_prefix="/public/winners"))

#: The embedded page may be framed by any site (regional sites embed it); nothing else may be.
EMBED_CSP = (
    "default-src 'none'; img-src https: http: data:; style-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors *"
)
ATOM = "application/atom+xml; charset=utf-8"


def winners(year: int, language: str, region: str | None = None) -> list[PublicCandidate]:
    """The year's consenting winners (of one region when asked), by region then name; 404 for none."""
    if not 2000 <= year <= 2100:
        abort(404)
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        found = public_candidates(
            session, year, "winner", region or NATIONAL, language, media_url=runtime.settings.media_url
        )
    if not found and region is None:
        abort(404)
    return found


def by_region(candidates: list[PublicCandidate]) -> list[tuple[str, list[PublicCandidate]]]:
    return [(name, list(group)) for name, group in groupby(candidates, key=lambda c: c.region_name)]


def _region_asked() -> str | None:
    """`?region=` naming a region (code or alias), or None; anything else is 404."""
    asked = request.args.get("region")
    if not asked:
        return None
    region = regions.resolve(asked)
    if region is None:
        abort(404)
    return region.code


@bp.get("/<int:year>")
def page(year: int) -> Response:
    language = public_pages.public_language()
    found = winners(year, language)
    first_card = next((c.photo("card") for c in found if c.photo("card")), None)
    return public_pages.render(
        "public/winners.html",
        "public_gallery.page",
        year=year,
        groups=by_region(found),
        count=len(found),
        og_image=first_card,
    )


@bp.get("/<int:year>/embed")
def embed(year: int) -> Response:
    region = _region_asked()
    language = public_pages.public_language()
    found = winners(year, language, region)
    response = public_pages.render(
        "public/winners_embed.html",
        "public_gallery.embed",
        year=year,
        groups=by_region(found),
        region=region,
        gallery_url=url_for("public_gallery.page", year=year, lang=language, _external=True),
    )
    response.headers["Content-Security-Policy"] = EMBED_CSP
    return response


def as_json(candidate: PublicCandidate) -> dict[str, Any]:
    return {
        "id": candidate.id,
        "name": candidate.name,
        "college": candidate.college,
        "region": candidate.region,
        "region_name": candidate.region_name,
        "statement": candidate.statement,
        "statement_language": candidate.statement_language,
        "photo": {"card": candidate.photo("card"), "web": candidate.photo("web")},
    }


@bp.get("/<int:year>.json")
def feed_json(year: int) -> Response:
    """The winners as JSON (`?lang=`, else the default language; `?region=`), for any site (CORS `*`)."""
    region = _region_asked()
    language = _feed_language()
    found = winners(year, language, region)
    response = jsonify(year=year, language=language, region=region, winners=[as_json(c) for c in found])
    response.headers["Access-Control-Allow-Origin"] = "*"
    return public_pages.cacheable(response)


def _feed_language() -> str:
    """A feed's language: `?lang=`, else the default one (one copy per URL for every proxy and reader)."""
    asked = request.args.get("lang", "")
    return asked if asked in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


@bp.get("/<int:year>/feed.atom")
def feed_atom(year: int) -> Response:
    language = _feed_language()
    found = winners(year, language)
    page_url = url_for("public_gallery.page", year=year, lang=language, _external=True)
    self_url = url_for("public_gallery.feed_atom", year=year, lang=language, _external=True)
    title = i18n.translate(i18n.N_("TOP 100 winners of %(year)s"), language, {"year": year})
    body = "".join(atom(year, title, page_url, self_url, language, found, clock.utcnow()))
    return public_pages.cacheable(Response(body, content_type=ATOM))


def atom(
    year: int,
    title: str,
    page_url: str,
    self_url: str,
    language: str,
    found: list[PublicCandidate],
    now: datetime,
) -> Iterator[str]:
    """The Atom document (RFC 4287), one entry per winner, ids stable across languages and years."""
    stamp = now.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    yield f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(language)}>\n'
    yield f"<id>urn:top100:winners:{year}</id>\n<title>{escape(title)}</title>\n<updated>{stamp}</updated>\n"
    yield f'<link rel="alternate" type="text/html" href={quoteattr(page_url)}/>\n'
    yield f'<link rel="self" href={quoteattr(self_url)}/>\n'
    yield "<author><name>TOP 100</name></author>\n"
    for candidate in found:
        link = f"{page_url}#c-{candidate.id}"
        yield "<entry>\n"
        yield f"<id>urn:top100:winner:{year}:{escape(candidate.id)}</id>\n"
        yield f"<title>{escape(candidate.name)}</title>\n<updated>{stamp}</updated>\n"
        yield f'<link rel="alternate" type="text/html" href={quoteattr(link)}/>\n'
        yield f"<category term={quoteattr(candidate.region)} label={quoteattr(candidate.region_name)}/>\n"
        yield f"<summary>{escape(candidate.college)}</summary>\n"
        card = candidate.photo("card")
        if card:
            yield f'<link rel="enclosure" type="image/jpeg" href={quoteattr(card)}/>\n'
        lang = quoteattr(candidate.statement_language or language)
        yield f'<content type="text" xml:lang={lang}>{escape(candidate.statement)}</content>\n'
        yield "</entry>\n"
    yield "</feed>\n"
