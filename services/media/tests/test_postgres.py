"""The same handler on PostgreSQL: the asset row, derivatives and the outbox."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.media.handlers import HANDLERS
from services.media.models import Asset, outbox
from services.media.tests.factories import jpeg, stored_photo, submitted
from shared.handling import handle
from shared.runtime import Runtime


@pytest.mark.integration
def test_photo_processed_once_on_postgres(pg_runtime: Runtime, tmp_path: Path) -> None:
    submission = submitted(stored_photo(tmp_path, jpeg()))
    assert handle(pg_runtime, HANDLERS, "media", submission) is True
    assert handle(pg_runtime, HANDLERS, "media", submission) is False
    with pg_runtime.db.unit_of_work() as session:
        [asset] = session.scalars(select(Asset))
        assert asset.status == "processed" and len(asset.derivatives) == 8  # and the original
        assert session.scalar(select(func.count()).select_from(outbox)) == 1
    assert all(pg_runtime.blobs.exists(key) for key in asset.derivatives)
