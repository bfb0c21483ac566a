"""POST /api/v1/nominations: 201, the rows and the outbox in one transaction, every 422 at once."""

from __future__ import annotations

import io
import json
from urllib.parse import urlparse

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.intake.models import Nomination, outbox
from services.intake.tests import factories
from shared.runtime import Runtime


def outbox_rows(runtime: Runtime) -> list[dict]:
    with runtime.db.unit_of_work() as session:
        return [dict(row._mapping) for row in session.execute(select(outbox).order_by(outbox.c.id))]


def test_submit_json_creates_the_nomination_and_its_event(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    doc = factories.nomination()
    response = client.post("/api/v1/nominations", json=doc, headers=auth)
    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["Location"] == f"/api/v1/nominations/{body['id']}"
    assert body["status"] == "submitted"
    assert (
        body["student"]["iin_masked"] == doc["student"]["iin"][:2] + "********" + doc["student"]["iin"][-2:]
    )
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
    assert payload["candidate"] == {
        "last_name": "Әбілқасымова",
        "first_name": "Іңкәр",
        "patronymic": "Ғалымқызы",
    }
    assert payload["nomination_id"] == body["id"]
    assert payload["photo"] is None
    assert set(payload["college_names"]) == {"kk", "ru", "en"}
    assert payload["college_names"]["kk"].endswith("колледжі")


def test_submit_multipart_with_photo_stores_the_original(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    photo = factories.jpeg(700, 900)
    response = client.post(
        "/api/v1/nominations",
        data=factories.multipart(factories.nomination(), photo),
        headers=auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["photo"]["width"] == 700 and body["photo"]["height"] == 900
    assert body["progress"]["photo"] == "pending"
    [event] = outbox_rows(runtime)
    ref = json.loads(event["body"])["payload"]["photo"]
    assert ref["key"].startswith(f"photos/2026/{body['id']}/")
    assert runtime.blobs.get(ref["key"]) == photo
    assert set(ref) == {"key", "url", "sha256", "content_type", "width", "height"}


def test_the_event_carries_a_signed_link_to_the_photo_that_expires(
    client: FlaskClient, auth: dict, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Media reads the photo through this link alone; a changed or expired one gets 403."""
    monkeypatch.setenv("TOP100_NOW", "2026-09-20T10:00:00+05:00")
    photo = factories.jpeg(700, 900)
    response = client.post(
        "/api/v1/nominations",
        data=factories.multipart(factories.nomination(), photo),
        headers=auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    [event] = outbox_rows(runtime)
    payload = json.loads(event["body"])["payload"]
    assert payload["consent_publication"] is True
    link = urlparse(payload["photo"]["url"])
    assert link.path.endswith(f"/files/{payload['photo']['key']}")
    assert "signature=" in link.query and "expires=" in link.query
    assert client.get(f"{link.path}?{link.query}").data == photo  # no portal key: the link alone
    assert client.get(f"{link.path}?{link.query.replace('signature=', 'signature=0')}").status_code == 403
    assert client.get(link.path).status_code == 403
    monkeypatch.setenv("TOP100_NOW", "2026-09-27T10:00:01+05:00")  # seven days and a second later
    assert client.get(f"{link.path}?{link.query}").status_code == 403


def test_every_error_is_reported_at_once_with_its_field_path(client: FlaskClient, auth: dict) -> None:
    doc = factories.nomination()
    doc["student"]["iin"] = doc["student"]["iin"][:11] + str((int(doc["student"]["iin"][11]) + 1) % 10)
    doc["statements"] = {"ru": factories.statement("ru_249")}
    doc["achievements"] = [doc["achievements"][0], {"title": "x", "year": "2025", "level": "galactic"}]
    doc["consent"]["publication"] = False
    del doc["coordinator"]
    doc["favourite_colour"] = "green"
    response = client.post("/api/v1/nominations", json=doc, headers=auth)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == 422
    codes = body["codes"]
    assert codes["student.iin"] == ["iin_check_digit"]
    assert codes["statements.ru"] == ["statement_too_short"]
    assert body["errors"]["statements.ru"] == ["249 words; at least 250 are required"]
    assert codes["achievements.1.year"] == ["type_integer"]
    assert codes["achievements.1.level"] == ["achievement_level_unknown"]
    assert codes["consent.publication"] == ["consent_required"]
    assert codes["coordinator"] == ["required"]
    assert codes["favourite_colour"] == ["unknown_field"]


def test_messages_follow_accept_language(client: FlaskClient, key: str) -> None:
    doc = factories.nomination(statements={"ru": factories.statement("ru_249")})
    bodies = {}
    for lang in ("kk", "ru", "en"):
        headers = {"Authorization": f"Bearer {key}", "Accept-Language": f"{lang}-KZ,{lang};q=0.9"}
        response = client.post("/api/v1/nominations", json=doc, headers=headers)
        assert response.status_code == 422
        assert response.headers["Content-Language"] == lang
        bodies[lang] = response.json
    assert bodies["ru"]["errors"]["statements.ru"] == ["249 слов; требуется не менее 250"]
    assert bodies["kk"]["errors"]["statements.ru"] == ["сөз саны: 249; кемінде 250 сөз қажет"]
    assert bodies["kk"]["title"] != bodies["en"]["title"] != bodies["ru"]["title"]


def test_a_statement_in_the_wrong_language_is_named(client: FlaskClient, auth: dict) -> None:
    doc = factories.nomination(statements={"kk": factories.statement("ru"), "en": factories.statement("en")})
    response = client.post("/api/v1/nominations", json=doc, headers=auth)
    assert response.status_code == 422
    assert response.json["codes"] == {"statements.kk": ["statement_wrong_language"]}


def test_a_minor_needs_a_guardian(client: FlaskClient, auth: dict) -> None:
    from datetime import date

    doc = factories.nomination(birth=date(2009, 9, 21))  # 16 on 20 Sep 2026
    response = client.post("/api/v1/nominations", json=doc, headers=auth)
    assert response.json["codes"] == {"consent.guardian": ["guardian_required"]}
    doc["consent"]["guardian"] = {"full_name": "Ғалым Әбілқасымов", "phone": "8 (701) 765-43-21"}
    response = client.post("/api/v1/nominations", json=doc, headers=auth)
    assert response.status_code == 201, response.json
    assert response.json["student"]["minor"] is True
    assert response.json["consent"]["guardian"]["phone"] == "+77017654321"


def test_wrong_content_type_is_415(client: FlaskClient, auth: dict) -> None:
    response = client.post("/api/v1/nominations", data="hello", headers=auth, content_type="text/plain")
    assert response.status_code == 415
    assert response.json["code"] == "unsupported_media_type"


def test_a_body_over_the_limit_is_413(client: FlaskClient, auth: dict) -> None:
    photo = b"\xff\xd8" + b"\0" * (17 * 1024 * 1024)
    response = client.post(
        "/api/v1/nominations",
        data=factories.multipart(factories.nomination(), photo),
        headers=auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_photo_problems_are_field_errors(client: FlaskClient, auth: dict, runtime: Runtime) -> None:
    cases = {
        "photo_not_jpeg": factories.png(),
        "photo_too_small": factories.jpeg(599, 900),
        "photo_unreadable": factories.jpeg(800, 1000)[:3000],
        "photo_too_large": factories.jpeg() + b"\0" * (15 * 1024 * 1024),
    }
    for code, photo in cases.items():
        response = client.post(
            "/api/v1/nominations",
            data=factories.multipart(factories.nomination(), photo),
            headers=auth,
            content_type="multipart/form-data",
        )
        assert response.status_code == 422, code
        assert response.json["codes"] == {"photo": [code]}, code
    assert not (runtime.settings.data_dir / "blobs").exists()
    assert outbox_rows(runtime) == []


def test_no_unknown_or_revoked_key_is_401(client: FlaskClient, runtime: Runtime, key: str) -> None:
    from services.intake.operations import keys

    doc = factories.nomination()
    assert client.post("/api/v1/nominations", json=doc).status_code == 401
    forged = key[:-4] + "AAAA"
    response = client.post("/api/v1/nominations", json=doc, headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    with runtime.db.unit_of_work() as session:
        keys.revoke(session, key.split(".")[0].removeprefix("t100_"))
    response = client.post("/api/v1/nominations", json=doc, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_another_regions_college_is_403(client: FlaskClient, auth: dict) -> None:
    response = client.post("/api/v1/nominations", json=factories.nomination(college="SHY-001"), headers=auth)
    assert response.status_code == 403
    assert response.json["code"] == "forbidden"


def test_an_unknown_college_is_a_field_error(client: FlaskClient, auth: dict) -> None:
    response = client.post("/api/v1/nominations", json=factories.nomination(college="NOPE-1"), headers=auth)
    assert response.json["codes"] == {"college_code": ["college_unknown"]}


def test_absurdly_nested_json_is_a_field_error(client: FlaskClient, auth: dict) -> None:
    for depth in (65, 100_000):
        body = "[" * depth + "]" * depth
        response = client.post(
            "/api/v1/nominations", data=body, headers=auth, content_type="application/json"
        )
        assert response.status_code == 422
        assert response.json["codes"] == {"nomination": ["invalid_json"]}


def test_a_lone_surrogate_is_a_field_error(client: FlaskClient, auth: dict) -> None:
    doc = json.dumps(factories.nomination(college="ALA-\ud800"))
    response = client.post("/api/v1/nominations", data=doc, headers=auth, content_type="application/json")
    assert response.status_code == 422
    assert response.json["codes"] == {"nomination": ["invalid_json"]}


def test_nul_characters_are_refused_before_the_database(client: FlaskClient, auth: dict) -> None:
    doc = factories.nomination()
    doc["student"]["specialty"] = "Программист\x00"
    response = client.post("/api/v1/nominations", json=doc, headers=auth)
    assert response.status_code == 422 and response.json["codes"] == {"nomination": ["invalid_json"]}
    query = client.get("/api/v1/nominations?college_code=A%00", headers=auth)
    assert query.status_code == 422 and list(query.json["errors"]) == ["college_code"]
    assert client.get("/api/v1/nominations/x%00y", headers=auth).status_code == 404


def test_a_malformed_key_is_401_without_a_lookup(client: FlaskClient) -> None:
    for token in ("t100_live_\x00.abc", "t100_" + "a" * 300, "nonsense", "t100_live_zz.x"):
        response = client.get("/api/v1/regions", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401


def test_a_part_of_another_name_is_refused_not_ignored(client: FlaskClient, auth: dict) -> None:
    """A photo sent as `Photo` would otherwise leave the nomination without one, silently."""
    data = factories.multipart(factories.nomination())
    data["Photo"] = (io.BytesIO(factories.jpeg()), "photo.jpg", "image/jpeg")
    response = client.post("/api/v1/nominations", data=data, headers=auth, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.json["codes"] == {"Photo": ["unknown_field"]}
