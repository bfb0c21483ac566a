"""The TOP 100 gallery and its feeds, served by the public process group: the winners by region in
kk/ru/en; JSON with CORS; Atom; the widget for an iframe. A withdrawn consent or nomination is gone
from every one of them on the next read, and every answer may be kept for 60 s at most."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from services.review.handlers import HANDLERS
from services.review.models import Candidate
from services.review.pages import gallery
from services.review.pages import public as public_pages
from services.review.tests.factories import event, submitted
from shared import regions
from shared.handling import handle
from shared.runtime import Runtime
from shared.web import create_service_app

YEAR = 2026
PEOPLE = {
    "nom-a": ("almaty", "Әбілқайырова", "Ұлжан"),
    "nom-b": ("almaty", "Ахметов", "Ерлан"),
    "nom-c": ("shymkent", "Сейітқали", "Іңкәр"),
}
ATOM_NS = {"a": "http://www.w3.org/2005/Atom"}


def public_client(runtime: Runtime) -> FlaskClient:
    """The public blueprints on an app of their own, as the public process group serves them."""
    app = create_service_app("services.review.app", runtime, (gallery.bp, public_pages.assets), people=False)
    return app.test_client()


def _winners(runtime: Runtime) -> None:
    for nomination_id, (region, last, first) in PEOPLE.items():
        name = {"last_name": last, "first_name": first, "patronymic": None}
        handle(
            runtime,
            HANDLERS,
            "review",
            submitted(nomination_id, region, revision=1, consent_publication=True, candidate=name),
        )
        keys = [f"media/{nomination_id}/a1/{n}.jpg" for n in ("thumb", "web", "card")]
        processed = {
            "nomination_id": nomination_id,
            "asset_id": "a1",
            "derivatives": keys,
            "nomination_revision": 1,
        }
        handle(
            runtime, HANDLERS, "review", event("media.photo_processed", processed, region, producer="media")
        )
    with runtime.db.unit_of_work() as session:
        session.execute(update(Candidate).values(stage="winner", status="winner"))


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    _winners(runtime)
    return public_client(runtime)


def _withdraw_consent(runtime: Runtime, nomination_id: str) -> None:
    payload: dict[str, Any] = {
        "nomination_id": nomination_id,
        "changed": ["consent.publication"],
        "consent_publication": False,
        "revision": 2,
    }
    handle(runtime, HANDLERS, "review", event("nomination.amended", payload))


def _everywhere(client: FlaskClient) -> dict[str, str]:
    """Every public answer about the winners, as text: page, widget, JSON, Atom."""
    answers = {
        "page": client.get(f"/public/winners/{YEAR}?lang=kk"),
        "embed": client.get(f"/public/winners/{YEAR}/embed?region=almaty&lang=kk"),
        "json": client.get(f"/public/winners/{YEAR}.json?lang=kk"),
        "atom": client.get(f"/public/winners/{YEAR}/feed.atom?lang=kk"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, name
        assert response.headers["Cache-Control"] == "public, max-age=60", name
    return {name: response.get_data(as_text=True) for name, response in answers.items()}


def test_the_gallery_by_region_in_each_language(client: FlaskClient) -> None:
    titles = {"kk": "ТОП 100", "ru": "ТОП 100", "en": "TOP 100"}
    for language in ("kk", "ru", "en"):
        response = client.get(f"/public/winners/{YEAR}?lang={language}")
        assert response.status_code == 200
        assert response.headers["Content-Language"] == language
        html = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in html and titles[language] in html
        assert "Әбілқайырова Ұлжан" in html and "Сейітқали Іңкәр" in html
        almaty, shymkent = (regions.resolve(code).name(language) for code in ("almaty", "shymkent"))
        assert html.index(f">{almaty}</h2>") < html.index("Ахметов") < html.index(f">{shymkent}</h2>")
        assert 'property="og:image" content="http://127.0.0.1:8003/public/photos/nom-' in html
        assert 'name="twitter:card" content="summary_large_image"' in html
        assert "<script" not in html and len(response.data) < 200_000
    css = client.get("/public/assets/public.css")
    assert css.status_code == 200 and css.mimetype == "text/css" and "/public/assets/public.css" in html
    ru = client.get(f"/public/winners/{YEAR}?lang=ru").get_data(as_text=True)
    assert "Я люблю свою профессию." in ru
    by_browser = client.get(f"/public/winners/{YEAR}", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert by_browser.headers["Content-Language"] == "en"
    assert "Accept-Language" in by_browser.headers["Vary"]


def test_feeds_for_regional_sites(client: FlaskClient) -> None:
    body = client.get(f"/public/winners/{YEAR}.json?lang=en")
    assert body.headers["Access-Control-Allow-Origin"] == "*"
    data = body.get_json()
    assert [w["name"] for w in data["winners"]] == ["Ахметов Ерлан", "Әбілқайырова Ұлжан", "Сейітқали Іңкәр"]
    assert data["winners"][0]["photo"]["card"] == "http://127.0.0.1:8003/public/photos/nom-b/card"
    assert data["winners"][0]["college"] == "Almaty State Polytechnic College"
    only = client.get(f"/public/winners/{YEAR}.json?region=shymkent").get_json()
    assert [w["region"] for w in only["winners"]] == ["shymkent"]
    atom = client.get(f"/public/winners/{YEAR}/feed.atom?lang=kk")
    assert atom.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(atom.data)
    entries = feed.findall("a:entry", ATOM_NS)
    assert len(entries) == 3
    assert {e.find("a:title", ATOM_NS).text for e in entries} >= {"Сейітқали Іңкәр"}
    assert all(e.find("a:id", ATOM_NS).text.startswith(f"urn:top100:winner:{YEAR}:") for e in entries)


def test_the_widget_may_be_framed_by_any_site_and_nothing_else_may(client: FlaskClient) -> None:
    embed = client.get(f"/public/winners/{YEAR}/embed?region=almaty")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    html = embed.get_data(as_text=True)
    assert "Ахметов Ерлан" in html and "Сейітқали" not in html
    page = client.get(f"/public/winners/{YEAR}")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert client.get(f"/public/winners/{YEAR}/embed?region=atlantis").status_code == 404


def test_no_winners_yet_is_404(runtime: Runtime) -> None:
    client = public_client(runtime)
    assert client.get(f"/public/winners/{YEAR}").status_code == 404
    assert client.get(f"/public/winners/{YEAR}.json").status_code == 404
    assert client.get("/public/winners/1812").status_code == 404


@pytest.mark.parametrize("how", ["consent", "nomination"])
def test_a_withdrawal_leaves_every_page_and_feed(runtime: Runtime, client: FlaskClient, how: str) -> None:
    before = _everywhere(client)
    assert all("Ахметов Ерлан" in text for text in before.values()), before.keys()
    if how == "consent":
        _withdraw_consent(runtime, "nom-b")
    else:
        handle(
            runtime,
            HANDLERS,
            "review",
            event("nomination.withdrawn", {"nomination_id": "nom-b", "revision": 2}),
        )
    after = _everywhere(client)
    for name, text in after.items():
        assert "Ахметов" not in text and "nom-b" not in text, name
        assert "Әбілқайырова Ұлжан" in text, name
    assert [w["name"] for w in json.loads(after["json"])["winners"]] == [
        "Әбілқайырова Ұлжан",
        "Сейітқали Іңкәр",
    ]
