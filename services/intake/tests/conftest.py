"""Intake's fixtures: a migrated SQLite database per test (copied from one migrated template), the demo
reference data, the app on it, and portal keys. Real database, real blob folder, no mocks."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.intake.app import create_app
from services.intake.bootstrap import build
from services.intake.operations import keys, refdata
from services.intake.tests import factories
from shared import migrate
from shared.runtime import Runtime

DEFAULT_NOW = "2026-09-20T10:00:00+05:00"


@pytest.fixture(scope="session")
def intake_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database with the demo reference data; each test gets a copy."""
    path = tmp_path_factory.mktemp("intake-template") / "intake.sqlite3"
    url = f"sqlite:///{path}"
    migrate.upgrade("intake", url)
    runtime = build(factories.settings(path.parent, url))
    with runtime.db.unit_of_work() as session:
        refdata.load_paths(session, [])
    runtime.db.dispose()
    return path


@pytest.fixture
def runtime(tmp_path: Path, intake_template: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TOP100_NOW", DEFAULT_NOW)
    database = tmp_path / "intake.sqlite3"
    shutil.copy(intake_template, database)
    rt = build(factories.settings(tmp_path, f"sqlite:///{database}", f"filesystem://{tmp_path / 'broker'}"))
    yield rt
    rt.db.dispose()


@pytest.fixture
def app(runtime: Runtime) -> Flask:
    return create_app(runtime)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def issue_key(runtime: Runtime, region: str = "almaty", *, sandbox: bool = False) -> str:
    with runtime.db.unit_of_work() as session:
        _row, key = keys.issue(session, region, sandbox=sandbox)
    return key


@pytest.fixture
def key(runtime: Runtime) -> str:
    return issue_key(runtime)


@pytest.fixture
def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
