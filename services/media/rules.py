"""Media's rules for a photo, as pure functions: what is acceptable, and how big each derivative is."""

from __future__ import annotations

#: The regulation asks for a JPEG; intake's API promises at least 600 px on the short side.
MIN_SHORT_SIDE = 600
MAX_PIXELS = 50_000_000
#: Derivative name -> longest edge in pixels (never enlarged).
DERIVATIVES: dict[str, int] = {"web": 1200, "thumb": 400}

REASONS = ("missing", "not_jpeg", "too_small", "too_large", "unreadable", "checksum_mismatch")


def photo_problem(image_format: str | None, width: int, height: int) -> str | None:
    """Why a decoded image cannot be used, or None when it can."""
    if image_format != "JPEG":
        return "not_jpeg"
    if min(width, height) < MIN_SHORT_SIDE:
        return "too_small"
    if width * height > MAX_PIXELS:
        return "too_large"
    return None


def fit(width: int, height: int, longest: int) -> tuple[int, int]:
    """The size that fits `longest` on the long edge, keeping the aspect ratio, never enlarging."""
    scale = min(1.0, longest / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def derivative_key(nomination_id: str, name: str) -> str:
    return f"media/{nomination_id}/{name}.jpg"


def derivative_keys(nomination_id: str) -> list[str]:
    """Every key a nomination's derivatives can have: each photo of it is written under the same ones."""
    return [derivative_key(nomination_id, name) for name in DERIVATIVES]
