"""Reading an original photo through the signed link intake's event carries, over HTTP.

Media holds no credentials of intake's store: the link is S3's presigned URL (production) or intake's
own signed `/files/` route (the embedded mode). A link that no longer works (expired, refused, gone)
cannot be mended by retrying, so it is a rejection (`unavailable`); a server that does not answer
is retried by the worker like any other transient failure.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlparse

from services.media import rules

#: Seconds to wait for intake or S3 to answer (a photo is at most 15 MB).
TIMEOUT = 30


class Unavailable(Exception):
    """The link does not give the photo, and asking again will not change that."""


def fetch(url: str, limit: int = rules.MAX_BYTES) -> bytes:
    """The photo's bytes; at most `limit` (a bigger body is refused without being read whole)."""
    if urlparse(url).scheme not in ("http", "https"):
        raise Unavailable("not an http(s) link")
    request = urllib.request.Request(url, headers={"User-Agent": "top100-media"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        if exc.code in (400, 403, 404, 410):
            raise Unavailable(f"HTTP {exc.code}") from exc
        raise
    if len(data) > limit:
        raise Unavailable("larger than media reads")
    return data
