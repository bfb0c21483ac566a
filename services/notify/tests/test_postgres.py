"""The same handler on PostgreSQL: the (event id, channel) claim uses PostgreSQL's ON CONFLICT."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.notify.handlers import HANDLERS
from services.notify.models import Message, outbox
from services.notify.tests.factories import submitted
from shared.handling import handle
from shared.runtime import Runtime


@pytest.mark.integration
def test_one_receipt_on_postgres(pg_runtime: Runtime, tmp_path: Path) -> None:
    submission = submitted("ru")
    assert handle(pg_runtime, HANDLERS, "notify", submission) is True
    assert handle(pg_runtime, HANDLERS, "notify", submission) is False
    with pg_runtime.db.unit_of_work() as session:
        assert sorted(session.scalars(select(Message.channel))) == ["email", "sms"]
        assert session.scalar(select(func.count()).select_from(outbox)) == 2
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
