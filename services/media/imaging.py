"""Decoding a photo for real and re-encoding it without its metadata (Pillow, bytes in, bytes out).

Re-encoding from pixels is what removes EXIF (and with it GPS, camera serials, the original
thumbnail) and XMP: nothing of the original file but its pixels and its colour profile survives.
The EXIF orientation is applied to the pixels first, so a phone photo is not left lying on its side.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from services.media import rules


@dataclass(frozen=True)
class Derivative:
    name: str
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Outcome:
    """Either a reason to reject, or the original's size and the derivatives."""

    reason: str | None
    width: int = 0
    height: int = 0
    derivatives: tuple[Derivative, ...] = ()


def process(data: bytes) -> Outcome:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            reason = rules.photo_problem(image.format, width, height)
            if reason:
                return Outcome(reason, width, height)
            image.load()
            upright = ImageOps.exif_transpose(image) or image
            icc_profile = image.info.get("icc_profile")
            pixels = upright.convert("RGB")
    except Image.DecompressionBombError:
        return Outcome("too_large")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return Outcome("unreadable")
    derivatives = tuple(
        _derivative(pixels, name, edge, icc_profile) for name, edge in rules.DERIVATIVES.items()
    )
    return Outcome(None, pixels.width, pixels.height, derivatives)


def _derivative(pixels: Image.Image, name: str, longest: int, icc_profile: bytes | None) -> Derivative:
    size = rules.fit(pixels.width, pixels.height, longest)
    resized = pixels.resize(size, Image.Resampling.LANCZOS) if size != pixels.size else pixels.copy()
    resized.info = {}
    buffer = io.BytesIO()
    options: dict[str, object] = {"quality": 85, "optimize": True, "progressive": True}
    if icc_profile:
        options["icc_profile"] = icc_profile
    resized.save(buffer, "JPEG", **options)
    return Derivative(name, buffer.getvalue(), *size)
