"""Delivery receipts at POST /api/v1/receipts/<provider>: only a body signed with the provider's secret
(hex HMAC-SHA256 in X-Signature) changes anything; the status goes on the bus."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.notify.app import create_app
from services.notify.handlers import HANDLERS
from services.notify.models import Message, outbox
from services.notify.operations.receipts import signature
from services.notify.tests import servers
from services.notify.tests.factories import from_environment, submitted
from shared.handling import handle
from shared.runtime import Runtime

SECRET = "receipts-secret"


@pytest.fixture
def sent(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Runtime, Message]]:
    with servers.sms_gateway() as gateway:
        providers = [{"name": "kcell", "url": gateway.url, "priority": 1, "receipt_secret": SECRET}]
        monkeypatch.setenv("NOTIFY_SMS_PROVIDERS", json.dumps(providers))
        configured = from_environment(runtime)
        handle(configured, HANDLERS, "notify", submitted())
        with runtime.db.unit_of_work() as session:
            row = session.scalars(select(Message).where(Message.channel == "sms")).one()
        yield configured, row


def _post(client: FlaskClient, body: dict, signed_with: str | None = SECRET, provider: str = "kcell") -> int:
    raw = json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if signed_with is not None:
        headers["X-Signature"] = signature(signed_with, raw)
    return client.post(f"/api/v1/receipts/{provider}", data=raw, headers=headers).status_code


def _status(runtime: Runtime, message_id: str) -> tuple[str, str | None]:
    with runtime.db.unit_of_work() as session:
        row = session.get(Message, message_id)
        return row.status, row.error


def _events(runtime: Runtime) -> list[str]:
    with runtime.db.unit_of_work() as session:
        return [json.loads(row.body)["type"] for row in session.execute(select(outbox))]


def test_an_unsigned_or_wrongly_signed_receipt_is_401_and_changes_nothing(
    sent: tuple[Runtime, Message],
) -> None:
    runtime, row = sent
    client = create_app(runtime).test_client()
    body = {"id": row.provider_id, "status": "delivered"}
    before = _events(runtime)
    assert _post(client, body, signed_with=None) == 401
    assert _post(client, body, signed_with="guessed") == 401
    assert _post(client, body, provider="unknown") == 401
    assert _status(runtime, row.id) == ("sent", None) and _events(runtime) == before


def test_a_signed_receipt_marks_the_sms_delivered_once(sent: tuple[Runtime, Message]) -> None:
    runtime, row = sent
    client = create_app(runtime).test_client()
    assert _post(client, {"id": row.provider_id, "status": "delivered"}) == 200
    assert _post(client, {"id": row.provider_id, "status": "delivered"}) == 200  # the gateway repeats itself
    assert _status(runtime, row.id) == ("delivered", None)
    assert _events(runtime).count("notification.delivered") == 1
    assert _post(client, {"id": "no-such-id", "status": "delivered"}) == 202
    assert _post(client, {"id": row.provider_id, "status": "lost"}) == 422


def test_a_failed_receipt_records_the_reason(sent: tuple[Runtime, Message]) -> None:
    runtime, row = sent
    client = create_app(runtime).test_client()
    assert _post(client, {"id": row.provider_id, "status": "failed", "reason": "absent subscriber"}) == 200
    assert _status(runtime, row.id) == ("failed", "undelivered: absent subscriber")
    assert _events(runtime)[-1] == "notification.failed"
