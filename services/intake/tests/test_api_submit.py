"""POST /api/v1/nominations: 201, the rows and the outbox in one transaction, every 422 at once."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from sqlalchemy import select

from shared.runtime import Runtime
from services.intake.models import Nomination, outbox
from services.intake.tests import factories
from services.intake.tests.conftest import issue_key


def outbox_rows(runtime: Runtime) -> list[dict]:
    with runtime.db.unit_of_work() as session:
        return [dict(row._mapping) for row in session.execute(select(outbox).order_by(outbox.c.id))]


def test_submit_json_creates_the_nomination_and_its_event(client: FlaskClient, auth: dict, runtime: Runtime) -> None:
    doc = factories.nomination()
    response = client.post("/api/v1/nominations", json=doc, headers=auth)
    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["Location"] == f"/api/v1/nominations/{body['id']}"
    assert body["status"] == "submitted"
    assert body["student"]["iin_masked"] == doc["student"]["iin"][:2] + "********" + doc["student"]["iin"][-2:]
    assert "iin" not in body["student"]
    assert body["student"]["last_name"] == "Әбілқасымова"
    assert body["progress"]["missing"] == ["statements.ru", "statements.en", "photo"]

    with runtime.db.unit_of_work() as session:
        row = session.get(Nomination, body["id"])
        assert row.iin == doc["student"]["iin"]
        assert (row.last_name, row.first_name, row.patronymic) == ("Әбілқасымова", "Іңкәр", "Ғалымқызы")
    [event] = outbox_rows(runtime)
    assert event["routing_key"] == "nomination.submitted.almaty"
    assert doc["student"]["iin"] not in event["body"]
    payload = json.loads(event["body"])["payload"]
    assert payload["candidate"] == {"last_name": "Әбілқасымова", "first_name": "Іңкәр", "patronymic": "Ғалымқызы"}
    assert payload["nomination_id"] == body["id"]
    assert payload["photo"] is None


def test_submit_multipart_with_photo_stores_the_original(client: FlaskClient, auth: dict, runtime: Runtime) -> None:
    photo = factories.jpeg(700, 900)
    response = client.post("/api/v1/nominations", data=factories.multipart(factories.nomination(), photo),
                           headers=auth, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["photo"]["width"] == 700 and body["photo"]["height"] == 900
    assert body["progress"]["photo"] == "pending"
    [event] = outbox_rows(runtime)
    ref = json.loads(event["body"])["payload"]["photo"]
    assert ref["key"].startswith(f"photos/2026/{body['id']}/")
    assert runtime.blobs.get(ref["key"]) == photo
    assert set(ref) == {"key", "url", "sha256", "content_type", "width", "height"}
