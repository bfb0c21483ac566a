"""Intake and media share the photo's checks: intake refuses what its header and completeness show,
media decodes the pixels. A photo that only the decode can find damaged passes intake and is
rejected by media with a reason, which reaches the portal as the nomination's progress."""

from __future__ import annotations

import io

from PIL import Image

from services.intake.rules.photos import check_photo
from services.media.operations.imaging import process


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((800, 800), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _scan_start(data: bytes) -> int:
    with Image.open(io.BytesIO(data)) as image:
        return image.fp.tell()


def test_a_photo_damaged_inside_its_scans_passes_intake_and_media_rejects_it() -> None:
    data = _photo()
    at = _scan_start(data) + 5000
    damaged = data[:at] + b"\xff\xc0\x00\x11" + data[at + 4 :]  # a frame marker amid the scan
    photo, problems = check_photo(damaged)
    assert problems == [] and photo is not None
    assert process(damaged).reason == "unreadable"


def test_a_truncated_photo_is_refused_by_intake_before_media_sees_it() -> None:
    data = _photo()
    assert [p.code for p in check_photo(data[: len(data) * 2 // 3])[1]] == ["photo_unreadable"]
    assert process(data[: len(data) * 2 // 3]).reason == "unreadable"


def test_a_good_photo_passes_both() -> None:
    data = _photo()
    assert check_photo(data)[1] == [] and process(data).reason is None
