"""One photo in, every derivative out: decoded once, already small, by libvips (pyvips).

Why this order:
- The header is read first (libvips decodes nothing yet): a file that is not a JPEG whatever its
  name, or whose pixel count is over the limit (a decompression bomb), is refused before a pixel is
  decoded.
- The JPEG is then decoded once with shrink-on-load (`rules.shrink_on_load`): a 12 MP photo comes
  out of the decoder at 3 MP, which is the largest cost saved. A decoder warning (a truncated file, a
  damaged scan that libjpeg would fill with grey) is a rejection (`unreadable`): a student is asked
  for another photo rather than a damaged one being published.
- Colour: an embedded profile (Display-P3, Adobe RGB, a CMYK press profile) is converted to sRGB,
  and a CMYK photo without one goes through libvips's default CMYK profile, so the colours do not
  shift when the profile is dropped with the rest of the metadata.
- The EXIF orientation is applied to the pixels before anything is written; every output is saved
  with `keep=NONE`: no EXIF, GPS, XMP, IPTC, comment, nor ICC profile (sRGB is what a file without
  one means).
- libvips's own messages reach Python's logging as the logger `pyvips`: its INFO (about 50 lines a
  photo: threadpools, vector paths, shrink sizes) is demoted to DEBUG, its warnings kept (`quiet`).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

os.environ.setdefault("VIPS_CONCURRENCY", "1")  # one photo per worker; workers scale out, not threads

import pyvips

from services.media import rules
from services.media.operations import faces
from services.media.rules import Box

pyvips.cache_set_max(0)  # every photo is new: libvips's operation cache would only hold memory


class Chatter(logging.Filter):
    """A library's INFO as DEBUG: kept only where DEBUG is asked for; its warnings and errors as they are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        record.levelno, record.levelname = logging.DEBUG, logging.getLevelName(logging.DEBUG)
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)


def quiet(name: str) -> None:
    """Demote the INFO of the logger `name` (a library's own, not a child's) to DEBUG."""
    logger = logging.getLogger(name)
    if not any(isinstance(known, Chatter) for known in logger.filters):
        logger.addFilter(Chatter())


quiet("pyvips")

JPEG_QUALITY = 82
WEBP_QUALITY = 80
#: libwebp's effort (0-6): 2 is several times faster than its default 4 for a few percent more bytes.
WEBP_EFFORT = 2


@dataclass(frozen=True)
class Derivative:
    name: str
    format: str
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Outcome:
    """Either a reason to reject, or the upright original's size and the derivatives."""

    reason: str | None
    width: int = 0
    height: int = 0
    derivatives: tuple[Derivative, ...] = ()
    face: Box | None = None


def header(data: bytes) -> tuple[str | None, int, int, int]:
    """(format, width, height, orientation) read from the header alone; raises pyvips.Error."""
    image = pyvips.Image.new_from_buffer(data, "")
    loader = image.get("vips-loader")
    image_format = "jpeg" if loader.startswith("jpegload") else loader.removesuffix("load_buffer")
    orientation = image.get("orientation") if image.get_typeof("orientation") else 1
    return image_format, image.width, image.height, orientation if 1 <= orientation <= 8 else 1


def decode(data: bytes, shrink: int) -> pyvips.Image:
    """The photo upright, in 8-bit sRGB, in memory, decoded at 1/`shrink` of its size."""
    image = pyvips.Image.new_from_buffer(data, "", shrink=shrink, fail_on="warning")
    if image.get_typeof("orientation") and not 1 <= image.get("orientation") <= 8:
        image = image.copy()
        image.remove("orientation")  # a tag outside 1-8 means nothing: the photo is taken as it is
    if image.interpretation == "cmyk" or image.get_typeof("icc-profile-data"):
        image = image.icc_transform("srgb", embedded=True, intent="perceptual")
    elif image.interpretation != "srgb":
        image = image.colourspace("srgb")
    if image.bands > 3:
        image = image.extract_band(0, n=3)
    return image.cast("uchar").autorot().copy_memory()


def process(data: bytes, detect_faces: bool = True) -> Outcome:
    """Every derivative of `rules.DERIVATIVES`, or the reason the photo cannot be used."""
    try:
        image_format, width, height, orientation = header(data)
    except pyvips.Error:
        return Outcome("unreadable")
    width, height = rules.upright_size(width, height, orientation)
    reason = rules.photo_problem(image_format, width, height)
    if reason:
        return Outcome(reason, width, height)
    try:
        image = decode(data, rules.shrink_on_load(width, height))
        face = faces.largest_face(image) if detect_faces else None
        made = tuple(out for spec in rules.DERIVATIVES for out in _derivatives(image, spec, face))
    except pyvips.Error:
        return Outcome("unreadable", width, height)
    return Outcome(None, width, height, made, face)


def _derivatives(image: pyvips.Image, spec: rules.Spec, face: Box | None) -> list[Derivative]:
    if spec.kind == "fit":
        out = image.thumbnail_image(spec.width, height=spec.height, size="down")
    elif face is None:
        out = image.thumbnail_image(spec.width, height=spec.height, crop="attention")
    else:
        box = rules.crop_box(image.width, image.height, spec.width, spec.height, face)
        region = image.crop(box.left, box.top, box.width, box.height)
        out = region.thumbnail_image(spec.width, height=spec.height, size="force")
    return [Derivative(spec.name, fmt, encode(out, fmt), out.width, out.height) for fmt in spec.formats]


def encode(image: pyvips.Image, image_format: str, progressive: bool = True) -> bytes:
    """JPEG (progressive unless asked otherwise) or WebP, with no metadata at all.

    A progressive JPEG holds every coefficient of the image until it is written: 213 MB for the
    37 MP banner (bench/banner.py). So the print files are baseline JPEGs, written in strips."""
    if image_format == "jpeg":
        return image.jpegsave_buffer(Q=JPEG_QUALITY, interlace=progressive, keep=pyvips.ForeignKeep.NONE)
    return image.webpsave_buffer(Q=WEBP_QUALITY, effort=WEBP_EFFORT, keep=pyvips.ForeignKeep.NONE)


def print_square(data: bytes, side: int) -> pyvips.Image:
    """The banner's square photo from the original: upright, sRGB, cropped to keep the face, at most
    `side` px (never enlarged: a smaller original gives what it has, and the caller says its dpi).

    Decoded with the largest shrink-on-load that still leaves `side` px on the short edge, so a
    12 MP photo for a 3118 px square is decoded whole once (36 MB) and a 50 MP one at half size.
    Raises pyvips.Error on a file libvips cannot read.
    """
    _format, width, height, orientation = header(data)
    width, height = rules.upright_size(width, height, orientation)
    image = decode(data, rules.print_shrink(width, height, side))
    face = faces.largest_face(image)
    if face is None:
        crop = min(image.width, image.height)
        square = image.smartcrop(crop, crop, interesting="attention")
    else:
        box = rules.crop_box(image.width, image.height, 1, 1, face)
        square = image.crop(box.left, box.top, box.width, box.height)
    if square.width > side:
        square = square.thumbnail_image(side, height=side, size="force")
    return square.copy_memory()


def refocused(data: bytes, x: float, y: float) -> tuple[Derivative, ...]:
    """`square`, `card` and `story` again from the original, centred on the focus point (`x`, `y`:
    shares of the upright photo's sides) instead of the face: decoded as `process` decodes it."""
    _format, width, height, orientation = header(data)
    width, height = rules.upright_size(width, height, orientation)
    image = decode(data, rules.shrink_on_load(width, height))
    made: list[Derivative] = []
    for spec in rules.DERIVATIVES:
        if spec.name in rules.FOCUSED:
            out = focused_crop(image, spec.width, spec.height, x, y)
            made += [
                Derivative(spec.name, fmt, encode(out, fmt), out.width, out.height) for fmt in spec.formats
            ]
    return tuple(made)


def focused_crop(image: pyvips.Image, width: int, height: int, x: float, y: float) -> pyvips.Image:
    """The region `rules.focus_box` places, resized to width x height."""
    box = rules.focus_box(image.width, image.height, width, height, x, y)
    region = image.crop(box.left, box.top, box.width, box.height)
    return region.thumbnail_image(width, height=height, size="force")


#: A preview's longer side: small enough to be drawn in a request, large enough to judge the crop.
PREVIEW_SIDE = 320


def preview(data: bytes, name: str, x: float, y: float) -> bytes:
    """A small JPEG of the crop `name` would get at the focus point, drawn from a derivative that
    holds the whole photo (`web`): shown before the crop point is saved."""
    spec = next(spec for spec in rules.DERIVATIVES if spec.name == name)
    scale = PREVIEW_SIDE / max(spec.width, spec.height)
    image = pyvips.Image.new_from_buffer(data, "")
    out = focused_crop(image, round(spec.width * scale), round(spec.height * scale), x, y)
    return encode(out, "jpeg")
