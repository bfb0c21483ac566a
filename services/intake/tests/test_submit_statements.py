"""The database work of one submission stays what it is: a guard against an accidental extra query
(a lazy load, an expired attribute read back) creeping into the request path."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import event

from services.intake.tests import factories
from shared.runtime import Runtime


def _statements(runtime: Runtime, send) -> list[str]:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(runtime.db.engine, "before_cursor_execute", record)
    try:
        response = send()
    finally:
        event.remove(runtime.db.engine, "before_cursor_execute", record)
    assert response.status_code == 201, response.json
    return seen


def test_a_submission_reads_three_times_and_writes_four_rows(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    seen = _statements(
        runtime, lambda: client.post("/api/v1/nominations", json=factories.nomination(), headers=auth)
    )
    # key, locked college with its year's calendar, quota count; nomination, achievements,
    # statements, outbox
    assert seen.count("SELECT") == 3, seen
    assert seen.count("INSERT") == 4, seen
    assert len([s for s in seen if s not in ("BEGIN", "PRAGMA")]) == 7, seen


def test_a_submission_with_a_photo_adds_only_the_photo_row(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    seen = _statements(
        runtime,
        lambda: client.post(
            "/api/v1/nominations",
            data=factories.multipart(factories.nomination(), factories.jpeg(700, 900)),
            headers=auth,
            content_type="multipart/form-data",
        ),
    )
    assert seen.count("SELECT") == 3, seen
    assert seen.count("INSERT") == 5, seen
