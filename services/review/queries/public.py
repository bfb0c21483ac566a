"""What the public may read of the candidates: only those who consent to publication now.

`public_candidates` is the one read behind every public page (a contest's page and JSON, the TOP
100 gallery, its JSON and Atom feeds and its widget): candidates of a year, stage and scope who gave
`consent.publication`, have not withdrawn it, and whose nomination is not withdrawn. A withdrawal of
either reaches review as an event and the next read leaves the candidate out; the pages' cache
lifetime (at most 60 s, `pages.public.CACHE_SECONDS`) bounds how long a copy may still show them.

Nothing personal but what the student agreed to publish: name (Kazakh letters untouched), college,
region, statement and photo. Photos are media's public derivatives (`/public/photos/<id>/<card|web>`,
cacheable, 404 for a candidate who does not consent), so no signed link is written into a page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from services.review.models import Candidate, Photo
from shared import regions
from shared.i18n import LANGUAGES

#: Which review stages a public list of each stage draws from: a regional contest's candidates are
#: all those of the region (later decisions move them on but they took part); a republican one's
#: those who advanced; the gallery's the winners.
STAGES_OF = {
    "regional": ("regional", "republican", "winner"),
    "republican": ("republican", "winner"),
    "winner": ("winner",),
}
#: The scope of a republican contest or of the whole gallery.
NATIONAL = "national"
#: The photo derivatives media serves to the public.
PUBLIC_DERIVATIVES = ("card", "web")


#: How much of a statement a page of many candidates shows: a hundred winners' pages stay under
#: 200 KB (the feeds carry the whole statement).
EXCERPT_CHARS = 600


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """`text` itself if short enough, else its first `limit` characters cut back to a word, and "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(",.;:—-") + "…"


@dataclass(frozen=True)
class PublicCandidate:
    """A candidate as the public sees them, in one language (with a fallback where a text lacks it)."""

    id: str
    nomination_id: str
    year: int
    name: str
    college: str
    region: str
    region_name: str
    statement: str
    #: The language the statement is in (the asked one, or the first of kk, ru, en it exists in).
    statement_language: str | None
    photos: dict[str, str] = field(default_factory=dict)

    def excerpt(self, limit: int = EXCERPT_CHARS) -> str:
        """The statement's beginning, cut at a word, for a page listing many (under 200 KB)."""
        return excerpt(self.statement, limit)

    def photo(self, derivative: str) -> str | None:
        """The public URL of media's `card` (1200×630, social cards) or `web` (up to 1600 px)
        derivative, or None while the candidate has no processed photo."""
        return self.photos.get(derivative)


def fallback_order(language: str) -> tuple[str, ...]:
    """The asked language first, then the others in the programme's order."""
    return (language, *(other for other in LANGUAGES if other != language))


def in_language(texts: dict[str, str] | None, language: str) -> tuple[str, str | None]:
    """The first non-empty text of `texts` in `fallback_order`, with its language."""
    for lang in fallback_order(language):
        text = (texts or {}).get(lang)
        if text and text.strip():
            return text, lang
    return "", None


def photo_urls(media_url: str, nomination_id: str, photo: Photo | None) -> dict[str, str]:
    """Media's public URLs of the derivatives the processed photo has (none before it is)."""
    if photo is None or photo.status != "processed":
        return {}
    made = {key.rsplit("/", 1)[-1].split(".", 1)[0] for key in photo.derivatives or []}
    base = f"{media_url.rstrip('/')}/public/photos/{quote(nomination_id, safe='')}"
    return {name: f"{base}/{name}" for name in PUBLIC_DERIVATIVES if name in made}


def public_candidates(
    session: Session,
    year: int,
    stage: str,
    scope: str,
    language: str,
    *,
    media_url: str = "",
    ids: Iterable[str] | None = None,
) -> list[PublicCandidate]:
    """Consenting, not withdrawn candidates of `year` at `stage` (`regional`, `republican`, or
    `winner` for the gallery) in `scope` (a region's code or `national`), by region then name.

    `ids` keeps only those candidates (a contest's list frozen when it opened): one who withdrew
    since is still left out. `media_url` is media's public address (settings.media_url)."""
    query = (
        select(Candidate, Photo)
        .outerjoin(Photo, Photo.nomination_id == Candidate.nomination_id)
        .where(
            Candidate.year == year,
            Candidate.stage.in_(STAGES_OF[stage]),
            Candidate.status != "withdrawn",
            Candidate.consent_publication.is_(True),
        )
        .options(selectinload(Candidate.statements))
        .order_by(Candidate.region, Candidate.search_name, Candidate.id)
    )
    if stage == "winner":
        query = query.where(Candidate.status == "winner")
    if scope != NATIONAL:
        query = query.where(Candidate.region == scope)
    if ids is not None:
        query = query.where(Candidate.id.in_(list(ids)))
    return [present(candidate, photo, language, media_url) for candidate, photo in session.execute(query)]


def present(candidate: Candidate, photo: Photo | None, language: str, media_url: str) -> PublicCandidate:
    statement, statement_language = in_language({s.language: s.text for s in candidate.statements}, language)
    college, _ = in_language(candidate.college_names, language)
    region = regions.resolve(candidate.region)
    return PublicCandidate(
        id=candidate.id,
        nomination_id=candidate.nomination_id,
        year=candidate.year,
        name=candidate.full_name,
        college=college or candidate.college_code,
        region=candidate.region,
        region_name=region.name(language) if region else candidate.region,
        statement=statement,
        statement_language=statement_language,
        photos=photo_urls(media_url, candidate.nomination_id, photo),
    )
