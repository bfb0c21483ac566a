"""The response schema and the hand-built response agree field for field, on real nominations.

`schemas.NominationOut` documents the response (and can dump it); `render.represent` builds it on the
hot path. Checked on a nomination with every optional part (patronymic, guardian, descriptions, three
statements, photo, progress with decisions and messages, withdrawal) and on one with none of them.
"""

from __future__ import annotations

import json
from datetime import date

from flask.testing import FlaskClient

from services.intake.operations import Portal, nominations, progress
from services.intake.operations.render import represent
from services.intake.schemas import NominationOut
from services.intake.tests import factories
from shared.runtime import Runtime


def _agree(runtime: Runtime, client: FlaskClient, auth: dict, nomination_id: str) -> dict:
    body = client.get(f"/api/v1/nominations/{nomination_id}", headers=auth).json
    with runtime.db.unit_of_work() as session:
        row = nominations.find(session, Portal("", "almaty", False), nomination_id)
        dumped, built = NominationOut().dump(row), represent(row)
    assert dumped == built
    assert json.loads(json.dumps(dumped, ensure_ascii=False)) == body
    assert set(body) == set(NominationOut().fields)
    return body


def test_a_nomination_with_every_optional_part(client: FlaskClient, auth: dict, runtime: Runtime) -> None:
    doc = factories.nomination(birth=date(2009, 1, 5))
    doc["consent"]["guardian"] = {"full_name": "Ғалым Әбілқасымов", "phone": "+77017654321"}
    doc["achievements"][0]["description"] = "Құзыреттер бойынша республикалық чемпионат"
    doc["statements"] = {lang: factories.statement(lang) for lang in ("kk", "ru", "en")}
    created = client.post(
        "/api/v1/nominations",
        data=factories.multipart(doc, factories.jpeg()),
        headers=auth,
        content_type="multipart/form-data",
    )
    assert created.status_code == 201, created.json
    nomination_id = created.json["id"]
    with runtime.db.unit_of_work() as session:
        progress.photo_rejected(session, nomination_id, "the face is not visible")
        progress.candidate_registered(session, nomination_id, "c-1", "regional")
        progress.decision(
            session,
            nomination_id,
            "candidate.advanced",
            {"stage": "regional", "to_stage": "republican"},
            "2026-10-10T10:00:00Z",
        )
        progress.message_sent(session, nomination_id, "email", "received", "2026-09-20T05:00:01Z")
    assert client.delete(f"/api/v1/nominations/{nomination_id}", headers=auth).status_code == 200

    body = _agree(runtime, client, auth, nomination_id)
    assert body["student"]["minor"] is True and body["student"]["patronymic"] == "Ғалымқызы"
    assert body["consent"]["guardian"]["full_name"] == "Ғалым Әбілқасымов"
    assert body["achievements"][0]["description"].startswith("Құзыреттер")
    assert list(body["statements"]) == ["kk", "ru", "en"]
    assert body["photo"]["width"] == 800 and body["withdrawn_at"] is not None
    assert body["progress"]["stage"] == "republican" and body["progress"]["photo"] == "rejected"
    assert len(body["progress"]["decisions"]) == 1 and len(body["progress"]["notifications"]) == 1
    assert body["progress"]["missing"] == []


def test_a_nomination_with_no_optional_part(client: FlaskClient, auth: dict, runtime: Runtime) -> None:
    doc = factories.nomination()
    del doc["student"]["patronymic"], doc["consent"]["guardian"]
    created = client.post("/api/v1/nominations", json=doc, headers=auth)
    assert created.status_code == 201, created.json

    body = _agree(runtime, client, auth, created.json["id"])
    assert body == created.json
    assert body["student"]["patronymic"] is None and body["consent"]["guardian"] is None
    assert body["achievements"][0]["description"] is None and list(body["statements"]) == ["kk"]
    assert body["photo"] is None and body["withdrawn_at"] is None
    assert body["progress"] == {
        "stage": None,
        "decisions": [],
        "photo": "none",
        "photo_reason": None,
        "notifications": [],
        "missing": ["statements.ru", "statements.en", "photo"],
    }
