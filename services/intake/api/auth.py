"""Portal authentication: `Authorization: Bearer <portal key>`; the key's region scopes everything.

A request is one unit of work: the key is checked in the same transaction the view then uses
(`current_session()`), which saves a database round trip per request. That transaction commits only
a successful answer: a view that answers a failure (a problem it returns, or an exception the error
handlers render) leaves nothing behind, and its blob writes (`current_blobs_written()`) are deleted.

The whole body is read before that transaction opens, so a client sending it slowly holds a worker
but never a database connection.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, g, make_response, request
from sqlalchemy.orm import Session

from services.intake.api.errors import blob_cleanup
from services.intake.api.problems import problem
from services.intake.operations import Portal, keys
from shared import bodies
from shared.web import current_runtime as runtime

SCHEME = "portalKey"


def current_portal() -> Portal:
    return g.portal


def current_session() -> Session:
    return g.session


def current_blobs_written() -> list[str]:
    return g.blobs_written


def _bearer() -> str | None:
    kind, _, token = request.headers.get("Authorization", "").partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _unauthorized():  # type: ignore[no-untyped-def]
    return problem(401, headers={"WWW-Authenticate": 'Bearer realm="top100-intake"'})


class _Failed(Exception):
    """A failure the view answered: raised through the unit of work so that it rolls back."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def portal_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run `view` for a valid, unrevoked portal key, inside the request's unit of work; 401 otherwise."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _bearer()
        if token is None:
            return _unauthorized()
        bodies.whole_body(parse_form_data=True)  # the whole body, parsed if a form, kept for the view
        rt = runtime()
        written: list[str] = []
        try:
            with blob_cleanup(rt.blobs, written), rt.db.unit_of_work() as session:
                portal = keys.authenticate(session, token)
                if portal is None:
                    raise _Failed(_unauthorized())
                g.portal, g.session, g.blobs_written = portal, session, written
                response = make_response(view(*args, **kwargs))
                if response.status_code >= 400:
                    raise _Failed(response)
                return response
        except _Failed as failed:
            return failed.response

    return wrapper
