"""PATCH (JSON merge patch), PUT photo and DELETE, within the calendar, each with its event."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from services.intake.tests import factories
from services.intake.tests.test_api_submit import outbox_rows
from shared.runtime import Runtime

MERGE = "application/merge-patch+json"


@pytest.fixture
def nomination_id(client: FlaskClient, auth: dict) -> str:
    response = client.post("/api/v1/nominations", json=factories.nomination(), headers=auth)
    assert response.status_code == 201
    return response.json["id"]


def patch(client: FlaskClient, auth: dict, nomination_id: str, body: dict):  # type: ignore[no-untyped-def]
    return client.patch(
        f"/api/v1/nominations/{nomination_id}", data=json.dumps(body), headers=auth, content_type=MERGE
    )


def last_event(runtime: Runtime) -> tuple[str, dict]:
    row = outbox_rows(runtime)[-1]
    return row["routing_key"], json.loads(row["body"])["payload"]


def test_adding_a_statement_emits_the_change(
    client: FlaskClient, auth: dict, nomination_id: str, runtime: Runtime
) -> None:
    response = patch(client, auth, nomination_id, {"statements": {"ru": factories.statement("ru")}})
    assert response.status_code == 200, response.json
    assert set(response.json["statements"]) == {"kk", "ru"}
    assert response.json["progress"]["missing"] == ["statements.en", "photo"]
    routing_key, payload = last_event(runtime)
    assert routing_key == "nomination.amended.almaty"
    assert payload["changed"] == ["statements.ru"]
    assert set(payload["statements"]) == {"kk", "ru"}


def test_a_patch_that_changes_nothing_emits_nothing(
    client: FlaskClient, auth: dict, nomination_id: str, runtime: Runtime
) -> None:
    response = patch(client, auth, nomination_id, {"student": {"phone": "8 701 123 45 67"}})
    assert response.status_code == 200
    assert len(outbox_rows(runtime)) == 1


def test_the_merged_document_is_validated_like_a_submission(
    client: FlaskClient, auth: dict, nomination_id: str
) -> None:
    response = patch(client, auth, nomination_id, {"statements": {"kk": None}, "student": {"course": 9}})
    assert response.status_code == 422
    assert response.json["codes"] == {"student.course": ["range"], "statements": ["statements_empty"]}


def test_college_and_year_cannot_change(client: FlaskClient, auth: dict, nomination_id: str) -> None:
    response = patch(client, auth, nomination_id, {"college_code": "ALA-002"})
    assert response.json["codes"] == {"college_code": ["field_frozen"]}


def test_after_5_october_only_statements_change_until_20_october(
    client: FlaskClient, auth: dict, nomination_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-12T09:00:00+05:00")
    response = patch(client, auth, nomination_id, {"student": {"email": "new@example.kz"}})
    assert response.json["codes"] == {"student.email": ["field_closed"]}
    assert (
        patch(client, auth, nomination_id, {"statements": {"en": factories.statement("en")}}).status_code
        == 200
    )
    assert (
        client.delete(f"/api/v1/nominations/{nomination_id}", headers=auth).json["code"] == "deadline_passed"
    )
    monkeypatch.setenv("TOP100_NOW", "2026-10-21T00:00:00+05:00")
    response = patch(client, auth, nomination_id, {"statements": {"ru": factories.statement("ru")}})
    assert response.status_code == 409 and response.json["code"] == "deadline_passed"


def test_patch_needs_json(client: FlaskClient, auth: dict, nomination_id: str) -> None:
    response = client.patch(
        f"/api/v1/nominations/{nomination_id}", data="x", headers=auth, content_type="text/plain"
    )
    assert response.status_code == 415


def test_a_new_photo_is_stored_and_announced(
    client: FlaskClient, auth: dict, nomination_id: str, runtime: Runtime
) -> None:
    photo = factories.jpeg(900, 1200)
    response = client.put(
        f"/api/v1/nominations/{nomination_id}/photo", data=photo, headers=auth, content_type="image/jpeg"
    )
    assert response.status_code == 200, response.json
    assert response.json["photo"]["width"] == 900 and response.json["progress"]["photo"] == "pending"
    routing_key, payload = last_event(runtime)
    assert routing_key == "nomination.amended.almaty" and payload["changed"] == ["photo"]
    assert runtime.blobs.get(payload["photo"]["key"]) == photo
    bad = client.put(
        f"/api/v1/nominations/{nomination_id}/photo",
        data=factories.png(),
        headers=auth,
        content_type="image/jpeg",
    )
    assert bad.status_code == 422 and bad.json["codes"] == {"photo": ["photo_not_jpeg"]}
    wrong = client.put(
        f"/api/v1/nominations/{nomination_id}/photo", data=photo, headers=auth, content_type="image/png"
    )
    assert wrong.status_code == 415


def test_withdrawal_frees_the_slot_once(
    client: FlaskClient, auth: dict, nomination_id: str, runtime: Runtime
) -> None:
    response = client.delete(f"/api/v1/nominations/{nomination_id}", headers=auth)
    assert response.status_code == 200 and response.json["status"] == "withdrawn"
    assert last_event(runtime) == (
        "nomination.withdrawn.almaty",
        {"nomination_id": nomination_id, "reason": None, "revision": 2},
    )
    assert client.delete(f"/api/v1/nominations/{nomination_id}", headers=auth).status_code == 200
    assert len(outbox_rows(runtime)) == 2
    response = patch(client, auth, nomination_id, {"statements": {"ru": factories.statement("ru")}})
    assert response.json["code"] == "nomination_withdrawn"
    # the same student may be nominated again
    assert client.post("/api/v1/nominations", json=factories.nomination(), headers=auth).status_code == 201


def test_unknown_nomination_is_404(client: FlaskClient, auth: dict) -> None:
    for method in ("get", "delete"):
        response = getattr(client, method)("/api/v1/nominations/nope", headers=auth)
        assert response.status_code == 404 and response.json["code"] == "not_found"


def test_no_event_ever_carries_the_iin(client: FlaskClient, auth: dict, runtime: Runtime) -> None:
    doc = factories.nomination(5)
    nid = client.post("/api/v1/nominations", json=doc, headers=auth).json["id"]
    assert (
        patch(
            client, auth, nid, {"student": {"last_name": "Жұмабекова", "email": "new@example.kz"}}
        ).status_code
        == 200
    )
    client.put(
        f"/api/v1/nominations/{nid}/photo", data=factories.jpeg(), headers=auth, content_type="image/jpeg"
    )
    client.delete(f"/api/v1/nominations/{nid}", headers=auth)
    rows = outbox_rows(runtime)
    assert [row["routing_key"].rsplit(".", 1)[0] for row in rows] == [
        "nomination.submitted",
        "nomination.amended",
        "nomination.amended",
        "nomination.withdrawn",
    ]
    assert all(doc["student"]["iin"] not in row["body"] for row in rows)
    amended = json.loads(rows[1]["body"])["payload"]
    assert (
        amended["candidate"]["last_name"] == "Жұмабекова" and amended["contacts"]["email"] == "new@example.kz"
    )


WITHDRAW_CONSENT = {"consent": {"publication": False}}


@pytest.mark.parametrize(
    "now",
    [
        "2026-09-01T12:00:00+05:00",  # submissions open
        "2026-10-12T09:00:00+05:00",  # only statements may change
        "2026-12-30T23:00:00+05:00",  # long after every deadline
    ],
)
def test_consent_to_publication_can_be_withdrawn_in_every_season(
    client: FlaskClient,
    auth: dict,
    nomination_id: str,
    runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
    now: str,
) -> None:
    monkeypatch.setenv("TOP100_NOW", now)
    response = patch(client, auth, nomination_id, WITHDRAW_CONSENT)
    assert response.status_code == 200, response.json
    assert response.json["consent"]["publication"] is False
    routing_key, payload = last_event(runtime)
    assert routing_key == "nomination.amended.almaty"
    assert payload == {
        "nomination_id": nomination_id,
        "changed": ["consent.publication"],
        "consent_publication": False,
        "revision": 2,
    }
    # Again: nothing changes, nothing is said.
    assert patch(client, auth, nomination_id, WITHDRAW_CONSENT).status_code == 200
    assert len(outbox_rows(runtime)) == 2
    assert (
        client.get(f"/api/v1/nominations/{nomination_id}", headers=auth).json["consent"]["publication"]
        is False
    )


def test_only_the_withdrawal_alone_is_free_of_the_calendar(
    client: FlaskClient, auth: dict, nomination_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-25T09:00:00+05:00")
    for body in (
        {"consent": {"publication": False}, "student": {"email": "x@example.kz"}},
        {"consent": {"publication": True}},
        {"consent": {"publication": 0}},
        {"consent": {"publication": False, "personal_data": False}},
    ):
        response = patch(client, auth, nomination_id, body)
        assert response.status_code == 409 and response.json["code"] == "deadline_passed", body


def test_a_withdrawn_consent_is_not_asked_for_again_by_a_later_amendment(
    client: FlaskClient, auth: dict, nomination_id: str, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-12T09:00:00+05:00")
    assert patch(client, auth, nomination_id, WITHDRAW_CONSENT).status_code == 200
    response = patch(client, auth, nomination_id, {"statements": {"en": factories.statement("en")}})
    assert response.status_code == 200, response.json
    assert response.json["consent"]["publication"] is False
    _routing_key, payload = last_event(runtime)
    assert payload["changed"] == ["statements.en"] and "consent_publication" not in payload


def test_before_the_deadline_a_withdrawal_with_other_changes_is_refused_by_name(
    client: FlaskClient, auth: dict, nomination_id: str
) -> None:
    body = {"consent": {"publication": False}, "student": {"email": "x@example.kz"}}
    response = patch(client, auth, nomination_id, body)
    assert response.status_code == 422 and response.json["codes"] == {
        "consent.publication": ["consent_required"]
    }


def test_a_withdrawn_nomination_may_still_withdraw_its_consent(
    client: FlaskClient, auth: dict, nomination_id: str, runtime: Runtime
) -> None:
    assert client.delete(f"/api/v1/nominations/{nomination_id}", headers=auth).status_code == 200
    response = patch(client, auth, nomination_id, WITHDRAW_CONSENT)
    assert response.status_code == 200 and response.json["consent"]["publication"] is False
    assert last_event(runtime)[1]["changed"] == ["consent.publication"]
