"""Banners and social cards on review's decisions, in a font that draws every Kazakh letter, and media
kits built by the worker: the ZIP's layout, its progress, its signed link."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops, ImageDraw, ImageFont
from sqlalchemy import select

from services.media.app import create_app
from services.media.handlers import HANDLERS
from services.media.models import Candidate, outbox
from services.media.operations import banners, kits
from services.media.tests import photos
from services.media.tests.factories import advanced, media_token, stored_photo, submitted
from shared import fonts
from shared.handling import handle
from shared.runtime import Runtime

KAZAKH = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"


def _types(runtime: Runtime) -> list[str]:
    with runtime.db.unit_of_work() as session:
        return [json.loads(row.body)["type"] for row in session.execute(select(outbox).order_by(outbox.c.id))]


@pytest.mark.parametrize("font", [fonts.REGULAR, fonts.BOLD])
def test_the_shipped_font_draws_every_kazakh_letter(font: Path) -> None:
    """Every letter is in the font's character map, and drawn as itself, not as the missing-glyph box."""
    cmap = TTFont(font).getBestCmap()
    assert [letter for letter in KAZAKH if ord(letter) not in cmap] == []
    face = ImageFont.truetype(str(font), 48)

    def drawn(text: str) -> Image.Image:
        image = Image.new("L", (80, 80))
        ImageDraw.Draw(image).text((10, 5), text, font=face, fill=255)
        return image

    missing = drawn("\U000e0fff")  # a code point no font has: the .notdef box
    for letter in KAZAKH:
        assert ImageChops.difference(drawn(letter), missing).getbbox() is not None, letter
    assert (fonts.FOLDER / "OFL.txt").read_text().count("Open Font License") >= 1


def test_banners_are_made_for_an_advanced_candidate(runtime: Runtime, tmp_path: Path) -> None:
    data, _face = photos.with_face(3000, 2000, (1500, 200), 1200)
    submission = submitted(stored_photo(tmp_path, data))
    submission.payload["candidate"] = {"last_name": "Әбілқайырова", "first_name": "Ұлжан", "patronymic": None}
    handle(runtime, HANDLERS, "media", submission)
    handle(runtime, HANDLERS, "media", advanced())
    with runtime.db.unit_of_work() as session:
        candidate = session.get(Candidate, "nom-0001")
        made = {(f["name"], f["format"]): f for f in candidate.banners}
    assert set(made) == {
        ("banner", "pdf"),
        ("banner", "jpeg"),
        ("social_kk", "jpeg"),
        ("social_ru", "jpeg"),
        ("social_en", "jpeg"),
    }
    with Image.open(io.BytesIO(runtime.blobs.get(made[("banner", "jpeg")]["key"]))) as banner:
        assert banner.size == (3543, 10630) and len(banner.getexif()) == 0
    for language in ("kk", "ru", "en"):
        with Image.open(io.BytesIO(runtime.blobs.get(made[(f"social_{language}", "jpeg")]["key"]))) as card:
            assert card.size == (1080, 1080)
    pdf = runtime.blobs.get(made[("banner", "pdf")]["key"])
    assert pdf.startswith(b"%PDF") and b"NotoSans" in pdf
    assert _types(runtime) == ["media.photo_processed", "media.banner_ready"]
    handle(runtime, HANDLERS, "media", advanced())  # the same decision again: nothing new
    assert _types(runtime).count("media.banner_ready") == 1


def test_a_decision_before_the_photo_gets_its_banner_when_the_photo_comes(
    runtime: Runtime, tmp_path: Path
) -> None:
    handle(runtime, HANDLERS, "media", advanced(to_stage="winner"))
    assert _types(runtime) == []
    handle(
        runtime,
        HANDLERS,
        "media",
        submitted(stored_photo(tmp_path, photos.with_face(2000, 1500, (0, 0), 1000)[0])),
    )
    assert _types(runtime) == ["media.photo_processed", "media.banner_ready"]


def test_no_banner_without_consent(runtime: Runtime, tmp_path: Path) -> None:
    private = submitted(stored_photo(tmp_path, photos.with_face(2000, 1500, (0, 0), 1000)[0]))
    private.payload["consent_publication"] = False
    handle(runtime, HANDLERS, "media", private)
    handle(runtime, HANDLERS, "media", advanced())
    assert _types(runtime) == ["media.photo_processed"]


def test_a_kit_holds_every_candidates_folder(runtime: Runtime, tmp_path: Path) -> None:
    data = photos.with_face(2000, 1500, (800, 100), 1000)[0]
    for number, region in ((1, "almaty"), (2, "shymkent")):
        nomination_id = f"nom-000{number}"
        handle(
            runtime,
            HANDLERS,
            "media",
            submitted(stored_photo(tmp_path, data, nomination_id), nomination_id, region),
        )
        handle(runtime, HANDLERS, "media", advanced(nomination_id, "winner"))
    client = create_app(runtime).test_client()
    auth = {"Authorization": f"Bearer {media_token(runtime)}"}
    started = client.post(
        "/api/v1/kits", json={"year": 2026, "stage": "winners", "region": None}, headers=auth
    )
    assert started.status_code == 202 and started.get_json()["status"] == "queued"
    kit_id = started.get_json()["id"]
    assert kits.build_next(runtime) == kit_id
    assert kits.build_next(runtime) is None
    kit = client.get(f"/api/v1/kits/{kit_id}", headers=auth).get_json()
    assert (kit["status"], kit["progress"], kit["candidates"]) == ("ready", 1.0, 2)
    parsed = urlparse(kit["url"])
    download = client.get(f"{parsed.path}?{parsed.query}")
    assert download.status_code == 200 and len(download.data) == kit["bytes"]
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = archive.namelist()
    index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode())))
    assert [row["nomination_id"] for row in index] == ["nom-0001", "nom-0002"]
    for row in index:
        folder = row["folder"]
        expected = {
            "thumb.jpg",
            "web.jpg",
            "web.webp",
            "square.jpg",
            "card.jpg",
            "card.webp",
            "story.jpg",
            "banner.pdf",
            "banner.jpg",
            "social_kk.jpg",
            "social_ru.jpg",
            "social_en.jpg",
            "statement_kk.txt",
            "statement_ru.txt",
            "statement_en.txt",
            "facts.json",
        }
        assert {
            name.removeprefix(folder + "/") for name in names if name.startswith(folder + "/")
        } == expected
        facts = json.loads(archive.read(f"{folder}/facts.json"))
        assert facts["name"]["first_name"] == "Әлихан" and facts["stage"] == "winner"
        assert archive.read(f"{folder}/statement_kk.txt").decode() == "Мәтін."
    assert "Нұрланұлы" in index[0]["folder"]
    page = client.get("/kits?lang=kk", headers=auth).get_data(as_text=True)
    assert "<progress" in page and "kits.js" in page and "Дайын" in page


def test_the_banner_itself_is_pure(tmp_path: Path) -> None:
    facts = banners.Facts("Өмірзақ Іңкәр", {"kk": "Колледж"}, {"kk": "Алматы"}, "winner", None)
    square = photos.with_face(1080, 1080, (0, 0), 1080)[0]
    made = banners.make_all(facts, square, mm=(100, 300), dpi=72)
    assert [(m.name, m.format) for m in made][:2] == [("banner", "pdf"), ("banner", "jpeg")]
    assert (made[1].width, made[1].height) == (283, 850)
