"""The plain pages: Kazakh names unchanged, three languages, region filter, no contacts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.review.handlers import HANDLERS
from services.review.messages import PHOTO_REJECTED, PHOTO_STATES, REASONS, TERMS
from services.review.tests.factories import submitted
from shared.handling import handle
from shared.runtime import Runtime
from shared.tests.catalogs import unknown


@pytest.fixture
def client(runtime: Runtime, client_as: Callable[..., FlaskClient]) -> FlaskClient:
    handle(runtime, HANDLERS, "review", submitted("nom-0001", "almaty"))
    other = submitted(
        "nom-0002",
        "shymkent",
        candidate={"last_name": "Өмірзақова", "first_name": "Гүлназ", "patronymic": None},
    )
    handle(runtime, HANDLERS, "review", other)
    return client_as("national_member", "national")


def test_every_word_the_pages_pick_is_in_the_catalogs() -> None:
    named = [PHOTO_REJECTED, *PHOTO_STATES.values(), *REASONS.values()]
    assert unknown(named + [message for words in TERMS.values() for message in words.values()]) == set()


def test_list_shows_kazakh_names_unchanged_and_no_contacts(client: FlaskClient) -> None:
    page = client.get("/?lang=kk")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.content_type.startswith("text/html")
    assert "Нұрланұлы Әлихан Қайратұлы" in html
    assert "Өмірзақова Гүлназ" in html
    assert "Кандидаттар" in html
    assert "alikhan@example.kz" not in html and "1234567" not in html


def test_region_filter(client: FlaskClient) -> None:
    html = client.get("/?region=shymkent&lang=en").get_data(as_text=True)
    assert "Өмірзақова" in html and "Нұрланұлы" not in html
    assert "<p>1 candidate</p>" in html
    assert "<p>2 кандидата</p>" in client.get("/?lang=ru").get_data(as_text=True)
    assert client.get("/?region=atlantis").status_code == 400


@pytest.mark.parametrize(
    ("header", "word"),
    [("kk-KZ,ru;q=0.8", "Кіру"), ("ru", "Войти"), ("en-GB", "Sign in"), (None, "Войти")],
)
def test_an_anonymous_visitor_gets_the_browser_language(app: Flask, header: str | None, word: str) -> None:
    headers = {"Accept-Language": header} if header else {}
    assert word in app.test_client().get("/login", headers=headers).get_data(as_text=True)


def test_candidate_page(client: FlaskClient) -> None:
    html = client.get("/?lang=ru").get_data(as_text=True)
    link = html.split('href="/candidates/', 1)[1].split('"', 1)[0]
    page = client.get(f"/candidates/{link}".replace("&amp;", "&"))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Мен өз мамандығымды сүйемін." in text
    assert "WorldSkills Kazakhstan" in text
    assert "alikhan@example.kz" not in text and "+7701" not in text
    assert client.get("/candidates/nope?lang=en").status_code == 404


def test_api_lists_candidates_without_contacts(client: FlaskClient) -> None:
    reply = client.get("/api/v1/candidates?region=shymkent")
    [item] = reply.get_json()["items"]
    assert item["name"]["full"] == "Өмірзақова Гүлназ" and item["photo"] == "pending"
    assert "contacts" not in item and "email" not in reply.get_data(as_text=True)
    assert len(client.get("/api/v1/candidates").get_json()["items"]) == 2
    assert client.get("/api/v1/candidates?region=atlantis").status_code == 422


def test_candidate_page_names_categories_and_levels_in_the_page_language(client: FlaskClient) -> None:
    candidate_id = client.get("/api/v1/candidates?region=almaty").json["items"][0]["id"]
    kk = client.get(f"/candidates/{candidate_id}?lang=kk").get_data(as_text=True)
    en = client.get(f"/candidates/{candidate_id}?lang=en").get_data(as_text=True)
    assert "Көшбасшылық" in kk and "leadership," not in kk
    assert "Leadership, student self-government, volunteering" in en
    assert "(national)" in en and "(республикалық)" in kk


def test_pages_name_the_college_in_the_page_language(client: FlaskClient) -> None:
    assert "Алматы мемлекеттік политехникалық колледжі" in client.get("/?lang=kk").get_data(as_text=True)
    candidate_id = client.get("/api/v1/candidates?region=almaty").json["items"][0]["id"]
    english = client.get(f"/candidates/{candidate_id}?lang=en").get_data(as_text=True)
    assert "Almaty State Polytechnic College" in english


def test_a_page_in_the_browser_language_says_it_varies_by_it(app: Flask) -> None:
    answer = app.test_client().get("/login", headers={"Accept-Language": "kk"})
    assert answer.status_code == 200
    assert answer.headers["Content-Language"] == "kk"
    assert "Accept-Language" in answer.headers.get("Vary", "")
