"""Notify's audit log: reading a message's body or contacts, the delivery log and a template saved are
entries in notify's own append-only log, each announced to review as `audit.recorded` (the outbox,
same transaction)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from services.notify.app import create_app
from services.notify.handlers import HANDLERS
from services.notify.tests.factories import bearer, submitted
from shared import testing
from shared.handling import handle
from shared.runtime import Runtime

NOMINATION = "0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f"


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    handle(runtime, HANDLERS, "notify", submitted("kk"))
    return create_app(runtime).test_client()


def _message_ids(client: FlaskClient, runtime: Runtime) -> list[str]:
    items = client.get(f"/api/v1/messages?nomination_id={NOMINATION}", headers=bearer(runtime)).get_json()
    return sorted(item["id"] for item in items["items"] if item["channel"] == "email")


def test_reads_of_messages_and_a_saved_template_are_entries_announced_to_review(
    client: FlaskClient, runtime: Runtime
) -> None:
    admin = bearer(runtime)
    assert testing.audit_entries(runtime) == []
    [message] = _message_ids(client, runtime)
    assert client.get("/?region=almaty", headers=admin).status_code == 200
    assert client.get(f"/messages/{message}", headers=admin).status_code == 200
    assert client.get(f"/messages/{message}.eml", headers=admin).status_code == 200
    body = {"channel": "sms", "body": {"kk": "ТОП 100: {{ reference }} қабылданды", "ru": "", "en": ""}}
    assert client.put("/api/v1/templates/nomination_received", json=body, headers=admin).status_code == 201
    assert client.post("/logout", headers=admin).status_code == 302

    assert testing.audit_entries(runtime) == [
        ("messages.listed", f"nomination:{NOMINATION}", None),
        ("messages.listed", None, "almaty"),
        ("message.read", f"message:{message}", "almaty"),
        ("message.file", f"message:{message}", "almaty"),
        ("template.saved", "template:nomination_received/sms", None),
        ("logout", None, None),
    ]
    announced = testing.announced_audit(runtime)
    assert [key for key, _ in announced] == [
        "audit.recorded.astana",
        "audit.recorded.almaty",
        "audit.recorded.almaty",
        "audit.recorded.almaty",
        "audit.recorded.astana",
        "audit.recorded.astana",
    ]
    payload = announced[2][1]
    assert (payload["service"], payload["actor_id"], payload["action"]) == (
        "notify",
        "u-admin",
        "message.read",
    )
    assert set(payload) == {"entry_id", "service", "actor_id", "action", "object", "region", "at"}


def test_a_message_outside_the_chairs_region_is_not_read_nor_logged(
    client: FlaskClient, runtime: Runtime
) -> None:
    [message] = _message_ids(client, runtime)
    before = testing.audit_entries(runtime)
    chair = bearer(runtime, role="regional_chair", scope="shymkent", user_id="u-c")
    assert client.get(f"/messages/{message}", headers=chair).status_code == 404
    assert testing.audit_entries(runtime) == before


def test_the_audit_log_refuses_update_and_delete(client: FlaskClient, runtime: Runtime) -> None:
    _message_ids(client, runtime)
    assert testing.refuses_update_and_delete(runtime, "audit_log")
    assert len(testing.audit_entries(runtime)) == 1
