"""A notify runtime on a migrated SQLite database in a temporary data folder, embedded providers.

`pg_runtime` is the same on a scratch PostgreSQL database (integration tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.notify import bootstrap
from shared import config, testing
from shared.runtime import Runtime


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    # Midday in Almaty: outside the SMS quiet hours whenever the tests run (they move it where needed).
    monkeypatch.setenv("TOP100_NOW", "2026-09-20T12:00:00+05:00")
    for name in (
        "NOTIFY_DATABASE_URL",
        "NOTIFY_SMTP_URL",
        "NOTIFY_SMS_URL",
        "NOTIFY_SMS_TOKEN",
        "NOTIFY_MAIL_FROM",
        "NOTIFY_SMS_PROVIDERS",
        "NOTIFY_RETENTION_DAYS",
        "NOTIFY_SMTP_CONNECTIONS",
    ):
        monkeypatch.delenv(name, raising=False)
    with testing.migrated_runtime(bootstrap.SERVICE, config.load(bootstrap.SERVICE)) as built:
        yield built


@pytest.fixture
def pg_runtime(runtime: Runtime) -> Iterator[Runtime]:
    with testing.postgres_runtime(bootstrap.SERVICE, runtime.settings) as built:
        yield built
