"""A notify runtime on a migrated SQLite database in a temporary data folder, embedded providers.

`pg_runtime` is the same on a scratch PostgreSQL database (integration tests).
"""

from __future__ import annotations

import dataclasses
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.notify import bootstrap
from shared import config
from shared.migrate import upgrade
from shared.runtime import Runtime


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    for name in (
        "NOTIFY_DATABASE_URL",
        "NOTIFY_SMTP_URL",
        "NOTIFY_SMS_URL",
        "NOTIFY_SMS_TOKEN",
        "NOTIFY_MAIL_FROM",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = config.load(bootstrap.SERVICE)
    upgrade(bootstrap.SERVICE, settings.database_url)
    built = bootstrap.build(settings)
    yield built
    built.db.dispose()


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture
def pg_runtime(runtime: Runtime) -> Iterator[Runtime]:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=2).close()
    except OSError:
        pytest.skip("POSTGRESQL UNREACHABLE at 127.0.0.1:5432: integration test not run")
    name = f"top100_test_notify_{uuid.uuid4().hex[:10]}"
    _admin(f"CREATE DATABASE {name}")
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    built = None
    try:
        upgrade(bootstrap.SERVICE, url)
        built = bootstrap.build(dataclasses.replace(runtime.settings, database_url=url))
        yield built
    finally:
        if built is not None:
            built.db.dispose()
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
