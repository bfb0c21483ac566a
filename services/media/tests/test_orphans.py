"""No derivative outlives the transaction that made it, nor the nomination's withdrawal.

Media writes derivatives before its transaction commits. A commit that fails (a terminated database
backend, a full disk) must not leave them behind. A worker killed between the write and the commit
(nothing runs after SIGKILL) leaves files under the keys of the event's asset, which the event's
redelivery writes again and commits: nothing is duplicated, and the withdrawal then finds them.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from services.media.handlers import HANDLERS
from services.media.models import Asset
from services.media.operations import photos
from services.media.rules import DERIVATIVES, derivative_key, original_key
from services.media.tests.factories import event, jpeg, stored_photo, submitted
from shared.handling import handle
from shared.runtime import Runtime


def _refuse_commits(runtime: Runtime) -> None:
    """The database refuses the outbox row, the last write before commit: the transaction rolls back."""
    with runtime.db.engine.begin() as conn:
        conn.execute(
            text("CREATE TRIGGER refuse BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'no'); END")
        )


def _keys(asset_id: str) -> list[str]:
    """Every key a photo's asset owns: its derivatives and the original kept for banners."""
    made = [derivative_key("nom-0001", asset_id, s.name, f) for s in DERIVATIVES for f in s.formats]
    return [*made, original_key("nom-0001", asset_id)]


def _asset_id(submission) -> str:  # type: ignore[no-untyped-def]
    return str(uuid.uuid5(photos._ASSETS, str(submission.id)))


def test_a_photo_whose_transaction_fails_leaves_no_derivative(runtime: Runtime, tmp_path: Path) -> None:
    _refuse_commits(runtime)
    submission = submitted(stored_photo(tmp_path, jpeg()))
    with pytest.raises(DatabaseError):
        handle(runtime, HANDLERS, "media", submission)
    assert not any(runtime.blobs.exists(key) for key in _keys(_asset_id(submission)))
    with runtime.db.unit_of_work() as session:
        assert list(session.scalars(select(Asset))) == []


def test_a_failed_new_photo_keeps_the_derivatives_of_the_committed_one(
    runtime: Runtime, tmp_path: Path
) -> None:
    first = submitted(stored_photo(tmp_path, jpeg()))
    handle(runtime, HANDLERS, "media", first)
    _refuse_commits(runtime)
    new_photo = stored_photo(tmp_path, jpeg(900, 900), "nom-0001/b")
    amendment = event(
        "nomination.amended",
        {"nomination_id": "nom-0001", "changed": ["photo"], "photo": new_photo},
    )
    with pytest.raises(DatabaseError):
        handle(runtime, HANDLERS, "media", amendment)
    assert all(runtime.blobs.exists(key) for key in _keys(_asset_id(first)))
    assert not any(runtime.blobs.exists(key) for key in _keys(_asset_id(amendment)))


def test_a_killed_workers_files_are_taken_over_by_the_redelivery(runtime: Runtime, tmp_path: Path) -> None:
    submission = submitted(stored_photo(tmp_path, jpeg()))
    for key in _keys(_asset_id(submission)):
        runtime.blobs.put(key, b"half-done", "image/jpeg")
    handle(runtime, HANDLERS, "media", submission)
    with runtime.db.unit_of_work() as session:
        [asset] = session.scalars(select(Asset))
        assert sorted(asset.derivatives) == sorted(_keys(asset.id))
    assert all(runtime.blobs.get(key) != b"half-done" for key in _keys(asset.id))
    handle(runtime, HANDLERS, "media", event("nomination.withdrawn", {"nomination_id": "nom-0001"}))
    assert not any(runtime.blobs.exists(key) for key in _keys(asset.id))


def test_files_of_a_replaced_photo_left_by_a_killed_worker_are_swept(
    runtime: Runtime, tmp_path: Path
) -> None:
    """The worker died after committing the new photo, before deleting the old one's files."""
    first = submitted(stored_photo(tmp_path, jpeg()))
    handle(runtime, HANDLERS, "media", first)
    old_keys = _keys(_asset_id(first))
    kept = {key: runtime.blobs.get(key) for key in old_keys}
    amendment = event(
        "nomination.amended",
        {
            "nomination_id": "nom-0001",
            "changed": ["photo"],
            "photo": stored_photo(tmp_path, jpeg(900, 900), "b"),
        },
    )
    handle(runtime, HANDLERS, "media", amendment)
    for key, data in kept.items():  # as if the deletion after the commit had never run
        runtime.blobs.put(key, data, "image/jpeg")
    assert photos.sweep_replaced(runtime) == 1
    assert not any(runtime.blobs.exists(key) for key in old_keys)
    assert all(runtime.blobs.exists(key) for key in _keys(_asset_id(amendment)))
    assert photos.sweep_replaced(runtime) == 0
