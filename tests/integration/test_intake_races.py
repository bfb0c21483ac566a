"""Intake under concurrent requests on the real PostgreSQL: the quota, the one-nomination-per-student
index and Idempotency-Key hold when portals race (threads, each with its own HTTP client)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from services.intake.app import create_app
from services.intake.bootstrap import build
from services.intake.models import Nomination, outbox
from services.intake.operations import keys, refdata
from services.intake.tests import factories
from shared import migrate
from shared.runtime import Runtime

pytestmark = pytest.mark.integration


@pytest.fixture
def intake_pg(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Runtime, Flask]]:
    monkeypatch.setenv("TOP100_NOW", "2026-09-20T10:00:00+05:00")
    migrate.upgrade("intake", pg_url)
    runtime = build(factories.settings(tmp_path, pg_url))
    with runtime.db.unit_of_work() as session:
        refdata.load_paths(session, [])
    yield runtime, create_app(runtime)
    runtime.db.dispose()


def portal_headers(runtime: Runtime, region: str = "almaty") -> dict[str, str]:
    with runtime.db.unit_of_work() as session:
        _row, key = keys.issue(session, region)
    return {"Authorization": f"Bearer {key}"}


def race(app: Flask, requests: list[tuple[dict, dict]]) -> list:  # type: ignore[type-arg]
    """POST every (document, headers) at once from its own thread and client; the responses in order."""
    barrier = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)

    def go(index: int, doc: dict, headers: dict) -> None:
        client = app.test_client()
        barrier.wait()
        responses[index] = client.post("/api/v1/nominations", json=doc, headers=headers)

    threads = [
        threading.Thread(target=go, args=(i, doc, headers)) for i, (doc, headers) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return responses


def count(runtime: Runtime, **where: object) -> int:
    with runtime.db.unit_of_work() as session:
        query = select(func.count()).select_from(Nomination).filter_by(**where)
        return session.execute(query).scalar_one()


def test_portals_racing_for_the_last_slot_get_one_201(intake_pg: tuple[Runtime, Flask]) -> None:
    runtime, app = intake_pg
    portals = [portal_headers(runtime) for _ in range(2)]
    serial = 100
    for round_, college in enumerate(("ALA-001", "ALA-002", "ALA-003", "ALA-004")):
        client = app.test_client()
        for _ in range(2):
            serial += 1
            assert (
                client.post(
                    "/api/v1/nominations",
                    json=factories.nomination(serial, college=college),
                    headers=portals[0],
                ).status_code
                == 201
            )
        contenders = []
        for index in range(4):
            serial += 1
            contenders.append((factories.nomination(serial, college=college), portals[index % 2]))
        responses = race(app, contenders)
        statuses = Counter(response.status_code for response in responses)
        assert statuses == {201: 1, 409: 3}, (round_, [r.json for r in responses])
        assert {r.json["code"] for r in responses if r.status_code == 409} == {"college_quota_exceeded"}
        assert count(runtime, college_code=college, status="submitted") == 3


def test_the_same_student_from_two_colleges_at_once_is_one_nomination(
    intake_pg: tuple[Runtime, Flask],
) -> None:
    runtime, app = intake_pg
    headers = portal_headers(runtime)
    for serial in range(200, 205):
        responses = race(
            app,
            [
                (factories.nomination(serial, college=college), headers)
                for college in ("ALA-001", "ALA-002", "ALA-003")
            ],
        )
        statuses = Counter(response.status_code for response in responses)
        assert statuses == {201: 1, 409: 2}, [r.json for r in responses]
        assert {r.json["code"] for r in responses if r.status_code == 409} == {"duplicate_student"}
        # free the college slots for the next round
        winner = next(r for r in responses if r.status_code == 201).json["id"]
        assert app.test_client().delete(f"/api/v1/nominations/{winner}", headers=headers).status_code == 200


def test_one_idempotency_key_sent_at_once_creates_one_nomination(intake_pg: tuple[Runtime, Flask]) -> None:
    runtime, app = intake_pg
    headers = {**portal_headers(runtime), "Idempotency-Key": "same-request"}
    doc = factories.nomination(300)
    responses = race(app, [(doc, headers)] * 6)
    assert [r.status_code for r in responses] == [201] * 6, [r.json for r in responses]
    assert len({r.json["id"] for r in responses}) == 1
    assert sum(1 for r in responses if r.headers.get("Idempotent-Replayed")) == 5
    assert count(runtime) == 1
    with runtime.db.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(outbox)).scalar_one() == 1
    other = race(app, [(factories.nomination(301), headers), (factories.nomination(302), headers)])
    assert sorted(r.status_code for r in other) == [409, 409]


def test_a_duplicate_student_is_told_by_the_index_name_postgresql_reports(
    intake_pg: tuple[Runtime, Flask],
) -> None:
    from services.intake.models import LIVE_STUDENT_INDEX, SANDBOX_STUDENT_INDEX
    from services.intake.tests.test_submission import insert_again

    runtime, app = intake_pg
    client, doc = app.test_client(), factories.nomination(500)
    live = client.post("/api/v1/nominations", json=doc, headers=portal_headers(runtime))
    with runtime.db.unit_of_work() as session:
        _row, key = keys.issue(session, "almaty", sandbox=True)
    sandbox = client.post("/api/v1/nominations", json=doc, headers={"Authorization": f"Bearer {key}"})
    assert (live.status_code, sandbox.status_code) == (201, 201)
    assert insert_again(runtime, live.json["id"]) == LIVE_STUDENT_INDEX
    assert insert_again(runtime, sandbox.json["id"]) == SANDBOX_STUDENT_INDEX


def test_the_fuzz_run_finds_no_server_error_on_postgresql(intake_pg: tuple[Runtime, Flask]) -> None:
    """PostgreSQL refuses what SQLite takes (NUL characters, over-long keys): the fuzz run again, on it."""
    import schemathesis
    from schemathesis.generation.modes import GenerationMode

    from tests.contracts.test_fuzz import fuzz_operation as fuzz

    runtime, app = intake_pg
    auth = {**portal_headers(runtime), "Accept-Language": "ru"}
    real_id = (
        app.test_client().post("/api/v1/nominations", json=factories.nomination(400), headers=auth).json["id"]
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    seen: set[tuple[str, int]] = set()
    for result in schema.get_all_operations():
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz(result.ok(), mode, auth, real_id, seen)
    assert all(status < 500 for _label, status in seen)
