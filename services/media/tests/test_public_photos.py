"""The public's photos and the withdrawal of consent: `GET /public/photos/<id>/<card|web>` serves a
consenting candidate's derivative to anyone, cacheable for a minute; a withdrawn consent or
nomination makes it 404 at once, and takes the banners, social cards and kits with it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image

from services.media import rules
from services.media.app import create_app
from services.media.handlers import HANDLERS
from services.media.models import Candidate, Kit
from services.media.operations import kits
from services.media.tests import photos
from services.media.tests.factories import advanced, event, media_token, stored_photo, submitted
from shared.handling import handle
from shared.runtime import Runtime

NOMINATION = "nom-0001"


def _submit(runtime: Runtime, tmp_path: Path, nomination_id: str = NOMINATION, consent: bool = True) -> None:
    data = photos.with_face(2000, 1500, (800, 100), 1000)[0]
    submission = submitted(stored_photo(tmp_path, data, nomination_id), nomination_id)
    submission.payload.update(revision=1, consent_publication=consent)
    handle(runtime, HANDLERS, "media", submission)


def _withdraw_consent(runtime: Runtime, nomination_id: str = NOMINATION, revision: int = 2) -> None:
    payload: dict[str, Any] = {
        "nomination_id": nomination_id,
        "changed": ["consent.publication"],
        "consent_publication": False,
        "revision": revision,
    }
    handle(runtime, HANDLERS, "media", event("nomination.amended", payload))


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    return create_app(runtime).test_client()


def test_the_card_and_web_photos_are_public_and_cacheable(
    runtime: Runtime, tmp_path: Path, client: FlaskClient
) -> None:
    _submit(runtime, tmp_path)
    for name, size, mimetype in (
        ("card", (1200, 630), "image/jpeg"),
        ("card.webp", (1200, 630), "image/webp"),
        ("web", (1600, 1200), "image/jpeg"),
        ("web.jpg", (1600, 1200), "image/jpeg"),
    ):
        response = client.get(f"/public/photos/{NOMINATION}/{name}")
        assert response.status_code == 200, name
        assert response.mimetype == mimetype
        assert response.headers["Cache-Control"] == "public, max-age=60"
        with Image.open(io.BytesIO(response.data)) as image:
            assert image.size == size
    for name in ("thumb", "square", "story", "original", "card.png", "..", "banner"):
        assert client.get(f"/public/photos/{NOMINATION}/{name}").status_code == 404, name
    assert client.get("/public/photos/nom-nobody/card").status_code == 404


def test_nothing_is_public_of_a_candidate_who_never_consented(
    runtime: Runtime, tmp_path: Path, client: FlaskClient
) -> None:
    _submit(runtime, tmp_path, consent=False)
    assert client.get(f"/public/photos/{NOMINATION}/card").status_code == 404
    assert client.get(f"/public/photos/{NOMINATION}/web").status_code == 404


def test_a_withdrawn_consent_takes_the_photo_banners_and_kits_away(
    runtime: Runtime, tmp_path: Path, client: FlaskClient
) -> None:
    _submit(runtime, tmp_path)
    _submit(runtime, tmp_path, "nom-0002")
    for nomination_id in (NOMINATION, "nom-0002"):
        handle(runtime, HANDLERS, "media", advanced(nomination_id))
    with runtime.db.unit_of_work() as session:
        banners = list(session.get(Candidate, NOMINATION).banners)
    assert banners and all(runtime.blobs.exists(file["key"]) for file in banners)
    auth = {"Authorization": f"Bearer {media_token(runtime)}"}
    kit_id = client.post("/api/v1/kits", json={"year": 2026, "stage": "republican"}, headers=auth).json["id"]
    assert kits.build_next(runtime) == kit_id
    assert client.get(f"/public/photos/{NOMINATION}/card").status_code == 200

    _withdraw_consent(runtime)

    assert client.get(f"/public/photos/{NOMINATION}/card").status_code == 404
    assert client.get(f"/public/photos/{NOMINATION}/web").status_code == 404
    assert client.get("/public/photos/nom-0002/card").status_code == 200
    with runtime.db.unit_of_work() as session:
        candidate = session.get(Candidate, NOMINATION)
        assert candidate.consent_publication is False and candidate.banners == []
        kit = session.get(Kit, kit_id)
        assert (kit.status, kit.key) == ("queued", None)
    assert not any(runtime.blobs.exists(file["key"]) for file in banners)
    assert not runtime.blobs.exists(rules.kit_key(kit_id))
    listed = client.get("/api/v1/assets?year=2026", headers=auth).json["items"]
    assert [item["nomination_id"] for item in listed] == ["nom-0002"]
    # The worker builds the kit again, without them.
    assert kits.build_next(runtime) == kit_id
    archive = zipfile.ZipFile(io.BytesIO(runtime.blobs.get(rules.kit_key(kit_id))))
    assert not any(NOMINATION in name for name in archive.namelist())
    assert any("nom-0002" in name for name in archive.namelist())
    # A photo amended later makes no banner for them.
    handle(runtime, HANDLERS, "media", advanced(to_stage="winner"))
    with runtime.db.unit_of_work() as session:
        assert session.get(Candidate, NOMINATION).banners == []


def test_a_withdrawn_nomination_is_404_at_once(runtime: Runtime, tmp_path: Path, client: FlaskClient) -> None:
    _submit(runtime, tmp_path)
    assert client.get(f"/public/photos/{NOMINATION}/web").status_code == 200
    handle(
        runtime,
        HANDLERS,
        "media",
        event("nomination.withdrawn", {"nomination_id": NOMINATION, "reason": None, "revision": 2}),
    )
    assert client.get(f"/public/photos/{NOMINATION}/web").status_code == 404


def test_a_late_older_amendment_does_not_give_the_consent_back(
    runtime: Runtime, tmp_path: Path, client: FlaskClient
) -> None:
    _submit(runtime, tmp_path)
    _withdraw_consent(runtime, revision=3)
    older = {
        "nomination_id": NOMINATION,
        "changed": ["statements.ru"],
        "statements": {"ru": "Текст"},
        "revision": 2,
    }
    handle(runtime, HANDLERS, "media", event("nomination.amended", older))
    assert client.get(f"/public/photos/{NOMINATION}/card").status_code == 404


def test_public_derivative_names() -> None:
    assert rules.public_derivative("card") == ("card", "jpeg")
    assert rules.public_derivative("web.webp") == ("web", "webp")
    assert rules.public_derivative("thumb") is None
    assert rules.public_derivative("card.") is None
    assert rules.public_derivative("card.gif") is None
