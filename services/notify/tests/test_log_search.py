"""The delivery log an administrator searches: by recipient (typed in full, matched by a keyed hash, the
contact never in an address and never stored in clear for the search), by nomination, by template; 50
a page with pages; each message's timeline (queued, held, sent, delivered, failed with the reason)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from services.notify.app import create_app
from services.notify.handlers import CHORES, HANDLERS
from services.notify.models import Message, MessageStep
from services.notify.operations import searching
from services.notify.operations.receipts import signature
from services.notify.tests import servers
from services.notify.tests.factories import bearer, from_environment, submitted
from shared.handling import handle
from shared.runtime import Runtime

ALIKHAN = "0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f"


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    handle(runtime, HANDLERS, "notify", submitted("kk"))
    handle(
        runtime,
        HANDLERS,
        "notify",
        submitted("ru", nomination_id="a1b2c3d4-0000", email="aigerim@example.kz"),
    )
    return create_app(runtime).test_client()


def _search(client: FlaskClient, runtime: Runtime, **form: str) -> tuple[str, str]:
    """Post the search form as a person does; returns (the address it led to, the page there)."""
    admin = bearer(runtime)
    reply = client.post("/?lang=ru", data=form, headers=admin)
    assert reply.status_code == 303
    location = reply.headers["Location"]
    return location, client.get(location, headers=admin).get_data(as_text=True)


def test_a_recipient_typed_in_full_is_found_by_its_keyed_hash_and_shown_masked(
    client: FlaskClient, runtime: Runtime
) -> None:
    location, html = _search(client, runtime, recipient="  ALIKHAN@example.kz ")
    assert "alikhan" not in location.lower() and re.search(r"who=[0-9a-f]{64}", location)
    assert "Сообщения для al*****@example.kz." in html and "alikhan@example.kz" not in html
    assert html.count('href="/messages/') == 1  # the email; the SMS went to a phone
    # The phone however it is written, and nothing for someone never written to.
    _, by_phone = _search(client, runtime, recipient="8 701 123 45 67")
    assert by_phone.count('href="/messages/') == 2 and "+7701*****67" in by_phone
    _, nobody = _search(client, runtime, recipient="nobody@example.kz")
    assert "Этому получателю сообщений не отправляли." in nobody and 'href="/messages/' not in nobody
    # What the database keeps for the search is a keyed hash, not the contact; another key finds nothing.
    with runtime.db.unit_of_work() as session:
        hashes = set(session.scalars(select(Message.recipient_hash)))
    assert searching.hashed(runtime.settings.secret_key, "alikhan@example.kz") in hashes
    assert searching.hashed("another secret", "alikhan@example.kz") not in hashes
    assert all(h and re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes)


def test_an_sms_is_hashed_once_as_the_mobile_it_goes_to(runtime: Runtime) -> None:
    """The hash the log is searched by is the routed SMS's: the Kazakhstan mobile as stored, not the
    number as the portal wrote it; a number that is no mobile fails, hashed as it was written."""
    event = submitted("kk")
    event.payload["contacts"]["phone"] = "8 (701) 123-45-67"
    handle(runtime, HANDLERS, "notify", event)
    landline = submitted("kk", nomination_id="a1b2c3d4-0000", email="aigerim@example.kz")
    landline.payload["contacts"]["phone"] = "+7 727 250 00 00"
    handle(runtime, HANDLERS, "notify", landline)
    with runtime.db.unit_of_work() as session:
        sms = {m.nomination_id: m for m in session.scalars(select(Message).where(Message.channel == "sms"))}
    secret = runtime.settings.secret_key
    mobile = sms[ALIKHAN]
    assert mobile.recipient == "+77011234567" and mobile.status != "failed"
    assert mobile.recipient_hash == searching.hashed(secret, "+77011234567")
    assert sms["a1b2c3d4-0000"].status == "failed"
    assert sms["a1b2c3d4-0000"].recipient_hash == searching.hashed(secret, "+77272500000")


def test_search_by_nomination_reference_and_by_template(client: FlaskClient, runtime: Runtime) -> None:
    _, html = _search(client, runtime, nomination="0B6F3C1E")
    assert html.count('href="/messages/') == 2 and "aigerim" not in html.replace("ai*****", "")
    _, html = _search(client, runtime, nomination=ALIKHAN, channel="sms")
    assert html.count('href="/messages/') == 1
    _, html = _search(client, runtime, template="winner")
    assert "По запросу сообщений нет." in html
    _, html = _search(client, runtime, template="nomination_received")
    assert html.count('href="/messages/') == 4
    wrong = client.get("/?lang=ru&nomination=%25%27", headers=bearer(runtime))
    assert wrong.status_code == 200 and "буквы, цифры и дефисы" in wrong.get_data(as_text=True)


def test_fifty_a_page_with_pages(client: FlaskClient, runtime: Runtime) -> None:
    for number in range(60):
        handle(
            runtime,
            HANDLERS,
            "notify",
            submitted("en", nomination_id=f"bulk-{number:03d}", email=f"s{number}@example.kz"),
        )
    admin = bearer(runtime)
    first = client.get("/?lang=en&channel=email", headers=admin).get_data(as_text=True)
    assert first.count('href="/messages/') == 50 and "Page 1 of 2" in first and "62 messages" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/?lang=en&channel=email&page=2", headers=admin).get_data(as_text=True)
    assert second.count('href="/messages/') == 12 and "Page 2 of 2" in second and 'rel="prev"' in second
    beyond = client.get("/?lang=en&channel=email&page=99", headers=admin).get_data(as_text=True)
    assert "Page 2 of 2" in beyond


def test_a_message_recorded_without_the_key_is_made_searchable_by_the_sweep(
    client: FlaskClient, runtime: Runtime
) -> None:
    with runtime.db.unit_of_work() as session:
        session.execute(update(Message).values(recipient_hash=None))
    _, before = _search(client, runtime, recipient="alikhan@example.kz")
    assert 'href="/messages/' not in before
    [send_due] = [chore for _, chore in CHORES if chore.__name__ == "send_due"]
    send_due(runtime)
    _, after = _search(client, runtime, recipient="alikhan@example.kz")
    assert after.count('href="/messages/') == 1


@pytest.fixture
def gateway_runtime(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    with servers.sms_gateway() as gateway:
        providers = [{"name": "kcell", "url": gateway.url, "priority": 1, "receipt_secret": "s"}]
        monkeypatch.setenv("NOTIFY_SMS_PROVIDERS", json.dumps(providers))
        yield from_environment(runtime)


def _steps(runtime: Runtime, message_id: str) -> list[tuple[str, str | None]]:
    with runtime.db.unit_of_work() as session:
        query = select(MessageStep).where(MessageStep.message_id == message_id).order_by(MessageStep.id)
        return [(step.status, step.reason) for step in session.scalars(query)]


def test_the_timeline_tells_held_sent_and_failed_with_the_providers_reason(
    gateway_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = gateway_runtime
    monkeypatch.setenv("TOP100_NOW", "2026-09-20T23:30:00+05:00")  # quiet hours: the SMS is held
    handle(runtime, HANDLERS, "notify", submitted("ru"))
    with runtime.db.unit_of_work() as session:
        sms = session.scalars(select(Message).where(Message.channel == "sms")).one()
    assert _steps(runtime, sms.id) == [("held", None)]
    monkeypatch.setenv("TOP100_NOW", "2026-09-21T08:05:00+05:00")
    [send_due] = [chore for _, chore in CHORES if chore.__name__ == "send_due"]
    send_due(runtime)
    client = create_app(runtime).test_client()
    with runtime.db.unit_of_work() as session:
        provider_id = session.get(Message, sms.id).provider_id
    raw = json.dumps({"id": provider_id, "status": "failed", "reason": "absent subscriber"}).encode()
    headers = {"Content-Type": "application/json", "X-Signature": signature("s", raw)}
    assert client.post("/api/v1/receipts/kcell", data=raw, headers=headers).status_code == 200
    assert _steps(runtime, sms.id) == [
        ("held", None),
        ("sent", None),
        ("failed", "undelivered: absent subscriber"),
    ]
    html = client.get(f"/messages/{sms.id}?lang=ru", headers=bearer(runtime)).get_data(as_text=True)
    timeline = html.split('class="timeline"', 1)[1].split("</ol>", 1)[0]
    words = re.findall(r"<strong>([^<]+)</strong>", timeline)
    assert words == ["Отложено (тихие часы)", "Отправлено", "Не отправлено"]
    assert "undelivered: absent subscriber" in timeline and "+7701*****67" in html
