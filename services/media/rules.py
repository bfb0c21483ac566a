"""Media's rules for a photo, as pure functions: what is acceptable, which derivatives exist and where
each crop goes so that it keeps the face.

The derivative table is fixed (pages and printers rely on it): two sizes that fit a long edge and
keep the photo's proportions, three crops of an exact size for social networks and link previews.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shared.identity import Identity
    from shared.regions import Region

#: The regulation asks for a JPEG; intake's API promises at least 600 px on the short side.
MIN_SHORT_SIDE = 600
#: Checked on the header, before a single pixel is decoded (a decompression bomb stops here).
MAX_PIXELS = 50_000_000
#: What media reads of a photo at most (intake accepts 15 MB): a bigger body is refused unread.
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Spec:
    """One derivative: `fit` keeps the proportions within width x height, `crop` fills it exactly."""

    name: str
    kind: str
    width: int
    height: int
    formats: tuple[str, ...]


DERIVATIVES: tuple[Spec, ...] = (
    Spec("thumb", "fit", 400, 400, ("jpeg",)),
    Spec("web", "fit", 1600, 1600, ("jpeg", "webp")),
    Spec("square", "crop", 1080, 1080, ("jpeg",)),
    Spec("card", "crop", 1200, 630, ("jpeg", "webp")),
    Spec("story", "crop", 1080, 1920, ("jpeg",)),
)
EXTENSIONS = {"jpeg": "jpg", "webp": "webp", "pdf": "pdf"}
CONTENT_TYPES = {"jpeg": "image/jpeg", "webp": "image/webp", "pdf": "application/pdf"}

REASONS = ("missing", "not_jpeg", "too_small", "too_large", "unreadable", "checksum_mismatch", "unavailable")


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def contains(self, other: Box) -> bool:
        return (
            self.left <= other.left
            and self.top <= other.top
            and other.right <= self.right
            and other.bottom <= self.bottom
        )

    def scaled(self, factor: float) -> Box:
        return Box(
            round(self.left * factor),
            round(self.top * factor),
            round(self.width * factor),
            round(self.height * factor),
        )


def photo_problem(image_format: str | None, width: int, height: int) -> str | None:
    """Why a photo cannot be used, judged on its header only (format and size), or None when it can."""
    if image_format != "jpeg":
        return "not_jpeg"
    if width * height > MAX_PIXELS:
        return "too_large"
    if min(width, height) < MIN_SHORT_SIDE:
        return "too_small"
    return None


def problem_params(reason: str) -> dict[str, int]:
    """The figures notify needs to word a rejection (the limit the photo missed)."""
    if reason == "too_small":
        return {"minimum": MIN_SHORT_SIDE}
    if reason == "too_large":
        return {"maximum_megapixels": MAX_PIXELS // 1_000_000}
    return {}


def upright_size(width: int, height: int, orientation: int) -> tuple[int, int]:
    """The size once the EXIF orientation is applied: 5-8 turn the photo a quarter; others do not."""
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def shrink_on_load(width: int, height: int) -> int:
    """The largest JPEG shrink (1, 2, 4 or 8) that still leaves every derivative enough pixels.

    The decoder scales by these factors almost for free (it skips the fine DCT coefficients), so
    the photo is decoded once, already small: its long edge stays at least the web size and its
    short edge at least the square's side, so only the story crop of a landscape photo is enlarged.
    """
    longest = max(spec.width for spec in DERIVATIVES if spec.kind == "fit")
    square = min(spec.width for spec in DERIVATIVES if spec.kind == "crop")
    factor = 1
    for candidate in (2, 4, 8):
        if max(width, height) // candidate >= longest and min(width, height) // candidate >= square:
            factor = candidate
    return factor


def print_shrink(width: int, height: int, side: int) -> int:
    """The largest JPEG shrink (1, 2, 4 or 8) that leaves a square of `side` px on the short edge."""
    factor = 1
    for candidate in (2, 4, 8):
        if min(width, height) // candidate >= side:
            factor = candidate
    return factor


def pixels_at(mm: float, dpi: int) -> int:
    """How many pixels `mm` millimetres are at `dpi` dots per inch."""
    return round(mm / 25.4 * dpi)


def effective_dpi(pixels: int, mm: float) -> int:
    """The resolution `pixels` give when printed `mm` millimetres wide."""
    return round(pixels * 25.4 / mm)


#: Under this, a photo printed on a banner looks soft from close by: the media team is warned.
LOW_DPI = 100


def largest_region(width: int, height: int, target_w: int, target_h: int) -> tuple[int, int]:
    """The size of the largest region of the target's proportions inside a width x height photo."""
    ratio = target_w / target_h
    crop_w, crop_h = (
        (width, round(width / ratio)) if width / height < ratio else (round(height * ratio), height)
    )
    return min(crop_w, width), min(crop_h, height)


#: The derivatives whose crop the media team may move (`focus_box`); the rest keep the whole photo.
FOCUSED = tuple(spec.name for spec in DERIVATIVES if spec.kind == "crop")


def focus_box(width: int, height: int, target_w: int, target_h: int, x: float, y: float) -> Box:
    """The largest region of the target's proportions centred on the focus point (`x`, `y`: shares
    of the width and height, 0 to 1), pushed back inside the photo: imgproxy's focus-point gravity."""
    crop_w, crop_h = largest_region(width, height, target_w, target_h)
    left = min(max(round(x * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(y * height - crop_h / 2), 0), height - crop_h)
    return Box(left, top, crop_w, crop_h)


def focus_point(x: float | None, y: float | None) -> tuple[float, float] | None:
    """A focus point given in percent (0 to 100) as shares (0 to 1), or None if either is missing
    or outside the photo."""
    if x is None or y is None or not (0 <= x <= 100 and 0 <= y <= 100):
        return None
    return round(x / 100, 4), round(y / 100, 4)


def clicked_point(px: int, py: int, shown_w: int, shown_h: int) -> tuple[float, float]:
    """Where a click on the photo shown `shown_w` x `shown_h` px fell, in percent of its sides."""
    return (
        round(min(max(px / shown_w, 0.0), 1.0) * 100, 1),
        round(min(max(py / shown_h, 0.0), 1.0) * 100, 1),
    )


def crop_box(width: int, height: int, target_w: int, target_h: int, face: Box | None) -> Box:
    """The largest region of the target's proportions inside the photo, placed to keep the face.

    The face is centred across and put at 40% of the height (a portrait's usual headroom), then the
    region is pushed back inside the photo: since the region is as large as the photo allows, a face
    that fits in it stays whole. Without a face the region is centred (the caller may ask for a
    saliency crop instead).
    """
    crop_w, crop_h = largest_region(width, height, target_w, target_h)
    if face is None:
        left, top = (width - crop_w) // 2, (height - crop_h) // 2
    else:
        left = round(face.left + face.width / 2 - crop_w / 2)
        top = round(face.top + face.height / 2 - crop_h * 0.4)
        if face.height <= crop_h:  # keep the whole face even where headroom would cut its chin
            top = min(max(top, face.bottom - crop_h), face.top)
        if face.width <= crop_w:
            left = min(max(left, face.right - crop_w), face.left)
    left = min(max(left, 0), width - crop_w)
    top = min(max(top, 0), height - crop_h)
    return Box(left, top, crop_w, crop_h)


def spread(heights: list[int], room: int, weights: list[float]) -> list[int]:
    """Where each block of a poster starts so that together they fill `room`: the space the blocks
    leave is shared among the gaps before, between and after them by `weights` (one more weight than
    blocks), so a short text leaves no empty third at the bottom. Blocks that overfill get no gaps."""
    spare = max(0, room - sum(heights))
    total = sum(weights) or 1.0
    tops, y = [], 0.0
    for height, weight in zip(heights, weights, strict=False):
        y += spare * weight / total
        tops.append(round(y))
        y += height
    return tops


def derivative_key(nomination_id: str, asset_id: str, name: str, image_format: str) -> str:
    """Under the asset's own id: a new photo's derivatives never take the keys (and links) of the old."""
    return f"media/{nomination_id}/{asset_id}/{name}.{EXTENSIONS[image_format]}"


def original_key(nomination_id: str, asset_id: str) -> str:
    """Where media keeps the original it prints banners from (never listed nor linked)."""
    return f"media/{nomination_id}/{asset_id}/original.jpg"


def banner_key(nomination_id: str, asset_id: str, stage: str, name: str, image_format: str) -> str:
    """Under the photo's asset id too: a banner made from a new photo never takes the old one's keys."""
    return f"banners/{nomination_id}/{asset_id}/{stage}/{name}.{EXTENSIONS[image_format]}"


def slug(name: str) -> str:
    """A file or folder name from the student's name, Kazakh letters kept (ZIP names are UTF-8)."""
    return re.sub(r"[^\w-]+", "_", name, flags=re.UNICODE).strip("_")[:60]


def files_archive_name(name: str, nomination_id: str) -> str:
    """The name of the ZIP of one candidate's files: their name, then the nomination's first 8."""
    return f"{slug(name) or nomination_id}-{nomination_id[:8]}.zip"


def kit_key(kit_id: str) -> str:
    return f"kits/{kit_id}.zip"


def kit_stage(stage: str) -> str:
    """The candidate stage a kit of `stage` ("republican" or "winners") gathers."""
    return "winner" if stage == "winners" else "republican"


#: The programme's target for the year: "more than 20 materials" in the media.
PUBLICATIONS_TARGET = 21


def publications_progress(count: int) -> float:
    """Share of the year's publication target reached (capped at 1)."""
    return min(1.0, count / PUBLICATIONS_TARGET)


#: What the media team may see, as at review: the candidates the working group received, and the winners.
PUBLISHABLE_STAGES = ("republican", "winner")


#: The derivatives the public may see (review's public pages): the social card and the web photo.
PUBLIC_DERIVATIVES = ("card", "web")


def public_derivative(name: str) -> tuple[str, str] | None:
    """`card`, `web` (JPEG), or either followed by `.webp` or `.jpg`, as (derivative, format); None
    for any other name: nothing but these two is ever public."""
    stem, dot, extension = name.partition(".")
    formats = {"": "jpeg", "jpg": "jpeg", "webp": "webp"}
    if stem not in PUBLIC_DERIVATIVES or (dot and extension not in ("jpg", "webp")):
        return None
    return stem, formats[extension]


def publishable(consented: bool, stage: str | None) -> bool:
    """Whether the media team may see a candidate at all: consented to publication and advanced to
    the republican stage (or won). Any other candidate does not exist for them (404)."""
    return consented and stage in PUBLISHABLE_STAGES


def may_see_photo(caller: Identity, region: str, consented: bool, stage: str | None) -> bool:
    """Whether `caller` may see a candidate's photo: a regional commission only its region's, the
    national ones and the administrators every one, the media team only publishable candidates."""
    if caller.role == "media":
        return publishable(consented, stage)
    return caller.sees(region)


#: The decided stage whose decision each of media's stages comes from: the regional decision makes
#: a republican candidate, the republican one a winner.
DECIDED_BY = {"republican": "regional", "winner": "republican"}
#: Where a candidate stands when a decision of a stage does not advance it: a regional correction
#: takes everything back; a republican one leaves the candidate at the republican stage.
NOT_ADVANCED_STAGE: dict[str, str | None] = {"regional": None, "republican": "republican"}
_STAGE_ORDER = {None: 0, "republican": 1, "winner": 2}


def decision_number(sequence: int | None) -> int:
    """A decision event's sequence; one written before sequences existed counts as the first."""
    return sequence or 1


def not_older(sequence: int | None, held: int | None) -> bool:
    """Whether an advancement (or a winners' list) of this sequence still stands: it is not older
    than the newest decision of its scope media applied (the same decision may come twice)."""
    return held is None or decision_number(sequence) >= held


def newer(sequence: int | None, held: int | None) -> bool:
    """Whether a decision not to advance is newer than the one media applied: a correction, not a
    late copy of an older decision."""
    return held is None or decision_number(sequence) > held


def withdrawn_stage(current: str | None, decided_stage: str) -> str | None:
    """The stage a candidate falls back to when a decision of `decided_stage` does not advance it,
    or None if it stands no higher than that already (nothing to withdraw)."""
    fallback = NOT_ADVANCED_STAGE[decided_stage]
    return fallback if _STAGE_ORDER[current] > _STAGE_ORDER[fallback] else current


def full_name(name: dict[str, str | None] | None) -> str:
    """The name as the student spells it: last, first, patronymic."""
    name = name or {}
    return " ".join(
        part for part in (name.get("last_name"), name.get("first_name"), name.get("patronymic")) if part
    )


# --- Finding a candidate -------------------------------------------------------------------------


def fold(text: str) -> str:
    """Text as the search compares it: composed, case-folded (Ә and ә, І and і alike) and with runs
    of spaces made one, the same in SQLite and PostgreSQL because Python does it."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def search_text(name: Mapping[str, str | None], college_names: Mapping[str, str], college_code: str) -> str:
    """What the media team's search finds a candidate by, folded: the name as the student spells it,
    the college's names in every language and its code (`Candidate.search_text`)."""
    parts = [full_name(dict(name)), *dict.fromkeys(college_names.values()), college_code]
    return fold(" | ".join(part for part in parts if part))[:600]


def region_found(word: str, region: Region) -> bool:
    """Whether a folded search word names `region` (part of its name in any language, or its code)."""
    return any(word in fold(text) for text in (region.code, *region.names.values(), *region.aliases))
