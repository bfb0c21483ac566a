"""Intake accepts no cookie: only a portal's key opens its API, so a person's session cookie, valid or
ended, opens nothing here, and there is nothing for a cross-site request to ride on (no CSRF check)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Flask

from services.intake.tests import factories
from shared import clock, identity


def _valid_cookie(app: Flask) -> str:
    """A session cookie as review's login signs it (the services share the secret)."""
    admin = identity.Identity(
        user_id="u-admin",
        email="admin@example.kz",
        name="Әлия",
        role="admin",
        scope="national",
        language="kk",
        generation=1,
        expires_at=clock.utcnow() + timedelta(hours=1),
        session_id=uuid.uuid4().hex,
    )
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return str(serializer.dumps({identity.SESSION_KEY: admin.claims()}))


def test_a_session_cookie_opens_nothing_at_intake(app: Flask, auth: dict) -> None:
    client = app.test_client()
    client.set_cookie(identity.SESSION_COOKIE, _valid_cookie(app))
    assert client.get("/api/v1/nominations").status_code == 401
    posted = client.post("/api/v1/nominations", json=factories.nomination(1))
    assert posted.status_code == 401 and posted.json["code"] == "unauthorized"
    # A portal's key next to a stray cookie is the portal's request: no CSRF token is asked for.
    assert client.post("/api/v1/nominations", json=factories.nomination(2), headers=auth).status_code == 201
