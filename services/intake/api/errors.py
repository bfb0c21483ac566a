"""Turning every failure into a problem response, and undoing a blob whose transaction failed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from services.intake.api.problems import problem
from services.intake.operations import Conflict, Forbidden, Invalid, NotFound
from services.intake.operations.validation import flatten
from shared.blobs import BlobStore
from shared.problems import body_limit_mb

log = logging.getLogger(__name__)


class Unsupported(Exception):
    """415: the request's Content-Type is not one this endpoint reads."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


@contextmanager
def blob_cleanup(blobs: BlobStore, written: list[str]) -> Iterator[None]:
    """Delete the blobs written for a transaction that did not commit: nothing is left half-written.

    Only blobs this request created are deleted (`written`); a photo already stored under the same
    content key stays, since a committed row may point to it.
    """
    try:
        yield
    except BaseException:
        for key in written:
            try:
                blobs.delete(key)
            except Exception:  # the original failure matters more than a leftover orphan
                log.warning("could not delete orphan blob %s", key, exc_info=True)
        raise


def _http(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if status == 422 and "messages" in data:
        messages = data["messages"]
        # webargs nests by location ({"query": {...}}); the field names alone are the paths
        inner = {}
        for value in messages.values():
            inner.update(value if isinstance(value, dict) else {})
        return problem(422, errors=flatten(inner or messages))
    if status == 413:
        return problem(413, params={"maximum": body_limit_mb()})
    # werkzeug's own headers for the error include its HTML page's Content-Type: only Allow is ours
    allowed = getattr(error, "valid_methods", None)
    return problem(status, headers={"Allow": ", ".join(allowed)} if allowed else None)


def register(app: Flask) -> None:
    app.register_error_handler(Invalid, lambda e: problem(422, e.code, errors=e.errors))
    app.register_error_handler(Conflict, lambda e: problem(409, e.code, params=e.params))
    app.register_error_handler(Forbidden, lambda e: problem(403, params={"region": e.region}))
    app.register_error_handler(NotFound, lambda e: problem(404))
    app.register_error_handler(Unsupported, lambda e: problem(415, params={"expected": e.expected}))
    app.register_error_handler(HTTPException, _http)
