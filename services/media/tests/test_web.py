"""Media's API and pages for the media team: roles, consent, signed links that expire, publications."""

from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlparse

import pytest
from flask.testing import FlaskClient
from PIL import Image

from services.media.app import create_app
from services.media.handlers import HANDLERS
from services.media.messages import REASONS as WORDS
from services.media.messages import TERMS
from services.media.rules import REASONS
from services.media.tests.factories import advanced, jpeg, media_token, stored_photo, submitted
from shared.handling import handle
from shared.runtime import Runtime
from shared.tests.catalogs import unknown

NOW = "2026-10-01T10:00:00+05:00"


@pytest.fixture
def client(runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    monkeypatch.setenv("TOP100_NOW", NOW)
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, jpeg())))
    handle(runtime, HANDLERS, "media", submitted(None, "nom-0002", "shymkent"))
    private = submitted(stored_photo(tmp_path, jpeg(), "nom-0003"), "nom-0003")
    private.payload["consent_publication"] = False
    handle(runtime, HANDLERS, "media", private)
    # The media team sees candidates at the republican stage: nom-0006 stays at the regional one.
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, jpeg(), "nom-0006"), "nom-0006"))
    for nomination_id, region in (("nom-0001", "almaty"), ("nom-0002", "shymkent"), ("nom-0003", "almaty")):
        handle(runtime, HANDLERS, "media", advanced(nomination_id, region=region))
    return create_app(runtime).test_client()


def _auth(runtime: Runtime, role: str = "media") -> dict[str, str]:
    return {"Authorization": f"Bearer {media_token(runtime, role)}"}


def _get(client: FlaskClient, url: str) -> object:
    """A signed link fetched as a browser would: no credentials, only the link."""
    parsed = urlparse(url)
    return client.get(f"{parsed.path}?{parsed.query}")


def test_every_reason_has_words_in_the_catalogs() -> None:
    assert unknown(message for words in TERMS.values() for message in words.values()) == set()
    assert set(REASONS) <= set(WORDS)


def test_only_the_media_team_and_admins_are_let_in(client: FlaskClient, runtime: Runtime) -> None:
    assert client.get("/api/v1/assets?year=2026").status_code == 401
    assert client.get("/api/v1/assets?year=2026", headers=_auth(runtime, "regional_chair")).status_code == 403
    assert client.get("/api/v1/assets?year=2026", headers=_auth(runtime, "admin")).status_code == 200
    page = client.get("/")
    assert page.status_code in (302, 303) and "/login" in page.headers["Location"]


def test_assets_with_signed_links(client: FlaskClient, runtime: Runtime) -> None:
    reply = client.get("/api/v1/assets?nomination_id=nom-0001", headers=_auth(runtime))
    assert reply.status_code == 200
    [asset] = reply.get_json()["items"]
    assert (asset["status"], asset["width"], asset["height"]) == ("processed", 1600, 1200)
    names = {(d["name"], d["format"]) for d in asset["derivatives"]}
    assert names == {
        ("thumb", "jpeg"),
        ("web", "jpeg"),
        ("web", "webp"),
        ("square", "jpeg"),
        ("card", "jpeg"),
        ("card", "webp"),
        ("story", "jpeg"),
        # the republican stage's banner and social cards
        ("banner", "jpeg"),
        ("banner", "pdf"),
        ("social_kk", "jpeg"),
        ("social_ru", "jpeg"),
        ("social_en", "jpeg"),
    }
    thumb = next(d for d in asset["derivatives"] if d["name"] == "thumb")
    image = _get(client, thumb["url"])
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(image.data)).size == (thumb["width"], thumb["height"]) == (400, 300)
    assert len(image.data) == thumb["bytes"]


def test_a_tampered_or_expired_link_is_refused(
    client: FlaskClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    [asset] = client.get("/api/v1/assets?nomination_id=nom-0001", headers=_auth(runtime)).get_json()["items"]
    url = next(d["url"] for d in asset["derivatives"] if d["name"] == "web")
    assert _get(client, url).status_code == 200
    assert _get(client, url.replace("signature=", "signature=0")).status_code == 403
    assert _get(client, url.replace("/web.jpg", "/story.jpg")).status_code == 403
    expires = int(urlparse(url).query.split("expires=")[1].split("&")[0])
    assert _get(client, url.replace(f"expires={expires}", f"expires={expires + 3600}")).status_code == 403
    monkeypatch.setenv("TOP100_NOW", "2026-10-01T10:59:59+05:00")
    assert _get(client, url).status_code == 200
    monkeypatch.setenv("TOP100_NOW", "2026-10-01T11:00:01+05:00")
    assert _get(client, url).status_code == 403


def test_only_candidates_who_consented_appear(client: FlaskClient, runtime: Runtime) -> None:
    items = client.get("/api/v1/assets?year=2026", headers=_auth(runtime)).get_json()["items"]
    assert sorted(item["nomination_id"] for item in items) == ["nom-0001", "nom-0002"]
    assert client.get("/api/v1/assets?nomination_id=nom-0003", headers=_auth(runtime)).get_json() == {
        "items": []
    }
    assert client.get("/candidates/nom-0003", headers=_auth(runtime)).status_code == 404
    missing = next(item for item in items if item["nomination_id"] == "nom-0002")
    assert (missing["status"], missing["reason"]) == ("missing", "missing")
    assert set(missing["reason_text"]) == {"kk", "ru", "en"}
    problem = client.get("/api/v1/assets", headers=_auth(runtime))
    assert problem.status_code == 422 and "year" in problem.get_json()["errors"]


def test_by_region_and_stage(client: FlaskClient, runtime: Runtime) -> None:
    shymkent = client.get("/api/v1/assets?year=2026&region=shymkent", headers=_auth(runtime)).get_json()
    assert [item["nomination_id"] for item in shymkent["items"]] == ["nom-0002"]
    advanced = client.get("/api/v1/assets?year=2026&stage=republican", headers=_auth(runtime)).get_json()
    assert [item["nomination_id"] for item in advanced["items"]] == ["nom-0001", "nom-0002"]
    winners = client.get("/api/v1/assets?year=2026&stage=winners", headers=_auth(runtime)).get_json()
    assert winners["items"] == []


def test_publications_count_towards_the_target(client: FlaskClient, runtime: Runtime) -> None:
    body = {
        "outlet": "Егемен Қазақстан",
        "url": "https://egemen.kz/article/1",
        "published_on": "2026-10-20",
        "language": "kk",
        "candidate_ids": ["nom-0001"],
    }
    assert client.post("/api/v1/publications", json=body, headers=_auth(runtime)).status_code == 201
    bad = client.post("/api/v1/publications", json={**body, "language": "de"}, headers=_auth(runtime))
    assert bad.status_code == 422 and "language" in bad.get_json()["errors"]
    listed = client.get("/api/v1/publications?year=2026", headers=_auth(runtime)).get_json()
    assert listed["count"] == 1 and listed["items"][0]["outlet"] == "Егемен Қазақстан"
    page = client.get("/publications?year=2026&lang=kk", headers=_auth(runtime)).get_data(as_text=True)
    assert "Егемен Қазақстан" in page and "20-дан астам" in page and 'value="0.047' in page


def test_pages_in_kazakh(client: FlaskClient, runtime: Runtime) -> None:
    html = client.get("/?year=2026", headers={**_auth(runtime), "Accept-Language": "kk"}).get_data(
        as_text=True
    )
    assert "Кандидаттар" in html and "Жүктелмеген" in html and "Шымкент" in html and "Нұрланұлы" in html
    preview = client.get("/candidates/nom-0001?lang=ru", headers=_auth(runtime)).get_data(as_text=True)
    assert preview.count("<img") == 11 and "signature=" in preview  # 7 derivatives, 4 banner images
    assert "Candidates" in client.get("/?lang=en", headers=_auth(runtime)).get_data(as_text=True)


def test_a_commission_sees_the_photos_of_its_scope_through_a_fresh_signed_link(
    client: FlaskClient, runtime: Runtime
) -> None:
    """Review's candidate page embeds `/photos/<nomination>/<name>`: media checks who asks, then sends
    them to a signed link of the file."""
    member = _auth(runtime, "regional_member")  # in almaty, as nom-0001 and nom-0003
    reply = client.get("/photos/nom-0001/thumb", headers=member)
    assert reply.status_code == 302
    image = _get(client, reply.headers["Location"])
    assert image.status_code == 200  # type: ignore[attr-defined]
    assert Image.open(io.BytesIO(image.data)).size == (400, 300)  # type: ignore[attr-defined]
    # A commission sees a photo whatever the consent to publication; the media team does not.
    assert client.get("/photos/nom-0003/web", headers=member).status_code == 302
    assert client.get("/photos/nom-0003/web", headers=_auth(runtime, "media")).status_code == 404
    assert client.get("/photos/nom-0001/web", headers=_auth(runtime, "media")).status_code == 302
    # Another region's commission, a derivative no page shows, no photo yet: 404; anonymous: login.
    handle(runtime, HANDLERS, "media", submitted(None, "nom-0004", "shymkent"))
    assert client.get("/photos/nom-0001/story", headers=member).status_code == 404
    assert client.get("/photos/nom-0002/thumb", headers=_auth(runtime, "national_member")).status_code == 404
    assert "/login" in client.get("/photos/nom-0001/thumb").headers["Location"]


def test_another_regions_commission_does_not_see_the_photo(
    client: FlaskClient, runtime: Runtime, tmp_path: Path
) -> None:
    handle(
        runtime,
        HANDLERS,
        "media",
        submitted(stored_photo(tmp_path, jpeg(), "nom-0005"), "nom-0005", "shymkent"),
    )
    assert client.get("/photos/nom-0005/thumb", headers=_auth(runtime, "regional_member")).status_code == 404
    assert client.get("/photos/nom-0005/thumb", headers=_auth(runtime, "national_chair")).status_code == 302
