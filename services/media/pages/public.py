"""The public's photos: the `card` and `web` derivatives of candidates who consented to publication.

Review's public pages (the contests, the TOP 100 gallery, its feeds and widget) show photos from
here: `GET /public/photos/<nomination_id>/<card|web>` (JPEG; `.webp` after the name for WebP), open
to anyone, no signature, cacheable by browsers and proxies for at most `MAX_AGE` seconds. A
candidate who withdrew the consent or the nomination is 404 at once here, and out of every cache
within that minute: the privacy promise of the public pages. Nothing else media holds is public.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, abort, stream_with_context

from services.media import queries, rules
from shared import identity
from shared.blobs import BlobNotFound
from shared.web import current_runtime

#: Seconds a browser or proxy may keep a public photo: a withdrawal takes effect within them.
MAX_AGE = 60
_CHUNK = 256 * 1024

bp = identity.public_blueprint(Blueprint("media_public", __name__, url_prefix="/public"))


@bp.get("/photos/<string:nomination_id>/<string:derivative>")
def photo(nomination_id: str, derivative: str) -> Response:
    """A consenting candidate's `card` or `web` photo; 404 for anyone and anything else."""
    wanted = rules.public_derivative(derivative)
    if wanted is None:
        abort(404)
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        key = queries.public_photo(session, nomination_id, *wanted)
    if key is None:
        abort(404)
    try:
        stream = runtime.blobs.open(key)
    except (BlobNotFound, ValueError):
        abort(404)

    def chunks() -> Iterator[bytes]:
        with stream:
            while chunk := stream.read(_CHUNK):
                yield chunk

    return Response(
        stream_with_context(chunks()),
        mimetype=rules.CONTENT_TYPES[wanted[1]],
        headers={
            "Cache-Control": f"public, max-age={MAX_AGE}",
            # Review's public pages are another origin: they may show it.
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )
