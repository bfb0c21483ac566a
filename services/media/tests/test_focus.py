"""The media team moves the crop point of a photo's square, card and story: the crops are made again
from the original around it (their pixels move with it), the point is kept, the change audited; the
page does it without script (a click on the photo, or percent), with previews first."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from services.media import rules
from services.media.app import create_app
from services.media.models import Asset, AuditEntry
from services.media.tests.factories import jpeg, media_token, stored_photo
from services.media.tests.team import candidate
from shared.runtime import Runtime

BLUE, RED = (30, 30, 200), (200, 30, 30)


@pytest.fixture
def client(runtime: Runtime, tmp_path: Path) -> FlaskClient:
    """A 1600 x 1200 photo, red with a blue block over the left half of its top quarter."""
    candidate(runtime, "nom-a", photo=stored_photo(tmp_path, jpeg(), "nom-a"))
    candidate(runtime, "nom-d", stage=None, photo=stored_photo(tmp_path, jpeg(), "nom-d"))
    return create_app(runtime).test_client()


def _auth(runtime: Runtime, role: str = "media") -> dict[str, str]:
    return {"Authorization": f"Bearer {media_token(runtime, role)}"}


def _crop(runtime: Runtime, name: str) -> Image.Image:
    with runtime.db.unit_of_work() as session:
        asset = session.scalars(select(Asset).where(Asset.nomination_id == "nom-a")).one()
        key = next(f["key"] for f in asset.files if f["name"] == name and f["format"] == "jpeg")
    return Image.open(io.BytesIO(runtime.blobs.get(key))).convert("RGB")


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=False))


def test_the_crops_move_with_the_point(client: FlaskClient, runtime: Runtime) -> None:
    auth = _auth(runtime)
    left = client.post("/candidates/nom-a/focus?lang=en", data={"x": "0", "y": "0"}, headers=auth)
    assert left.status_code == 303 and left.headers["Location"].endswith("moved=1#focus")
    # The square is the photo's left 1200 px: the blue block (left 800 px) reaches past its middle.
    assert _near(_crop(runtime, "square").getpixel((540, 20)), BLUE)
    assert _near(_crop(runtime, "story").getpixel((540, 20)), BLUE)
    client.post("/candidates/nom-a/focus", data={"x": "100", "y": "0"}, headers=auth)
    square, story, card = (_crop(runtime, name) for name in ("square", "story", "card"))
    assert square.size == (1080, 1080) and story.size == (1080, 1920) and card.size == (1200, 630)
    assert _near(square.getpixel((540, 20)), RED) and _near(square.getpixel((100, 20)), BLUE)
    assert _near(story.getpixel((540, 20)), RED)
    with runtime.db.unit_of_work() as session:
        asset = session.scalars(select(Asset).where(Asset.nomination_id == "nom-a")).one()
        moved = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "focus.moved")))
        listed = {f["name"]: f["bytes"] for f in asset.files if f["format"] == "jpeg"}
    assert (asset.focus_x, asset.focus_y) == (1.0, 0.0)
    assert [(e.object, e.details["x"]) for e in moved] == [
        ("nomination:nom-a", 0.0),
        ("nomination:nom-a", 1.0),
    ]
    assert listed["square"] == len(
        runtime.blobs.get(next(f["key"] for f in asset.files if f["name"] == "square"))
    )


def test_a_click_on_the_photo_previews_then_saves(client: FlaskClient, runtime: Runtime) -> None:
    auth = _auth(runtime)
    page = client.get("/candidates/nom-a?lang=kk", headers=auth).get_data(as_text=True)
    assert 'type="image" name="at"' in page and 'width="320" height="240"' in page
    # The image button sends where it was clicked: 80 px across and 60 down a 320 x 240 photo.
    clicked = client.get("/candidates/nom-a?lang=en&w=320&h=240&at.x=80&at.y=60", headers=auth)
    html = clicked.get_data(as_text=True)
    assert "centred 25.0% across and 25.0% down" in html
    previews = re.findall(r'<img src="(/candidates/nom-a/focus/preview\.jpg\?[^"]+)"', html)
    assert len(previews) == 3
    picture = client.get(previews[0].replace("&amp;", "&"), headers=auth)
    assert picture.status_code == 200 and Image.open(io.BytesIO(picture.data)).size == (320, 320)
    assert re.search(r'name="x" value="25.0"', html) and "Save this crop point" in html
    client.post("/candidates/nom-a/focus", data={"x": "25.0", "y": "25.0"}, headers=auth)
    again = client.get("/candidates/nom-a?lang=ru", headers=auth).get_data(as_text=True)
    assert "25.0% по горизонтали" in again


def test_no_point_outside_the_photo_nor_for_a_candidate_the_team_may_not_see(
    client: FlaskClient, runtime: Runtime
) -> None:
    auth = _auth(runtime)
    before = _crop(runtime, "square").tobytes()
    for bad in ({"x": "101", "y": "0"}, {"x": "nan", "y": "1"}, {"x": "a"}, {}):
        reply = client.post("/candidates/nom-a/focus", data=bad, headers=auth)
        assert reply.status_code == 303 and "moved=0" in reply.headers["Location"]
    assert _crop(runtime, "square").tobytes() == before
    assert client.post("/candidates/nom-d/focus", data={"x": "1", "y": "1"}, headers=auth).status_code == 404
    preview = "/candidates/{}/focus/preview.jpg?crop={}&x=1&y={}"
    assert client.get(preview.format("nom-d", "square", 1), headers=auth).status_code == 404
    assert client.get(preview.format("nom-a", "thumb", 1), headers=auth).status_code == 400
    assert client.get(preview.format("nom-a", "square", 200), headers=auth).status_code == 400
    assert client.get(preview.format("nom-a", "square", 1), headers=auth).status_code == 200
    chair = _auth(runtime, "regional_chair")
    assert client.post("/candidates/nom-a/focus", data={"x": "1", "y": "1"}, headers=chair).status_code == 403


def test_the_focus_box_is_imgproxys_focus_point_gravity() -> None:
    assert rules.focus_box(1600, 1200, 1080, 1080, 0.5, 0.5) == rules.Box(200, 0, 1200, 1200)
    assert rules.focus_box(1600, 1200, 1080, 1080, 0.0, 0.5) == rules.Box(0, 0, 1200, 1200)
    assert rules.focus_box(1600, 1200, 1080, 1080, 0.9, 0.5) == rules.Box(400, 0, 1200, 1200)
    assert rules.focus_box(1200, 1600, 1200, 630, 0.5, 0.1) == rules.Box(0, 0, 1200, 630)
    assert rules.focus_box(1200, 1600, 1200, 630, 0.5, 0.5) == rules.Box(0, 485, 1200, 630)
    assert rules.focus_point(50, 100) == (0.5, 1.0) and rules.focus_point(-1, 5) is None
    assert rules.clicked_point(80, 60, 320, 240) == (25.0, 25.0)
    assert rules.clicked_point(400, -5, 320, 240) == (100.0, 0.0)
