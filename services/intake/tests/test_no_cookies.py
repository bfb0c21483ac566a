"""Intake accepts no cookie: only a portal's key opens its API, so a person's session cookie, valid or
ended, opens nothing here, and there is nothing for a cross-site request to ride on (no CSRF check)."""

from __future__ import annotations

from flask import Flask

from services.intake.tests import factories
from shared import identity, testing


def test_a_session_cookie_opens_nothing_at_intake(app: Flask, auth: dict) -> None:
    client = app.test_client()
    client.set_cookie(identity.SESSION_COOKIE, testing.session_cookie(app, "admin", "national"))
    assert client.get("/api/v1/nominations").status_code == 401
    posted = client.post("/api/v1/nominations", json=factories.nomination(1))
    assert posted.status_code == 401 and posted.json["code"] == "unauthorized"
    # A portal's key next to a stray cookie is the portal's request: no CSRF token is asked for.
    assert client.post("/api/v1/nominations", json=factories.nomination(2), headers=auth).status_code == 201
