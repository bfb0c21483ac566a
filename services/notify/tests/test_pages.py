"""The delivery log page and API: behind the shared identity, contacts masked, Kazakh text intact."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from services.notify.app import create_app
from services.notify.handlers import HANDLERS
from services.notify.tests.factories import bearer, submitted
from shared.handling import handle
from shared.runtime import Runtime

NOMINATION = "0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f"


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    handle(runtime, HANDLERS, "notify", submitted("kk"))
    handle(runtime, HANDLERS, "notify", submitted("ru", nomination_id="other-region", region="shymkent"))
    return create_app(runtime).test_client()


def test_log_page_masks_contacts(client: FlaskClient, runtime: Runtime) -> None:
    admin = bearer(runtime)
    html = client.get("/?lang=kk", headers=admin).get_data(as_text=True)
    assert "Хабарламалар" in html and "ТОП 100: өтініміңіз қабылданды" in html
    assert "+7701*****67" in html and "al*****@example.kz" in html
    assert "+77011234567" not in html and "alikhan@example.kz" not in html
    # A signed-in caller reads in the language they pick (remembered), else in their account's.
    english = client.get("/?lang=en", headers=admin).get_data(as_text=True)
    assert "Messages" in english and ">Kazakh</td>" in english
    assert ">қазақ тілі</td>" in html


def test_the_log_is_closed_to_anonymous_callers_and_to_members(client: FlaskClient, runtime: Runtime) -> None:
    assert client.get("/").status_code == 302
    assert client.get("/api/v1/messages").status_code == 401
    member = bearer(runtime, role="regional_member", scope="almaty", user_id="u-m")
    assert client.get("/api/v1/messages", headers=member).status_code == 403
    assert client.get("/api/v1/templates", headers=member).status_code == 403
    # A person who opens the page is told so on a page, in their language, not given a JSON problem.
    page = client.get("/?lang=ru", headers=member)
    assert page.status_code == 403 and page.mimetype == "text/html"
    assert "Ваша роль не открывает эту страницу" in page.get_data(as_text=True)


def test_a_chair_reads_the_log_of_their_region_only(client: FlaskClient, runtime: Runtime) -> None:
    chair = bearer(runtime, role="regional_chair", scope="shymkent", user_id="u-c")
    items = client.get("/api/v1/messages", headers=chair).get_json()["items"]
    assert {item["region"] for item in items} == {"shymkent"} and len(items) == 2
    assert client.get("/api/v1/messages?region=almaty", headers=chair).status_code == 403
    html = client.get("/?lang=ru", headers=chair).get_data(as_text=True)
    assert "ваша заявка принята" in html and "өтініміңіз" not in html


def test_message_page_shows_the_body(client: FlaskClient, runtime: Runtime) -> None:
    admin = bearer(runtime)
    html = client.get("/?lang=ru&region=almaty", headers=admin).get_data(as_text=True)
    links = [part.split("?", 1)[0] for part in html.split('href="/messages/')[1:]]
    pages = [client.get(f"/messages/{link}?lang=ru", headers=admin) for link in links]
    assert [page.status_code for page in pages] == [200, 200]
    bodies = " ".join(page.get_data(as_text=True) for page in pages)
    assert "Құрметті Әлихан Қайратұлы!" in bodies and "Әлихан Қайратұлы, өтініміңіз қабылданды" in bodies
    assert client.get("/messages/nope", headers=admin).status_code == 404
    links = [part.split('"', 1)[0] for part in bodies.split('href="/messages/')[1:]]
    [eml] = [link for link in links if link.endswith(".eml")]
    letter = client.get(f"/messages/{eml}", headers=admin)
    assert letter.status_code == 200 and letter.mimetype == "message/rfc822"
    assert b"Message-ID" in letter.data


def test_api_filters_the_log(client: FlaskClient, runtime: Runtime) -> None:
    admin = bearer(runtime)
    reply = client.get(f"/api/v1/messages?nomination_id={NOMINATION}", headers=admin)
    items = sorted(reply.get_json()["items"], key=lambda item: item["channel"])
    assert [(i["channel"], i["status"], i["recipient"], i["template"]) for i in items] == [
        ("email", "sent", "al*****@example.kz", "nomination_received"),
        ("sms", "sent", "+7701*****67", "nomination_received"),
    ]
    assert items[1]["segments"] == 1 and items[0]["attempts"] == 1 and "body" not in items[0]
    sms = client.get("/api/v1/messages?channel=sms&region=almaty", headers=admin).get_json()["items"]
    assert [i["channel"] for i in sms] == ["sms"]
    assert client.get("/api/v1/messages?status=nope", headers=admin).status_code == 422
    later = client.get("/api/v1/messages?from=2030-01-01T00:00:00%2B05:00", headers=admin).get_json()
    assert later["items"] == []
