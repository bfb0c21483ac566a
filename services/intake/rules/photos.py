"""The student's photo: a real JPEG by its content, within size and pixel limits, and complete.

What is checked here, while the portal waits: the byte size; the JPEG's structure, parsed by Pillow
(every segment up to the first scan: the frame with its dimensions, the tables; a PNG or a renamed
file fails here, whatever its name or Content-Type says); the pixel limit and the short side from
that frame, so a decompression bomb is refused before anything is decoded; and that the scans run
to their end-of-image marker, so a truncated upload (the common damage) is refused too.

What is not done here: decoding the pixels. Media decodes every photo anyway, to strip its metadata
and make the web and thumbnail images, and a photo that fails there is reported back
(`media.photo_rejected`: the nomination's progress shows it, and notify asks the student for another), to
be replaced with `PUT .../photo` until 20 October. Decoding here as well cost about 10 ms of CPU
per megabyte (libjpeg-turbo's entropy decoding, even at 1/8 scale), as much as all the rest of a
submission, and capped intake below 100 submissions with photos a second on the 2 cores measured in
`bench/intake.py`; it also caught little more than the end-of-image check does, since libjpeg only
warns about most damage inside the scans.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image

from services.intake.rules.problems import Problem

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
                complete = _scans_complete(data, header)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None, [Problem("photo_too_many_pixels", {"maximum": MAX_PIXELS // 1_000_000})]
    except (Image.UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None, [Problem("photo_not_jpeg")]
    if width * height > MAX_PIXELS:
        return None, [Problem("photo_too_many_pixels", {"maximum": MAX_PIXELS // 1_000_000})]
    if not complete:
        return None, [Problem("photo_unreadable")]
    if min(width, height) < MIN_SHORT_SIDE:
        return None, [
            Problem("photo_too_small", {"minimum": MIN_SHORT_SIDE, "width": width, "height": height})
        ]
    return CheckedPhoto(data=data, sha256=hashlib.sha256(data).hexdigest(), width=width, height=height), []


def _scans_complete(data: bytes, header: Image.Image) -> bool:
    """Whether an end-of-image marker follows the first scan's header.

    Pillow's JPEG parser reads segment by segment and stops right after the first scan's header
    (start of scan, SOS), so its file position is where the entropy-coded data begins. Inside that
    data a 0xFF byte is always followed by 0x00 (stuffing) or a restart marker, and between the scans
    of a progressive JPEG come only tables and scan headers, so an FF D9 from there on is the end of
    the image: a truncated file has none. Searching from the start instead would be fooled by
    an embedded EXIF thumbnail, a whole small JPEG with its own end marker. Bytes some cameras append
    after the end are harmless.
    """
    if header.fp is None:
        return False
    # Searched from the end, where the marker of a complete file is: a forward search stops at every
    # stuffed 0xFF of the scans and took a millisecond a megabyte.
    return data.rfind(b"\xff\xd9", header.fp.tell()) != -1


def blob_key(year: int, nomination_id: str, sha256: str) -> str:
    """Keyed by content: a replacement never overwrites the photo a committed row points to."""
    return f"photos/{year}/{nomination_id}/{sha256[:16]}.jpg"
