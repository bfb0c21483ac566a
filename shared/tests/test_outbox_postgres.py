"""The outbox on PostgreSQL: a transaction's rows (written by COPY) commit and roll back with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from shared import testing
from shared.outbox import emit
from shared.tests import busapp

pytestmark = pytest.mark.integration


def test_rows_of_a_transaction_commit_and_roll_back_with_it(tmp_path: Path) -> None:
    with testing.scratch_postgres("top100_outbox") as url:
        runtime = busapp.build(url, "memory://", tmp_path)
        try:
            kept = [busapp.event(marker=f"Әлия Ғалымқызы {i}") for i in range(3)]
            busapp.emit_events(runtime, kept)
            with pytest.raises(RuntimeError), runtime.db.unit_of_work() as session:
                for item in (busapp.event(marker="lost 1"), busapp.event(marker="lost 2")):
                    emit(session, item)
                raise RuntimeError("the operation failed after emitting")
            with runtime.db.unit_of_work() as session:
                rows = session.execute(select(busapp.outbox).order_by(busapp.outbox.c.id)).all()
            assert [row.event_id for row in rows] == [str(item.id) for item in kept]
            assert [row.routing_key for row in rows] == [item.routing_key for item in kept]
            bodies = [json.loads(row.body) for row in rows]
            assert [body["payload"] for body in bodies] == [item.payload for item in kept]
            assert all(row.created_at.tzinfo for row in rows)
        finally:
            runtime.db.dispose()
