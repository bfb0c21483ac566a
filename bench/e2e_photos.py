"""Camera-like photos for `bench/e2e.py`: 12 MP JPEGs, each its own, with a face somewhere in it.

One textured background (coarse noise, as `bench/media.py` makes it) and one real face (the
public-domain astronaut portrait from scikit-image) are made once per process; each photo puts the
face at a position and size of its own, tints it, and is encoded afresh, so no two files (nor their
hashes) are alike. Every 7th photo is CMYK (a scanner's or a print shop's JPEG), every 5th is stored
turned a quarter and says so in its EXIF orientation (a phone held upright). About 0.1 s of CPU each.
"""

from __future__ import annotations

import io
import random
from functools import lru_cache
from pathlib import Path

WIDTH, HEIGHT = 4000, 3000


@lru_cache(maxsize=1)
def _base() -> tuple[object, object]:
    from PIL import Image
    from skimage import data

    noise = Image.effect_noise((800, 600), 64).convert("L").resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    canvas = Image.merge(
        "RGB", (noise, noise.point(lambda v: v * 0.8 + 30), noise.point(lambda v: v * 0.6 + 60))
    )
    return canvas, Image.fromarray(data.astronaut())


def kind(index: int) -> str:
    """`cmyk`, `rotated` or `plain`: what the photo of this index tests in media's pipeline."""
    if index % 7 == 3:
        return "cmyk"
    if index % 5 == 1:
        return "rotated"
    return "plain"


def photo(seed: int, index: int) -> bytes:
    """The photo of nomination `index` of a load made with `seed` (the same bytes every time)."""
    from PIL import ExifTags, Image

    rng = random.Random(seed * 100_003 + index)
    background, face = _base()
    canvas = background.copy()  # type: ignore[attr-defined]
    side = rng.randrange(1100, 1600)
    gain = rng.uniform(0.8, 1.2)
    tinted = face.resize((side, side)).point([min(255, int(v * gain)) for v in range(256)] * 3)  # type: ignore[attr-defined]
    canvas.paste(tinted, (rng.randrange(0, WIDTH - side), rng.randrange(0, HEIGHT - side)))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 1
    what = kind(index)
    if what == "rotated":
        canvas = canvas.transpose(Image.Transpose.ROTATE_90)  # shown upright after orientation 6
        exif[ExifTags.Base.Orientation] = 6
    if what == "cmyk":
        canvas = canvas.convert("CMYK")
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=88, exif=exif.tobytes())
    return buffer.getvalue()


def path_of(folder: str | Path, index: int) -> Path:
    """Where photo `index` lies in `folder`."""
    return Path(folder) / f"{index:05d}.jpg"


def write(seed: int, index: int, folder: str) -> str:
    """Make photo `index` into `folder` (for a process pool); returns its path. Written under another
    name and renamed, so a run stopped halfway leaves no half photo for the next run to reuse."""
    path = path_of(folder, index)
    partial = path.with_suffix(".part")
    partial.write_bytes(photo(seed, index))
    partial.replace(path)
    return str(path)
