"""Generated photos for media's tests: oriented, CMYK, Display-P3, with a real face off-centre, bombs.

The face is NASA's portrait of astronaut Eileen Collins (public domain), as scikit-image ships it
(`skimage.data.astronaut()`), pasted into a larger plain photo away from its centre.
"""

from __future__ import annotations

import functools
import io

import pyvips
from PIL import ExifTags, Image

from services.media.rules import Box

#: Where OpenCV's cascade finds the astronaut's face in the 512 x 512 original (checked in a test).
ASTRONAUT_FACE = Box(177, 66, 95, 95)
#: The inverse of each EXIF orientation's transform: stored like this, the photo shows upright.
_STORED = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}
RED, BLUE = (220, 20, 20), (20, 20, 220)


def _jpeg(image: Image.Image, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, **options)
    return buffer.getvalue()


@functools.cache
def astronaut() -> Image.Image:
    from skimage import data

    return Image.fromarray(data.astronaut())


def upright(width: int = 1200, height: int = 800) -> Image.Image:
    """Blue, with a red block in the top-left corner: which way is up is plain to see."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 4, height // 4))
    return image


def oriented(orientation: int) -> bytes:
    """`upright()` stored so that EXIF `orientation` turns it back upright."""
    image = upright()
    stored = image.transpose(_STORED[orientation]) if orientation in _STORED else image
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    return _jpeg(stored, exif=exif.tobytes())


def with_face(width: int, height: int, at: tuple[int, int], side: int) -> tuple[bytes, Box]:
    """A photo with the astronaut (`side` px square) pasted at `at`, and where her face is in it."""
    canvas = Image.new("RGB", (width, height), (120, 140, 160))
    canvas.paste(astronaut().resize((side, side)), at)
    face = ASTRONAUT_FACE.scaled(side / 512)
    return _jpeg(canvas), Box(face.left + at[0], face.top + at[1], face.width, face.height)


def cmyk() -> bytes:
    """A CMYK JPEG without a profile: red ink (magenta and yellow) on the left, cyan on the right."""
    image = Image.new("CMYK", (1000, 800), (0, 255, 255, 0))
    image.paste((255, 0, 0, 0), (500, 0, 1000, 800))
    return _jpeg(image)


def display_p3(colour: tuple[int, int, int]) -> bytes:
    """A photo of one sRGB `colour`, converted to Display-P3 and saved with the P3 profile."""
    srgb = pyvips.Image.black(900, 700).new_from_image(list(colour)).copy(interpretation="srgb")
    p3 = srgb.icc_transform("p3", input_profile="srgb", embedded=False).cast("uchar")
    return p3.jpegsave_buffer(Q=95)


def jpeg_declaring(width: int, height: int) -> bytes:
    """A tiny JPEG whose header declares `width` x `height` (a decompression bomb)."""
    data = bytearray(_jpeg(Image.new("RGB", (16, 16))))
    frame = data.index(b"\xff\xc0")  # SOF0: length(2) precision(1) height(2) width(2)
    data[frame + 5 : frame + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


def png_bomb() -> bytes:
    """A PNG of 30000 x 30000 pixels that compresses to a few hundred kilobytes."""
    buffer = io.BytesIO()
    Image.new("1", (30000, 30000)).save(buffer, "PNG")
    return buffer.getvalue()


def with_app1(payload: bytes) -> bytes:
    """A good photo with an extra APP1 segment carrying `payload` (EXIF that may be malformed)."""
    data = _jpeg(upright(1000, 800))
    segment = b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload
    return data[:2] + segment + data[2:]


def with_gps_and_xmp() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (43.0, 15.0, 30.5)}
    )
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>'
    return _jpeg(upright(1600, 1200), exif=exif.tobytes(), xmp=xmp, comment=b"secret comment")
