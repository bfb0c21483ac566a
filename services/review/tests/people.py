"""Helpers to be someone in review's tests: make an account, sign in through the real login form.

The fixtures in `conftest.py` wrap these; browser tests and other services' tests use them too.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import timedelta

from flask.testing import FlaskClient

from services.review.operations import accounts
from shared import clock, identity
from shared.runtime import Runtime

#: Every test account's password (long enough for `accounts.MIN_PASSWORD_LENGTH`).
PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def create_user(
    runtime: Runtime,
    role: str = "regional_chair",
    scope: str = "almaty",
    *,
    email: str | None = None,
    password: str = PASSWORD,
    name: str | None = None,
    language: str = "ru",
    college: str | None = None,
) -> identity.Identity:
    """A new account in review's database (its events in the outbox), as the identity it signs in as."""
    address = email or f"{role}.{scope}.{uuid.uuid4().hex[:8]}@example.kz"
    with runtime.db.unit_of_work() as session:
        user = accounts.create(
            session,
            email=address,
            password=password,
            role=role,
            scope=scope,
            name=name or f"Тест {role}",
            language=language,
            college=college,
        )
        return accounts.identity_of(user, identity.SESSION_LIFETIME)


def csrf_token(html: str) -> str:
    """The CSRF token a page's form carries."""
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def log_in(client: FlaskClient, email: str, password: str = PASSWORD, next_url: str = "") -> object:
    """Sign in with the real form (GET for its CSRF token, then POST); the answer to the POST."""
    page = client.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    return client.post(
        "/login", data={"csrf_token": token, "email": email, "password": password, "next": next_url}
    )


def bearer(runtime: Runtime, who: identity.Identity, days: int = 1) -> dict[str, str]:
    """An `Authorization` header with a personal token of `who` (an API caller, no CSRF needed)."""
    token = identity.issue_token(runtime.settings.secret_key, _lasting(who, days))
    return {"Authorization": f"Bearer {token}"}


def _lasting(who: identity.Identity, days: int) -> identity.Identity:
    return replace(who, expires_at=clock.utcnow() + timedelta(days=days), via="token")
