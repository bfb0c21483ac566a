"""The photo checks on real bytes: JPEG by content, size, a pixel bomb refused before decoding."""

from __future__ import annotations

import io

from PIL import Image

from services.intake.rules.photos import MAX_PIXELS, check_photo
from services.intake.tests import factories


def with_dimensions(data: bytes, width: int, height: int) -> bytes:
    """A JPEG whose header claims other dimensions (the SOF0 marker), as a decompression bomb does."""
    at = data.index(b"\xff\xc0")
    return data[: at + 5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + data[at + 9 :]


def test_a_good_jpeg_passes_with_its_size_and_hash() -> None:
    data = factories.jpeg(600, 601)
    photo, problems = check_photo(data)
    assert problems == [] and (photo.width, photo.height, photo.size) == (600, 601, len(data))


def test_a_pixel_bomb_is_refused_from_its_header() -> None:
    bomb = with_dimensions(factories.jpeg(600, 600), 10000, 8000)
    with Image.open(io.BytesIO(bomb)) as image:
        assert image.size[0] * image.size[1] > MAX_PIXELS
    photo, problems = check_photo(bomb)
    assert photo is None and [p.code for p in problems] == ["photo_too_many_pixels"]
    huge = with_dimensions(factories.jpeg(600, 600), 65000, 65000)
    assert [p.code for p in check_photo(huge)[1]] == ["photo_too_many_pixels"]


def test_other_formats_and_damaged_files_are_refused() -> None:
    assert [p.code for p in check_photo(factories.png())[1]] == ["photo_not_jpeg"]
    assert [p.code for p in check_photo(b"GIF89a" + b"\0" * 100)[1]] == ["photo_not_jpeg"]
    assert [p.code for p in check_photo(b"")[1]] == ["photo_empty"]
    assert [p.code for p in check_photo(factories.jpeg(800, 800)[:1500])[1]] == ["photo_unreadable"]


def _with_comment(data: bytes, comment: bytes) -> bytes:
    """The JPEG with a COM segment right after its start marker."""
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return data[:2] + segment + data[2:]


def test_a_truncated_scan_is_refused_without_decoding_it() -> None:
    data = factories.jpeg(800, 800)
    for cut in (len(data) // 2, len(data) - 2):
        assert [p.code for p in check_photo(data[:cut])[1]] == ["photo_unreadable"]
    # A whole small JPEG before the scans (an EXIF thumbnail has its own scan and end marker) does
    # not make a truncated photo look complete.
    early_end = _with_comment(data, factories.jpeg(16, 16))
    assert check_photo(early_end)[1] == []
    assert [p.code for p in check_photo(early_end[: len(early_end) // 2])[1]] == ["photo_unreadable"]


def test_a_progressive_jpeg_is_checked_to_its_last_scan() -> None:
    buffer = io.BytesIO()
    Image.effect_noise((700, 900), 30).convert("RGB").save(buffer, "JPEG", progressive=True, quality=90)
    data = buffer.getvalue()
    assert check_photo(data)[1] == []
    assert [p.code for p in check_photo(data[: int(len(data) * 0.9)])[1]] == ["photo_unreadable"]


def test_bytes_after_the_end_of_the_image_are_harmless() -> None:
    data = factories.jpeg(700, 700) + b"camera trailer \x00\x01\x02" * 10
    photo, problems = check_photo(data)
    assert problems == [] and photo is not None and photo.size == len(data)
