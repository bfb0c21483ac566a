"""The 409s (quota, duplicate student, deadline, idempotency), deadline edges, and sandbox isolation."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from services.intake.models import Nomination
from services.intake.tests import factories
from services.intake.tests.conftest import issue_key
from services.intake.tests.test_api_submit import outbox_rows
from shared.runtime import Runtime


def post(client: FlaskClient, auth: dict, doc: dict, **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/nominations", json=doc, headers={**auth, **headers})


def count(runtime: Runtime) -> int:
    with runtime.db.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(Nomination)).scalar_one()


def test_the_fourth_nomination_of_a_college_is_refused_until_one_is_withdrawn(
    client: FlaskClient, auth: dict
) -> None:
    ids = [post(client, auth, factories.nomination(serial)).json["id"] for serial in (1, 2, 3)]
    response = post(client, auth, factories.nomination(4))
    assert response.status_code == 409
    assert response.json["code"] == "college_quota_exceeded"
    assert response.json["detail"] == "A college may nominate at most 3 students a year."
    assert post(client, auth, factories.nomination(4, college="ALA-002")).status_code == 201
    assert client.delete(f"/api/v1/nominations/{ids[0]}", headers=auth).status_code == 200
    assert post(client, auth, factories.nomination(5)).status_code == 201


def test_a_student_is_nominated_once_a_year(client: FlaskClient, auth: dict) -> None:
    assert post(client, auth, factories.nomination(7)).status_code == 201
    response = post(client, auth, factories.nomination(7, college="ALA-002"))
    assert response.status_code == 409
    assert response.json["code"] == "duplicate_student"


@pytest.mark.parametrize(
    ("now", "status"),
    [
        ("2026-10-05T23:59:59+05:00", 201),
        ("2026-10-05T18:59:59.900+00:00", 201),
        ("2026-10-06T00:00:00+05:00", 409),
        ("2027-01-01T00:00:00+05:00", 409),
    ],
)
def test_submissions_close_on_5_october_local_time(
    client: FlaskClient, auth: dict, monkeypatch: pytest.MonkeyPatch, now: str, status: int
) -> None:
    monkeypatch.setenv("TOP100_NOW", now)
    response = post(client, auth, factories.nomination())
    assert response.status_code == status, response.json
    if status == 409:
        assert response.json["code"] == "deadline_passed"


def test_a_future_year_is_not_open(client: FlaskClient, auth: dict) -> None:
    response = post(client, auth, factories.nomination(year=2027))
    assert response.status_code == 422
    assert response.json["codes"] == {"year": ["year_not_open"]}


def test_the_calendar_is_per_year(client: FlaskClient, auth: dict, runtime: Runtime, monkeypatch) -> None:
    from datetime import datetime

    from services.intake.operations.calendar import set_calendar
    from shared.clock import KAZAKHSTAN

    with runtime.db.unit_of_work() as session:
        set_calendar(session, 2026, submission_closes=datetime(2026, 10, 7, 12, 0, tzinfo=KAZAKHSTAN))
    monkeypatch.setenv("TOP100_NOW", "2026-10-07T11:59:00+05:00")
    assert post(client, auth, factories.nomination(1)).status_code == 201
    monkeypatch.setenv("TOP100_NOW", "2026-10-07T12:00:01+05:00")
    assert post(client, auth, factories.nomination(2)).json["code"] == "deadline_passed"


def test_an_idempotent_replay_returns_the_first_result_and_creates_nothing(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    doc = factories.nomination()
    first = post(client, auth, doc, **{"Idempotency-Key": "portal-req-1"})
    again = post(client, auth, doc, **{"Idempotency-Key": "portal-req-1"})
    assert first.status_code == again.status_code == 201
    assert again.json == first.json
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(runtime) == 1 and len(outbox_rows(runtime)) == 1
    other = post(client, auth, factories.nomination(2), **{"Idempotency-Key": "portal-req-1"})
    assert other.status_code == 409
    assert other.json["code"] == "idempotency_key_reused"
    assert count(runtime) == 1


def test_a_multipart_retry_with_a_new_boundary_is_the_same_request(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    doc, photo = factories.nomination(), factories.jpeg()
    headers = {**auth, "Idempotency-Key": "k-2"}
    first = client.post(
        "/api/v1/nominations",
        data=factories.multipart(doc, photo),
        headers=headers,
        content_type="multipart/form-data",
    )
    again = client.post(
        "/api/v1/nominations",
        data=factories.multipart(doc, photo),
        headers=headers,
        content_type="multipart/form-data",
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json["id"] == again.json["id"] and count(runtime) == 1


def test_a_failed_request_leaves_its_idempotency_key_free(client: FlaskClient, auth: dict) -> None:
    doc = factories.nomination(college="SHY-001")
    assert post(client, auth, doc, **{"Idempotency-Key": "k-3"}).status_code == 403
    assert post(client, auth, factories.nomination(), **{"Idempotency-Key": "k-3"}).status_code == 201


def test_an_invalid_idempotency_key_is_a_field_error(client: FlaskClient, auth: dict) -> None:
    response = post(client, auth, factories.nomination(), **{"Idempotency-Key": "x" * 256})
    assert response.status_code == 422
    assert "headers.Idempotency-Key" in response.json["errors"]


def test_sandbox_nominations_are_validated_kept_apart_and_never_published(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    sandbox = {"Authorization": f"Bearer {issue_key(runtime, 'almaty', sandbox=True)}"}
    assert post(client, sandbox, factories.nomination(statements={})).status_code == 422
    ids = [post(client, sandbox, factories.nomination(serial)).json["id"] for serial in (1, 2, 3)]
    assert post(client, sandbox, factories.nomination(4)).json["code"] == "college_quota_exceeded"
    assert outbox_rows(runtime) == []
    # Live and sandbox do not see or count each other.
    assert post(client, auth, factories.nomination(1)).status_code == 201
    assert client.get(f"/api/v1/nominations/{ids[0]}", headers=auth).status_code == 404
    assert client.get("/api/v1/nominations", headers=sandbox).json["total"] == 3
    assert client.get(f"/api/v1/nominations/{ids[0]}", headers=sandbox).json["sandbox"] is True
    assert client.delete(f"/api/v1/nominations/{ids[0]}", headers=sandbox).status_code == 200
    assert [row["routing_key"] for row in outbox_rows(runtime)] == ["nomination.submitted.almaty"]


def test_a_broken_photo_is_not_the_same_request_as_no_photo(client: FlaskClient, auth: dict) -> None:
    doc = factories.nomination()
    headers = {**auth, "Idempotency-Key": "k-4"}
    assert client.post("/api/v1/nominations", json=doc, headers=headers).status_code == 201
    response = client.post(
        "/api/v1/nominations",
        data=factories.multipart(doc, factories.png()),
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 409 and response.json["code"] == "idempotency_key_reused"
