"""The derivatives themselves: sizes, orientation, colour, no metadata, the face kept in every crop,
and every kind of bad input refused with a reason or processed correctly, never a crash."""

from __future__ import annotations

import io

import numpy
import pytest
from PIL import Image

from services.media import rules
from services.media.operations import faces, imaging
from services.media.tests import photos
from services.media.tests.test_handlers import SIZES


def _image(derivative: imaging.Derivative) -> Image.Image:
    return Image.open(io.BytesIO(derivative.data))


def _assert_clean(outcome: imaging.Outcome) -> None:
    """No EXIF, GPS, XMP, comment or ICC profile in any output, and sRGB-only (3-band) pixels."""
    assert outcome.derivatives
    for derivative in outcome.derivatives:
        with _image(derivative) as image:
            assert image.mode == "RGB"
            assert len(image.getexif()) == 0
            assert not set(image.info) & {"exif", "icc_profile", "xmp", "comment", "photoshop"}
        for marker in (
            b"Exif\x00",
            b"http://ns.adobe.com/xap",
            b"PhoneMaker",
            b"secret comment",
            b"ICC_PROFILE",
        ):
            assert marker not in derivative.data


def _pixel(derivative: imaging.Derivative, xy: tuple[float, float]) -> tuple[int, ...]:
    with _image(derivative) as image:
        return image.convert("RGB").getpixel((int(xy[0] * image.width), int(xy[1] * image.height)))


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def _named(outcome: imaging.Outcome, name: str, image_format: str = "jpeg") -> imaging.Derivative:
    return next(d for d in outcome.derivatives if d.name == name and d.format == image_format)


def test_every_derivative_has_its_size_and_format() -> None:
    data, _face = photos.with_face(4000, 3000, (2300, 400), 1400)
    outcome = imaging.process(data)
    assert (outcome.reason, outcome.width, outcome.height) == (None, 4000, 3000)
    assert {(d.name, d.format): (d.width, d.height) for d in outcome.derivatives} == SIZES
    for derivative in outcome.derivatives:
        with _image(derivative) as image:
            assert image.size == (derivative.width, derivative.height)
            assert image.format == derivative.format.upper()
    _assert_clean(outcome)


def test_gps_xmp_and_comments_are_gone() -> None:
    _assert_clean(imaging.process(photos.with_gps_and_xmp()))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_the_orientation_is_applied_before_the_metadata_goes(orientation: int) -> None:
    outcome = imaging.process(photos.oriented(orientation))
    assert (outcome.reason, outcome.width, outcome.height) == (None, 1200, 800)
    web = _named(outcome, "web")
    assert (web.width, web.height) == (1200, 800)
    assert _near(_pixel(web, (0.05, 0.05)), photos.RED)  # the red corner is at the top left
    assert _near(_pixel(web, (0.95, 0.95)), photos.BLUE)
    _assert_clean(outcome)


@pytest.mark.parametrize("orientation", [0, 9, 65535])
def test_an_orientation_outside_1_to_8_leaves_the_photo_as_it_is(orientation: int) -> None:
    outcome = imaging.process(photos.oriented(orientation))
    assert (outcome.reason, outcome.width, outcome.height) == (None, 1200, 800)
    assert _near(_pixel(_named(outcome, "web"), (0.05, 0.05)), photos.RED)


def test_a_cmyk_photo_comes_out_in_srgb_with_its_colours() -> None:
    outcome = imaging.process(photos.cmyk())
    assert outcome.reason is None
    web = _named(outcome, "web")
    red, cyan = _pixel(web, (0.25, 0.5)), _pixel(web, (0.75, 0.5))
    assert red[0] > 180 and red[1] < 90 and red[2] < 90
    assert cyan[0] < 90 and cyan[1] > 120 and cyan[2] > 180
    _assert_clean(outcome)


@pytest.mark.parametrize("colour", [(200, 30, 30), (30, 170, 60), (240, 130, 10)])
def test_a_display_p3_photo_keeps_its_colours_once_its_profile_is_gone(colour: tuple[int, int, int]) -> None:
    data = photos.display_p3(colour)
    with Image.open(io.BytesIO(data)) as stored:  # the file's numbers differ from the sRGB colour...
        assert not _near(stored.getpixel((10, 10)), colour, 8)
    outcome = imaging.process(data)
    for derivative in outcome.derivatives:  # ...the derivatives, profile-free, show the same colour
        assert _near(_pixel(derivative, (0.5, 0.5)), colour, 6), derivative.name
    _assert_clean(outcome)


def test_the_cascade_finds_the_astronauts_face_where_the_tests_expect_it() -> None:
    found = faces.largest_face(imaging.decode(photos.with_face(512, 512, (0, 0), 512)[0], 1))
    assert found is not None
    assert (
        abs(found.left - photos.ASTRONAUT_FACE.left) < 15 and abs(found.top - photos.ASTRONAUT_FACE.top) < 15
    )


@pytest.mark.parametrize(
    ("width", "height", "at", "side"),
    [
        (4000, 3000, (2500, 300), 1400),  # landscape, face top right
        (4000, 2400, (0, 1000), 1400),  # landscape, face bottom left
        (2400, 4000, (1000, 2600), 1400),  # portrait, face low and right
        (3000, 4000, (0, 0), 1200),  # portrait, face top left
    ],
)
def test_every_crop_keeps_the_face(width: int, height: int, at: tuple[int, int], side: int) -> None:
    data, face = photos.with_face(width, height, at, side)
    outcome = imaging.process(data)
    assert outcome.face is not None
    shrink = rules.shrink_on_load(width, height)
    found = outcome.face.scaled(shrink)  # back in the original's pixels
    assert abs(found.left - face.left) < 40 and abs(found.top - face.top) < 40
    decoded = imaging.decode(data, shrink)
    for spec in rules.DERIVATIVES:
        if spec.kind != "crop":
            continue
        box = rules.crop_box(decoded.width, decoded.height, spec.width, spec.height, outcome.face)
        assert box.contains(outcome.face), spec.name
        crop = _named(outcome, spec.name)
        seen = faces.largest_face(imaging.decode(crop.data, 1))
        assert seen is not None, f"no face in {spec.name}"


def test_without_a_face_the_crop_falls_back_to_saliency() -> None:
    image = Image.new("RGB", (3000, 2000), (128, 128, 128))
    image.paste((250, 200, 20), (2500, 200, 2900, 600))  # the one thing worth looking at
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    outcome = imaging.process(buffer.getvalue())
    assert outcome.face is None and outcome.reason is None
    square = numpy.asarray(_image(_named(outcome, "square")).convert("RGB"))
    assert (square[..., 2] < 100).any()  # the yellow square is in the square crop


def test_the_crop_box_is_pure_and_keeps_a_face_at_the_edge() -> None:
    face = rules.Box(1900, 10, 90, 90)
    box = rules.crop_box(2000, 1500, 1080, 1920, face)
    assert box.contains(face) and box.right == 2000 and box.top == 0
    assert rules.crop_box(2000, 1500, 1200, 630, None) == rules.Box(0, 225, 2000, 1050)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (photos.jpeg_declaring(20000, 20000), "too_large"),
        (photos.jpeg_declaring(65000, 800), "too_large"),
        (photos.png_bomb(), "not_jpeg"),
        (photos.with_app1(b"Exif\x00\x00" + b"\xff" * 200), None),
        (photos.with_app1(b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x7f\xff" + b"\x00" * 64), None),
        (photos.with_app1(b"Exif\x00\x00II*\x00\x08\x00\x00\x00" + b"\x01" * 65000), None),
        (photos.with_app1(b"http://ns.adobe.com/xap/1.0/\x00" + b"<" * 60000), None),
    ],
    ids=["bomb-20k", "bomb-wide", "png-bomb", "exif-garbage", "exif-bad-ifd", "exif-huge", "xmp-huge"],
)
def test_bad_input_is_refused_with_a_reason_or_processed(data: bytes, reason: str | None) -> None:
    outcome = imaging.process(data)
    assert outcome.reason == reason
    if reason is None:
        _assert_clean(outcome)


def test_a_50_megapixel_photo_is_decoded_small() -> None:
    image = Image.new("RGB", (8660, 5770), (90, 120, 160))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    del image
    assert rules.shrink_on_load(8660, 5770) == 4
    outcome = imaging.process(buffer.getvalue())
    assert (outcome.reason, outcome.width, outcome.height) == (None, 8660, 5770)
    assert {(d.name, d.format): (d.width, d.height) for d in outcome.derivatives}[("web", "jpeg")] == (
        1600,
        1066,
    )
    assert imaging.process(photos.jpeg_declaring(8700, 5800)).reason == "too_large"
