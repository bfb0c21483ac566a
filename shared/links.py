"""The route that serves a service's signed download links to its local blob folder.

Where blobs are on S3 a link is S3's own presigned URL and the bytes never pass through the service;
on a local folder `LocalBlobStore.presigned_url` signs a link to this route (`shared.signing`). A
changed key, expiry or signature, or an expired link, gets 403 and never the file.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator

from flask import Blueprint, Response, abort, request, stream_with_context

from shared import identity, signing
from shared.blobs import BlobNotFound, BlobStore
from shared.web import current_runtime

#: Where a service serves its links (its `public_url` followed by this and the key).
ROUTE = "/files"
_CHUNK = 256 * 1024


def streamed(blobs: BlobStore, key: str, mimetype: str, headers: dict[str, str]) -> Response:
    """The blob `key` streamed in chunks (a kit's ZIP is large); 404 for a missing or unsafe key."""
    try:
        stream = blobs.open(key)
    except (BlobNotFound, ValueError):
        abort(404)

    def chunks() -> Iterator[bytes]:
        with stream:
            while chunk := stream.read(_CHUNK):
                yield chunk

    return Response(stream_with_context(chunks()), mimetype=mimetype, headers=headers)


def blueprint() -> Blueprint:
    """`GET /files/<key>?expires=&signature=`: open to whoever holds a valid link, and only to them."""
    bp = identity.public_blueprint(Blueprint("files", __name__))

    @bp.get(f"{ROUTE}/<path:key>")
    def download(key: str) -> Response:
        runtime = current_runtime()
        args = request.args
        if not signing.valid(runtime.settings.secret_key, key, args.get("expires"), args.get("signature")):
            abort(403)
        mimetype = mimetypes.guess_type(key)[0] or "application/octet-stream"
        return streamed(runtime.blobs, key, mimetype, {"Cache-Control": "private, no-store"})

    return bp
