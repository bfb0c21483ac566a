"""Media's API for the media team and its plain page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from PIL import Image

from services.media.app import create_app
from services.media.handlers import HANDLERS
from services.media.messages import REASONS as WORDS
from services.media.messages import TERMS
from services.media.rules import REASONS, fit
from services.media.tests.factories import jpeg, stored_photo, submitted
from shared.handling import handle
from shared.runtime import Runtime
from shared.tests.catalogs import unknown


@pytest.fixture
def client(runtime: Runtime, tmp_path: Path) -> FlaskClient:
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, jpeg())))
    handle(runtime, HANDLERS, "media", submitted(None, "nom-0002", "shymkent"))
    return create_app(runtime).test_client()


def test_every_reason_has_words_in_the_catalogs() -> None:
    assert unknown(message for words in TERMS.values() for message in words.values()) == set()
    assert set(REASONS) <= set(WORDS)


def test_fit_never_enlarges() -> None:
    assert fit(1600, 1200, 1200) == (1200, 900)
    assert fit(300, 700, 1200) == (300, 700)


def test_assets_api(client: FlaskClient) -> None:
    reply = client.get("/api/v1/assets?nomination_id=nom-0001")
    assert reply.status_code == 200
    [asset] = reply.get_json()["items"]
    assert asset["status"] == "processed" and asset["derivatives"] == [
        "media/nom-0001/web.jpg",
        "media/nom-0001/thumb.jpg",
    ]
    assert asset["created_at"].endswith("+00:00")
    image = client.get(f"/api/v1/assets/{asset['id']}/thumb.jpg")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(image.data)).size == (400, 300)
    assert client.get(f"/api/v1/assets/{asset['id']}/poster.jpg").status_code == 404
    assert client.get("/api/v1/assets?nomination_id=nom-9").get_json() == {"items": []}
    problem = client.get("/api/v1/assets")
    assert problem.status_code == 400 and "nomination_id" in problem.get_json()["errors"]


def test_page_in_kazakh(client: FlaskClient) -> None:
    html = client.get("/", headers={"Accept-Language": "kk"}).get_data(as_text=True)
    assert "Фотосуреттер" in html and "Жүктелмеген" in html and "Шымкент" in html
    assert "Photos" in client.get("/?lang=en").get_data(as_text=True)
