"""Portal authentication: `Authorization: Bearer <portal key>`; the key's region scopes everything."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g

from services.intake.api.problems import problem
from services.intake.operations import Portal, keys
from shared.runtime import Runtime

SCHEME = "portalKey"


def runtime() -> Runtime:
    return current_app.extensions["top100.runtime"]


def current_portal() -> Portal:
    return g.portal


def _bearer() -> str | None:
    from flask import request

    header = request.headers.get("Authorization", "")
    kind, _, token = header.partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def portal_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run `view` only for a valid, unrevoked portal key; 401 otherwise."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = _bearer()
        portal = None
        if token is not None:
            with runtime().db.unit_of_work() as session:
                portal = keys.authenticate(session, token)
        if portal is None:
            return problem(401, headers={"WWW-Authenticate": 'Bearer realm="top100-intake"'})
        g.portal = portal
        return view(*args, **kwargs)

    return wrapper
