"""Media really decodes the photo, refuses what is unusable, and strips EXIF/GPS from derivatives."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from sqlalchemy import select

from services.media.handlers import HANDLERS
from services.media.models import Asset, outbox
from services.media.tests.factories import event, jpeg, stored_photo, submitted
from shared.handling import handle
from shared.runtime import Runtime


def _assets(runtime: Runtime) -> list[Asset]:
    with runtime.db.unit_of_work() as session:
        return list(session.scalars(select(Asset).order_by(Asset.created_at)))


def _outbox(runtime: Runtime) -> list[dict]:
    with runtime.db.unit_of_work() as session:
        return [json.loads(row.body) for row in session.execute(select(outbox).order_by(outbox.c.id))]


def test_the_factory_photo_really_carries_gps() -> None:
    with Image.open(io.BytesIO(jpeg())) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_processes_once_and_strips_exif_and_gps(runtime: Runtime, tmp_path: Path) -> None:
    submission = submitted(stored_photo(tmp_path, jpeg(1600, 1200)))
    assert handle(runtime, HANDLERS, "media", submission) is True
    assert handle(runtime, HANDLERS, "media", submission) is False

    [asset] = _assets(runtime)
    assert (asset.status, asset.width, asset.height, asset.region) == ("processed", 1600, 1200, "almaty")
    assert asset.derivatives == ["media/nom-0001/web.jpg", "media/nom-0001/thumb.jpg"]
    sizes = {}
    for key in asset.derivatives:
        data = runtime.blobs.get(key)
        assert b"Exif" not in data and b"PhoneMaker" not in data and b"http://ns.adobe.com/xap" not in data
        with Image.open(io.BytesIO(data)) as derivative:
            assert derivative.format == "JPEG"
            assert len(derivative.getexif()) == 0
            assert not derivative.getexif().get_ifd(ExifTags.IFD.GPSInfo)
            sizes[key.rsplit("/", 1)[1]] = derivative.size
    assert sizes == {"web.jpg": (1200, 900), "thumb.jpg": (400, 300)}
    assert (tmp_path / "blobs" / "media" / "media" / "nom-0001" / "web.jpg").is_file()

    [message] = _outbox(runtime)
    assert message["type"] == "media.photo_processed" and message["producer"] == "media"
    assert message["payload"] == {
        "nomination_id": "nom-0001",
        "asset_id": asset.id,
        "derivatives": asset.derivatives,
        "nomination_revision": None,
    }


def test_orientation_is_applied_before_exif_is_dropped(runtime: Runtime, tmp_path: Path) -> None:
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, jpeg(1600, 1200, orientation=6))))
    with Image.open(io.BytesIO(runtime.blobs.get("media/nom-0001/web.jpg"))) as web:
        assert web.size == (900, 1200)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (jpeg(800, 800, image_format="PNG"), "not_jpeg"),
        (jpeg(800, 500), "too_small"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "unreadable"),
    ],
)
def test_unusable_photos_are_rejected_with_a_reason(
    runtime: Runtime, tmp_path: Path, data: bytes, reason: str
) -> None:
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, data)))
    [asset] = _assets(runtime)
    assert (asset.status, asset.reason, asset.derivatives) == ("rejected", reason, [])
    assert not runtime.blobs.exists("media/nom-0001/web.jpg")
    [message] = _outbox(runtime)
    assert message["type"] == "media.photo_rejected"
    assert message["payload"] == {"nomination_id": "nom-0001", "reason": reason, "nomination_revision": None}


def test_a_photo_altered_in_transit_is_rejected(runtime: Runtime, tmp_path: Path) -> None:
    photo = stored_photo(tmp_path, jpeg())
    photo["sha256"] = "f" * 64
    handle(runtime, HANDLERS, "media", submitted(photo))
    assert _assets(runtime)[0].reason == "checksum_mismatch"


def test_no_photo_is_recorded_as_missing_and_announced(runtime: Runtime) -> None:
    handle(runtime, HANDLERS, "media", submitted(None))
    [asset] = _assets(runtime)
    assert (asset.status, asset.reason) == ("missing", "missing")
    missing = {"nomination_id": "nom-0001", "reason": "missing", "nomination_revision": None}
    assert _outbox(runtime)[0]["payload"] == missing


def test_a_new_photo_in_an_amendment_supersedes_the_old_one(runtime: Runtime, tmp_path: Path) -> None:
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, jpeg(1600, 1200))))
    handle(
        runtime,
        HANDLERS,
        "media",
        event("nomination.amended", {"nomination_id": "nom-0001", "changed": ["language"], "language": "ru"}),
    )
    assert len(_assets(runtime)) == 1
    new_photo = stored_photo(tmp_path, jpeg(1000, 1400))
    handle(
        runtime,
        HANDLERS,
        "media",
        event("nomination.amended", {"nomination_id": "nom-0001", "changed": ["photo"], "photo": new_photo}),
    )
    old, new = _assets(runtime)
    assert (old.status, new.status) == ("superseded", "processed")
    with Image.open(io.BytesIO(runtime.blobs.get("media/nom-0001/web.jpg"))) as web:
        assert web.size == (857, 1200)


def test_withdrawal_deletes_the_derivatives(runtime: Runtime, tmp_path: Path) -> None:
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, jpeg())))
    handle(runtime, HANDLERS, "media", event("nomination.withdrawn", {"nomination_id": "nom-0001"}))
    [asset] = _assets(runtime)
    assert (asset.status, asset.derivatives) == ("withdrawn", [])
    assert not runtime.blobs.exists("media/nom-0001/web.jpg")


def test_candidate_registered_is_accepted_without_effect(runtime: Runtime) -> None:
    registered = event(
        "review.candidate_registered",
        {"nomination_id": "nom-0001", "candidate_id": "c-1", "stage": "internal"},
    )
    assert handle(runtime, HANDLERS, "media", registered) is True
    assert _assets(runtime) == [] and _outbox(runtime) == []


def test_a_decompression_bomb_is_too_large(runtime: Runtime, tmp_path: Path) -> None:
    """A tiny file that declares 20000 x 20000 pixels is refused before any pixel is decoded."""
    small = io.BytesIO()
    Image.new("RGB", (16, 16)).save(small, "JPEG")
    data = bytearray(small.getvalue())
    frame = data.index(b"\xff\xc0")  # SOF0: length(2) precision(1) height(2) width(2)
    data[frame + 5 : frame + 9] = (20000).to_bytes(2, "big") * 2
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, bytes(data))))
    assert _assets(runtime)[0].reason == "too_large"
