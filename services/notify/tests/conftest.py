"""A notify runtime on a migrated SQLite database in a temporary data folder, embedded providers."""

from __future__ import annotations

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
