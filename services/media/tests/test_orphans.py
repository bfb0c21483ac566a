"""No derivative outlives the transaction that made it, nor the nomination's withdrawal.

Media writes derivatives before its transaction commits. A commit that fails (a terminated database
backend, a full disk) must not leave them behind, and a worker killed between the write and the
commit (nothing runs after SIGKILL) leaves files that the withdrawal must still find and delete.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from services.media.handlers import HANDLERS
from services.media.models import Asset
from services.media.rules import DERIVATIVES, derivative_key
from services.media.tests.factories import event, jpeg, stored_photo, submitted
from shared.handling import handle
from shared.runtime import Runtime

KEYS = [derivative_key("nom-0001", name) for name in DERIVATIVES]


def _refuse_commits(runtime: Runtime) -> None:
    """The database refuses the outbox row, the last write before commit: the transaction rolls back."""
    with runtime.db.engine.begin() as conn:
        conn.execute(
            text("CREATE TRIGGER refuse BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'no'); END")
        )


def _files(runtime: Runtime) -> list[str]:
    return [key for key in KEYS if runtime.blobs.exists(key)]


def test_a_photo_whose_transaction_fails_leaves_no_derivative(runtime: Runtime, tmp_path: Path) -> None:
    _refuse_commits(runtime)
    submission = submitted(stored_photo(tmp_path, jpeg()))
    with pytest.raises(DatabaseError):
        handle(runtime, HANDLERS, "media", submission)
    assert _files(runtime) == []
    with runtime.db.unit_of_work() as session:
        assert list(session.scalars(select(Asset))) == []


def test_a_failed_new_photo_keeps_the_derivatives_of_the_committed_one(
    runtime: Runtime, tmp_path: Path
) -> None:
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, jpeg())))
    _refuse_commits(runtime)
    new_photo = stored_photo(tmp_path, jpeg(900, 900), "nom-0001/b")
    amendment = event(
        "nomination.amended",
        {"nomination_id": "nom-0001", "changed": ["photo"], "photo": new_photo},
    )
    with pytest.raises(DatabaseError):
        handle(runtime, HANDLERS, "media", amendment)
    assert _files(runtime) == KEYS


def test_a_withdrawal_deletes_derivatives_no_asset_names(runtime: Runtime) -> None:
    """What a worker killed after writing the files and before committing left behind."""
    for key in KEYS:
        runtime.blobs.put(key, b"orphan", "image/jpeg")
    handle(runtime, HANDLERS, "media", event("nomination.withdrawn", {"nomination_id": "nom-0001"}))
    assert _files(runtime) == []
