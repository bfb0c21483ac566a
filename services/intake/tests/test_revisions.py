"""Each change that emits an event gives the nomination its next revision, carried by the event; a
late report from media on a replaced photo does not overwrite the status of the new one."""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from services.intake.handlers import HANDLERS
from services.intake.tests import factories
from services.intake.tests.test_api_submit import outbox_rows
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime


def test_every_event_carries_the_next_revision(client: FlaskClient, auth: dict, runtime: Runtime) -> None:
    nid = client.post("/api/v1/nominations", json=factories.nomination(), headers=auth).json["id"]
    patch = json.dumps({"student": {"last_name": "Жұмабекова"}})
    headers = {**auth, "Content-Type": "application/merge-patch+json"}
    assert client.patch(f"/api/v1/nominations/{nid}", data=patch, headers=headers).status_code == 200
    photo = factories.jpeg()
    put = client.put(f"/api/v1/nominations/{nid}/photo", data=photo, headers=auth, content_type="image/jpeg")
    assert put.status_code == 200
    assert client.delete(f"/api/v1/nominations/{nid}", headers=auth).status_code in (200, 204)
    payloads = [json.loads(row["body"])["payload"] for row in outbox_rows(runtime)]
    assert [p["revision"] for p in payloads] == [1, 2, 3, 4]


def _report(runtime: Runtime, nid: str, asset_id: str, revision: int) -> None:
    payload = {"nomination_id": nid, "asset_id": asset_id, "derivatives": [], "nomination_revision": revision}
    event = Event(type="media.photo_processed", version=1, region="almaty", producer="media", payload=payload)
    assert handle(runtime, HANDLERS, "intake", event) is True


def test_a_late_report_on_a_replaced_photo_is_ignored(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    nid = factories.submitted(client, auth)
    new = factories.jpeg(900, 1200)
    client.put(f"/api/v1/nominations/{nid}/photo", data=new, headers=auth, content_type="image/jpeg")

    _report(runtime, nid, "for-the-first-photo", 1)
    progress = client.get(f"/api/v1/nominations/{nid}", headers=auth).json["progress"]
    assert progress["photo"] == "pending"

    _report(runtime, nid, "for-the-new-photo", 2)
    progress = client.get(f"/api/v1/nominations/{nid}", headers=auth).json["progress"]
    assert progress["photo"] == "processed"
