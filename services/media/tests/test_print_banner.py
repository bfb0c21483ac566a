"""The print banner's photo comes from the original, upright and in sRGB, at the banner's resolution
(150 dpi at print size, or the original's full resolution when it has fewer pixels), not from the
1080 px square (about 50 dpi on a 600 mm banner); the banner says its dpi, and the media team is
warned under 100 dpi. Media keeps the original it printed from: privately, and not a day longer than
the photo's other files."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from services.media import rules
from services.media.app import create_app
from services.media.handlers import HANDLERS
from services.media.models import Asset, Candidate, outbox
from services.media.operations import banners, imaging
from services.media.tests import photos
from services.media.tests.factories import event, media_token, stored_photo, submitted
from shared import testing
from shared.handling import handle
from shared.runtime import Runtime

FACTS = banners.Facts("Өмірзақ Іңкәр", {"kk": "Колледж"}, {"kk": "Алматы"}, "winner", None)
WARNINGS = {
    "en": "Under 100 dpi at print size",
    "ru": "Меньше 100 dpi при печати",
    "kk": "Басып шығарғанда 100 dpi-дан аз",
}


def _pdf_images(pdf: bytes, folder: Path) -> list[tuple[int, int]]:
    """(width, height) of every image the PDF embeds, as poppler's pdfimages lists them."""
    testing.require_tool("pdfimages", "poppler-utils", "the banner's images are not listed")
    path = folder / "banner.pdf"
    path.write_bytes(pdf)
    listed = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    rows = [line.split() for line in listed.stdout.splitlines()[2:] if line.strip()]
    return [(int(row[3]), int(row[4])) for row in rows]


def _advanced() -> object:
    payload = {
        "candidate_id": "c-1",
        "nomination_id": "nom-0001",
        "year": 2026,
        "stage": "republican",
        "to_stage": "winner",
        "decision_id": "d-1",
    }
    return event("candidate.advanced", payload)


def test_a_banner_is_drawn_from_the_original_and_says_its_dpi(runtime: Runtime, tmp_path: Path) -> None:
    """A 3000 x 2000 photo: its 2000 px square printed 528 mm wide is 96 dpi (the square gave 52)."""
    data, _face = photos.with_face(3000, 2000, (1500, 200), 1200)
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, data)))
    handle(runtime, HANDLERS, "media", _advanced())
    with runtime.db.unit_of_work() as session:
        made = {(f["name"], f["format"]): f for f in session.get(Candidate, "nom-0001").banners}
    assert made[("banner", "jpeg")]["dpi"] == made[("banner", "pdf")]["dpi"] == 96
    assert "dpi" not in made[("social_kk", "jpeg")]
    assert _pdf_images(runtime.blobs.get(made[("banner", "pdf")]["key"]), tmp_path) == [(2000, 2000)]

    client = create_app(runtime).test_client()
    auth = {"Authorization": f"Bearer {media_token(runtime)}"}
    [item] = client.get("/api/v1/assets?nomination_id=nom-0001", headers=auth).get_json()["items"]
    listed = {(d["name"], d["format"]): d for d in item["derivatives"]}
    assert (listed[("banner", "pdf")]["dpi"], listed[("banner", "pdf")]["low_dpi"]) == (96, True)
    assert "original" not in {d["name"] for d in item["derivatives"]}
    for language, warning in WARNINGS.items():
        page = client.get(f"/candidates/nom-0001?lang={language}", headers=auth).get_data(as_text=True)
        assert re.search(r"96\s*dpi", page) and warning in page, language


def test_a_large_enough_original_gives_the_banners_own_resolution(tmp_path: Path) -> None:
    """On a 100 mm banner the photo is 88 mm wide: 520 px at 150 dpi, from a 1600 x 1200 original."""
    data, _face = photos.with_face(1600, 1200, (700, 100), 900)
    made = banners.make_all(FACTS, data, mm=(100, 300), dpi=150)
    assert [(m.name, m.format, m.dpi) for m in made][:2] == [("banner", "pdf", 150), ("banner", "jpeg", 150)]
    assert _pdf_images(made[0].data, tmp_path) == [(520, 520)]
    small = banners.make_all(FACTS, photos.with_face(640, 480, (100, 0), 400)[0], mm=(100, 300), dpi=150)
    assert small[0].dpi == round(480 * 25.4 / 88) and _pdf_images(small[0].data, tmp_path) == [(480, 480)]


def test_the_square_is_upright_and_srgb_whatever_the_original() -> None:
    turned = imaging.print_square(photos.oriented(6), 400)
    assert (turned.width, turned.height, turned.bands, turned.interpretation) == (400, 400, 3, "srgb")
    cmyk = imaging.print_square(photos.cmyk(), 400)
    assert (cmyk.bands, cmyk.interpretation) == (3, "srgb")
    red, cyan = cmyk.getpoint(5, 200), cmyk.getpoint(395, 200)
    assert red[0] > 180 and red[1] < 90 and cyan[0] < 90 and cyan[2] > 180
    with Image.open(io.BytesIO(imaging.encode(turned, "jpeg"))) as encoded:
        assert len(encoded.getexif()) == 0


def test_the_original_is_kept_privately_and_goes_with_the_photo(runtime: Runtime, tmp_path: Path) -> None:
    data, _face = photos.with_face(2000, 1500, (800, 100), 1000)
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, data)))
    with runtime.db.unit_of_work() as session:
        asset = session.scalars(select(Asset)).one()
        key = rules.original_key(asset.nomination_id, asset.id)
        assert key in asset.derivatives and key not in {f["key"] for f in asset.files}
        announced = [json.loads(row.body)["payload"] for row in session.execute(select(outbox))]
    assert runtime.blobs.get(key) == data
    assert key not in announced[0]["derivatives"] and len(announced[0]["derivatives"]) == 7
    withdrawal = event("nomination.withdrawn", {"nomination_id": "nom-0001", "reason": "student"})
    handle(runtime, HANDLERS, "media", withdrawal)
    with pytest.raises(Exception):  # noqa: B017 (each store raises its own "not found")
        runtime.blobs.get(key)


def test_a_banner_from_a_photo_processed_before_media_kept_originals(
    runtime: Runtime, tmp_path: Path
) -> None:
    """Its original is fetched again through the event's link while that works, else the square is used."""
    data, _face = photos.with_face(2000, 1500, (800, 100), 1000)
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, data)))
    with runtime.db.unit_of_work() as session:
        asset = session.scalars(select(Asset)).one()
        key = rules.original_key(asset.nomination_id, asset.id)
        asset.derivatives = [k for k in asset.derivatives if k != key]
        asset.source_url = asset.source_url + ".gone"
    runtime.blobs.delete(key)
    handle(runtime, HANDLERS, "media", _advanced())
    with runtime.db.unit_of_work() as session:
        made = {(f["name"], f["format"]): f for f in session.get(Candidate, "nom-0001").banners}
    assert made[("banner", "jpeg")]["dpi"] == round(1080 * 25.4 / 528)


def test_print_shrink_leaves_the_square_its_pixels() -> None:
    assert rules.print_shrink(4000, 3000, 3118) == 1
    assert rules.print_shrink(8660, 5773, 2000) == 2
    assert rules.print_shrink(1600, 1200, 520) == 2
    assert rules.pixels_at(528, 150) == 3118 and rules.effective_dpi(1080, 528) == 52


def test_the_banner_names_the_programme_once_and_fills_its_height(tmp_path: Path) -> None:
    """The heading is the programme's name in each language (it says "TOP 100" itself: no second,
    bigger "TOP 100" above it), and the lines are spread down to the bottom margin: no empty third."""
    data, _face = photos.with_face(1600, 1200, (700, 100), 900)
    made = banners.make_all(FACTS, data, mm=(100, 300), dpi=150)
    path = tmp_path / "banner.pdf"
    path.write_bytes(made[0].data)
    testing.require_tool("pdftotext", "poppler-utils", "the banner's text is not read")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("TOP 100") == 1 and text.count("ТОП 100") == 2 and "Өмірзақ Іңкәр" in text
    with Image.open(io.BytesIO(made[1].data)) as banner:
        width, height = banner.size
        inked = [
            y
            for y in range(0, height, 2)
            if any(banner.getpixel((x, y))[0] > 200 for x in range(0, width, 3))
        ]
    # The last line ends near the bottom margin (it ended at 65% of the height, leaving a third empty).
    assert max(inked) > 0.85 * height


def test_spread_shares_the_free_height_among_the_gaps() -> None:
    assert rules.spread([10, 20], 100, [0, 1, 1]) == [0, 45]
    assert rules.spread([10, 20, 30], 60, [1, 1, 1, 1]) == [0, 10, 30]  # full: no gaps
    assert rules.spread([80, 80], 100, [1, 1, 1]) == [0, 80]  # overfull: still in order
