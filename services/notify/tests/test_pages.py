"""The delivery log page and API: three languages, contacts masked, Kazakh text intact."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from services.notify.app import create_app
from services.notify.handlers import HANDLERS
from services.notify.tests.factories import submitted
from shared.handling import handle
from shared.runtime import Runtime


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    handle(runtime, HANDLERS, "notify", submitted("kk"))
    return create_app(runtime).test_client()


def test_log_page_masks_contacts(client: FlaskClient) -> None:
    html = client.get("/?lang=kk").get_data(as_text=True)
    assert "Жіберілген хабарламалар" in html and "ТОП 100: өтініміңіз қабылданды" in html
    assert "+7701*****67" in html and "al*****@example.kz" in html
    assert "+77011234567" not in html and "alikhan@example.kz" not in html
    client.delete_cookie("top100_lang")  # ?lang=kk above was remembered; a browser without it
    english = client.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert "Messages sent" in english and ">Kazakh</td>" in english
    assert ">қазақ тілі</td>" in html


def test_message_page_shows_the_body(client: FlaskClient) -> None:
    html = client.get("/?lang=ru").get_data(as_text=True)
    links = [part.split("?", 1)[0] for part in html.split('href="/messages/')[1:]]
    pages = [client.get(f"/messages/{link}?lang=ru") for link in links]
    assert [page.status_code for page in pages] == [200, 200]
    bodies = " ".join(page.get_data(as_text=True) for page in pages)
    assert "Нұрланұлы Әлихан Қайратұлы" in bodies and "0B6F3C1E өтініміңіз қабылданды" in bodies
    assert client.get("/messages/nope").status_code == 404


def test_api_lists_the_messages_of_a_nomination(client: FlaskClient) -> None:
    reply = client.get("/api/v1/messages?nomination_id=0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f")
    items = reply.get_json()["items"]
    assert [(i["channel"], i["status"], i["recipient"]) for i in items] == [
        ("email", "sent", "al*****@example.kz"),
        ("sms", "sent", "+7701*****67"),
    ]
    assert "body" not in items[0]
    assert client.get("/api/v1/messages").status_code == 400
