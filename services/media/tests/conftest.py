"""A media runtime on a migrated SQLite database in a temporary data folder.

`pg_runtime` is the same on a scratch PostgreSQL database (integration tests).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.media import bootstrap
from shared import config, testing
from shared.runtime import Runtime


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MEDIA_DATABASE_URL", raising=False)
    monkeypatch.delenv("MEDIA_BLOB_URL", raising=False)
    with testing.migrated_runtime(bootstrap.SERVICE, config.load(bootstrap.SERVICE)) as built:
        yield built


@pytest.fixture
def pg_runtime(runtime: Runtime) -> Iterator[Runtime]:
    with testing.postgres_runtime(bootstrap.SERVICE, runtime.settings) as built:
        yield built
