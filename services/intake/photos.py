"""The student's photo: a real JPEG, decoded with Pillow, within size and pixel limits.

The checks run in order of cost so that a hostile upload is refused before it costs memory: the byte
size first, then the header (format and dimensions, which Pillow reads without decoding), and only
then a full `verify()` and `load()` of the pixels. A file whose header claims more than the pixel
limit is never decoded (Pillow's own DecompressionBombError guard is kept as a second line).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image

from services.intake.rules import Problem

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000
MIN_SHORT_SIDE = 600
CONTENT_TYPE = "image/jpeg"


@dataclass(frozen=True)
class CheckedPhoto:
    data: bytes
    sha256: str
    width: int
    height: int

    @property
    def size(self) -> int:
        return len(self.data)


def check_photo(data: bytes) -> tuple[CheckedPhoto | None, list[Problem]]:
    """The photo and no problems, or None and what is wrong with it."""
    if not data:
        return None, [Problem("photo_empty")]
    if len(data) > MAX_BYTES:
        return None, [Problem("photo_too_large", {"maximum": MAX_BYTES // (1024 * 1024)})]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG"]) as header:
                width, height = header.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None, [Problem("photo_too_many_pixels", {"maximum": MAX_PIXELS // 1_000_000})]
    except (Image.UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None, [Problem("photo_not_jpeg")]
    if width * height > MAX_PIXELS:
        return None, [Problem("photo_too_many_pixels", {"maximum": MAX_PIXELS // 1_000_000})]
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            image.verify()
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            # Every byte of the entropy-coded scans is decoded (a damaged or truncated file fails
            # here), but at 1/8 scale: the full-size pixels are media's business, and this halves
            # the cost of the check on the request path.
            image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
            image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None, [Problem("photo_unreadable")]
    if min(width, height) < MIN_SHORT_SIDE:
        return None, [
            Problem("photo_too_small", {"minimum": MIN_SHORT_SIDE, "width": width, "height": height})
        ]
    return CheckedPhoto(data=data, sha256=hashlib.sha256(data).hexdigest(), width=width, height=height), []


def blob_key(year: int, nomination_id: str, sha256: str) -> str:
    """Keyed by content: a replacement never overwrites the photo a committed row points to."""
    return f"photos/{year}/{nomination_id}/{sha256[:16]}.jpg"
