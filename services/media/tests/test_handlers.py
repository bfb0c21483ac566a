"""Media really decodes the photo, refuses what is unusable with a reason, and strips every piece of
metadata from every derivative; a new photo replaces the old derivatives under new keys."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from sqlalchemy import select

from services.media import rules
from services.media.handlers import HANDLERS
from services.media.models import Asset, Candidate, outbox
from services.media.tests.factories import event, jpeg, stored_photo, submitted
from shared.handling import handle
from shared.runtime import Runtime

SIZES = {
    ("thumb", "jpeg"): (400, 300),
    ("web", "jpeg"): (1600, 1200),
    ("web", "webp"): (1600, 1200),
    ("square", "jpeg"): (1080, 1080),
    ("card", "jpeg"): (1200, 630),
    ("card", "webp"): (1200, 630),
    ("story", "jpeg"): (1080, 1920),
}


def _assets(runtime: Runtime) -> list[Asset]:
    with runtime.db.unit_of_work() as session:
        return list(session.scalars(select(Asset).order_by(Asset.created_at)))


def _outbox(runtime: Runtime) -> list[dict]:
    with runtime.db.unit_of_work() as session:
        return [json.loads(row.body) for row in session.execute(select(outbox).order_by(outbox.c.id))]


def test_the_factory_photo_really_carries_gps() -> None:
    with Image.open(io.BytesIO(jpeg())) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_processes_once_into_every_derivative_without_metadata(runtime: Runtime, tmp_path: Path) -> None:
    submission = submitted(stored_photo(tmp_path, jpeg(2400, 1800)))
    assert handle(runtime, HANDLERS, "media", submission) is True
    assert handle(runtime, HANDLERS, "media", submission) is False

    [asset] = _assets(runtime)
    assert (asset.status, asset.width, asset.height, asset.region) == ("processed", 2400, 1800, "almaty")
    sizes = {}
    for file in asset.files:
        data = runtime.blobs.get(file["key"])
        assert file["key"].startswith(f"media/nom-0001/{asset.id}/")
        assert b"Exif" not in data and b"PhoneMaker" not in data and b"http://ns.adobe.com/xap" not in data
        with Image.open(io.BytesIO(data)) as derivative:
            assert derivative.format.lower() == file["format"]
            assert len(derivative.getexif()) == 0 and "icc_profile" not in derivative.info
            assert "xmp" not in derivative.info and "comment" not in derivative.info
            if derivative.format == "JPEG":
                assert derivative.info.get("progressive") == 1
            sizes[(file["name"], file["format"])] = derivative.size
        assert (file["width"], file["height"], file["bytes"]) == (*derivative.size, len(data))
    assert sizes == SIZES

    [message] = _outbox(runtime)
    assert message["type"] == "media.photo_processed" and message["producer"] == "media"
    assert message["payload"] == {
        "nomination_id": "nom-0001",
        "asset_id": asset.id,
        "derivatives": [file["key"] for file in asset.files],
        "nomination_revision": None,
    }
    # The asset also owns the original media keeps for banners (never listed nor announced).
    kept = rules.original_key("nom-0001", asset.id)
    assert sorted(asset.derivatives) == sorted([*(file["key"] for file in asset.files), kept])


def test_what_media_prints_of_the_candidate_is_kept(runtime: Runtime, tmp_path: Path) -> None:
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, jpeg())))
    with runtime.db.unit_of_work() as session:
        candidate = session.get(Candidate, "nom-0001")
        assert candidate.name["first_name"] == "Әлихан" and candidate.consent_publication is True
        assert (candidate.year, candidate.region, candidate.college_code) == (2026, "almaty", "ALM-017")


@pytest.mark.parametrize(
    ("data", "reason", "params"),
    [
        (jpeg(800, 800, image_format="PNG"), "not_jpeg", None),
        (jpeg(800, 800, image_format="WEBP"), "not_jpeg", None),
        (jpeg(800, 500), "too_small", {"minimum": 600}),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "unreadable", None),
        (jpeg(1200, 900)[:5000], "unreadable", None),
    ],
    ids=["png", "webp", "small", "garbage", "truncated"],
)
def test_unusable_photos_are_rejected_with_a_reason(
    runtime: Runtime, tmp_path: Path, data: bytes, reason: str, params: dict | None
) -> None:
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, data)))
    [asset] = _assets(runtime)
    assert (asset.status, asset.reason, asset.derivatives) == ("rejected", reason, [])
    [message] = _outbox(runtime)
    assert message["type"] == "media.photo_rejected"
    payload = message["payload"]
    assert (payload["reason"], payload.get("params")) == (reason, params)
    assert set(payload["text"]) == {"kk", "ru", "en"} and len(set(payload["text"].values())) == 3


def test_a_photo_altered_in_transit_is_rejected(runtime: Runtime, tmp_path: Path) -> None:
    photo = stored_photo(tmp_path, jpeg())
    photo["sha256"] = "f" * 64
    handle(runtime, HANDLERS, "media", submitted(photo))
    assert _assets(runtime)[0].reason == "checksum_mismatch"


def test_a_link_that_no_longer_works_is_a_rejection_not_a_retry(runtime: Runtime, tmp_path: Path) -> None:
    photo = stored_photo(tmp_path, jpeg())
    photo["url"] += "-gone"
    assert handle(runtime, HANDLERS, "media", submitted(photo)) is True
    assert _assets(runtime)[0].reason == "unavailable"


def test_no_photo_is_recorded_as_missing_and_announced(runtime: Runtime) -> None:
    handle(runtime, HANDLERS, "media", submitted(None))
    [asset] = _assets(runtime)
    assert (asset.status, asset.reason) == ("missing", "missing")
    payload = _outbox(runtime)[0]["payload"]
    assert (payload["nomination_id"], payload["reason"]) == ("nom-0001", "missing")


def test_a_new_photo_replaces_the_old_derivatives_under_new_keys(runtime: Runtime, tmp_path: Path) -> None:
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, jpeg(1600, 1200))))
    handle(
        runtime,
        HANDLERS,
        "media",
        event("nomination.amended", {"nomination_id": "nom-0001", "changed": ["language"], "language": "ru"}),
    )
    assert len(_assets(runtime)) == 1
    [first] = _assets(runtime)
    new_photo = stored_photo(tmp_path, jpeg(1000, 1400), "nom-0001/b")
    handle(
        runtime,
        HANDLERS,
        "media",
        event("nomination.amended", {"nomination_id": "nom-0001", "changed": ["photo"], "photo": new_photo}),
    )
    old, new = _assets(runtime)
    assert (old.status, old.files, new.status) == ("superseded", [], "processed")
    assert not set(first.derivatives) & set(new.derivatives)
    assert not any(runtime.blobs.exists(key) for key in first.derivatives)
    web = next(file for file in new.files if file["name"] == "web" and file["format"] == "jpeg")
    with Image.open(io.BytesIO(runtime.blobs.get(web["key"]))) as image:
        assert image.size == (1000, 1400)


def test_withdrawal_deletes_the_derivatives(runtime: Runtime, tmp_path: Path) -> None:
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, jpeg())))
    [made] = _assets(runtime)
    handle(runtime, HANDLERS, "media", event("nomination.withdrawn", {"nomination_id": "nom-0001"}))
    [asset] = _assets(runtime)
    assert (asset.status, asset.derivatives) == ("withdrawn", [])
    assert not any(runtime.blobs.exists(key) for key in made.derivatives)
    with runtime.db.unit_of_work() as session:
        assert session.get(Candidate, "nom-0001") is None


def test_candidate_registered_is_accepted_without_effect(runtime: Runtime) -> None:
    registered = event(
        "review.candidate_registered",
        {"nomination_id": "nom-0001", "candidate_id": "c-1", "stage": "internal"},
    )
    assert handle(runtime, HANDLERS, "media", registered) is True
    assert _assets(runtime) == [] and _outbox(runtime) == []
