"""A review runtime on a migrated SQLite database in a temporary data folder, and people in it.

`pg_runtime` is the same on a scratch PostgreSQL database (integration tests). `client_as(role,
scope)` is a test client of review's app signed in through the real login form as a new user of that
role and scope; `user(role, scope)` makes an account only (`services/review/tests/people.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.review import bootstrap
from services.review.app import create_app
from services.review.tests import people
from shared import config, identity, testing
from shared.runtime import Runtime


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("REVIEW_DATABASE_URL", raising=False)
    with testing.migrated_runtime(bootstrap.SERVICE, config.load(bootstrap.SERVICE)) as built:
        yield built


@pytest.fixture
def pg_runtime(runtime: Runtime) -> Iterator[Runtime]:
    with testing.postgres_runtime(bootstrap.SERVICE, runtime.settings) as built:
        yield built


@pytest.fixture
def app(runtime: Runtime) -> Flask:
    return create_app(runtime)


@pytest.fixture
def user(runtime: Runtime) -> Callable[..., identity.Identity]:
    """`user(role="regional_chair", scope="almaty", **fields)`: a new account, as its identity."""

    def make(role: str = "regional_chair", scope: str = "almaty", **fields: object) -> identity.Identity:
        return people.create_user(runtime, role, scope, **fields)  # type: ignore[arg-type]

    return make


@pytest.fixture
def client_as(app: Flask, user: Callable[..., identity.Identity]) -> Callable[..., FlaskClient]:
    """`client_as(role="regional_chair", scope="almaty", **fields)`: a test client signed in (through
    the login form) as a new user; the client's `identity` attribute is who it is."""

    def sign_in(role: str = "regional_chair", scope: str = "almaty", **fields: object) -> FlaskClient:
        who = user(role, scope, **fields)
        client = app.test_client()
        answer = people.log_in(client, who.email)
        assert answer.status_code == 303, answer.get_data(as_text=True)  # type: ignore[attr-defined]
        client.identity = who  # type: ignore[attr-defined]
        return client

    return sign_in
