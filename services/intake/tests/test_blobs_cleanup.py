"""Nothing half-written: a blob written for a transaction that does not commit is removed."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from services.intake.api.errors import blob_cleanup
from services.intake.tests import factories
from shared.blobs import LocalBlobStore
from shared.runtime import Runtime


def test_blobs_of_a_failed_transaction_are_deleted_and_older_ones_kept(runtime: Runtime) -> None:
    store: LocalBlobStore = runtime.blobs  # type: ignore[assignment]
    store.put("photos/2026/x/kept.jpg", b"old", "image/jpeg")
    written: list[str] = []
    with pytest.raises(RuntimeError), blob_cleanup(store, written):
        store.put("photos/2026/x/new.jpg", b"new", "image/jpeg")
        written.append("photos/2026/x/new.jpg")
        raise RuntimeError("the commit failed")
    assert not store.exists("photos/2026/x/new.jpg")
    assert store.exists("photos/2026/x/kept.jpg")


def test_a_refused_submission_with_a_photo_leaves_no_file(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    for serial in (1, 2, 3):
        assert (
            client.post("/api/v1/nominations", json=factories.nomination(serial), headers=auth).status_code
            == 201
        )
    response = client.post(
        "/api/v1/nominations",
        data=factories.multipart(factories.nomination(4), factories.jpeg()),
        headers=auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 409
    blobs = runtime.settings.data_dir / "blobs"
    assert not blobs.exists() or not any(path.is_file() for path in blobs.rglob("*"))


def test_a_student_nominated_twice_leaves_no_file_of_the_refused_photo(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    first = client.post("/api/v1/nominations", json=factories.nomination(7), headers=auth)
    assert first.status_code == 201
    again = client.post(  # the same student from another college: refused when the row is inserted
        "/api/v1/nominations",
        data=factories.multipart(factories.nomination(7, college="ALA-002"), factories.jpeg()),
        headers=auth,
        content_type="multipart/form-data",
    )
    assert again.status_code == 409 and again.get_json()["code"] == "duplicate_student"
    blobs = runtime.settings.data_dir / "blobs"
    assert not blobs.exists() or not any(path.is_file() for path in blobs.rglob("*"))
