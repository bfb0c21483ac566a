"""Decisions on PostgreSQL: two at once cannot both pass, and the database refuses to change one."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select, text

from services.review.app import create_app
from services.review.models import Candidate, Decision, outbox
from services.review.tests import seeding
from shared.runtime import Runtime

pytestmark = pytest.mark.integration


def at_once(calls: list[Callable[[], int]]) -> list[int]:
    """Run `calls` in threads released together by a barrier; their status codes."""
    barrier = threading.Barrier(len(calls))
    results: list[int] = [0] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_chairs_tabs_at_once_record_one_decision_within_the_quota(
    pg_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    with pg_runtime.db.unit_of_work() as session:
        ids = [seeding.candidate(session, "almaty").id for _ in range(16)]
    app = create_app(pg_runtime)
    headers = seeding.token(pg_runtime.settings.secret_key, "regional_chair", "almaty")

    def decide(advanced: list[str]) -> Callable[[], int]:
        def call() -> int:
            body = {
                "year": 2026,
                "stage": "regional",
                "region": "almaty",
                "advanced": advanced,
                "justification": "Ең жоғары ұпайлар.",
            }
            return app.test_client().post("/api/v1/decisions", json=body, headers=headers).status_code

        return call

    # Four tabs, each within the quota alone (8 and 10 of 16), two of them naming other candidates.
    statuses = at_once([decide(ids[:8]), decide(ids[8:]), decide(ids[:10]), decide(ids[6:16])])
    assert sorted(statuses) == [201, 409, 409, 409]
    with pg_runtime.db.unit_of_work() as session:
        [decision] = session.scalars(select(Decision))
        advanced = session.scalar(
            select(func.count()).select_from(Candidate).where(Candidate.stage == "republican")
        )
        events = session.scalar(select(func.count()).select_from(outbox))
    assert advanced == len(decision.advanced) <= 10
    assert events == 16 + 1 + 0  # one event per candidate and the stage's closing, nothing of the losers

    first = decision.id

    def correct(advanced: list[str]) -> Callable[[], int]:
        def call() -> int:
            body = {
                "year": 2026,
                "stage": "regional",
                "region": "almaty",
                "advanced": advanced,
                "justification": "Қайта есептелді.",
                "reason": "Бір мүшенің бағасы қате енгізілген.",
            }
            client = app.test_client()
            return client.post(
                f"/api/v1/decisions/{first}/corrections", json=body, headers=headers
            ).status_code

        return call

    assert sorted(at_once([correct(ids[:9]), correct(ids[1:11]), correct(ids[2:12])])) == [201, 409, 409]
    with pg_runtime.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 2
        assert (
            session.scalar(select(func.count()).select_from(Candidate).where(Candidate.stage == "republican"))
            <= 10
        )


def test_postgres_refuses_to_update_or_delete_a_decision(
    pg_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    with pg_runtime.db.unit_of_work() as session:
        ids = [seeding.candidate(session, "almaty").id]
    app = create_app(pg_runtime)
    headers = seeding.token(pg_runtime.settings.secret_key, "regional_chair", "almaty")
    body = {"year": 2026, "stage": "regional", "region": "almaty", "advanced": ids, "justification": "Иә."}
    assert app.test_client().post("/api/v1/decisions", json=body, headers=headers).status_code == 201
    for statement in (
        "UPDATE decisions SET justification = 'x'",
        "DELETE FROM decisions",
        "TRUNCATE decisions CASCADE",
    ):
        with pytest.raises(Exception, match="append-only"), pg_runtime.db.unit_of_work() as session:
            session.execute(text(statement))
    with pg_runtime.db.unit_of_work() as session:
        assert session.scalar(select(Decision.justification)) == "Иә."


def test_postgres_refuses_to_update_or_delete_the_audit_log(pg_runtime: Runtime) -> None:
    from services.review.operations import audit
    from services.review.rules import audit as actions

    with pg_runtime.db.unit_of_work() as session:
        audit.record(session, None, actions.LOGIN_FAILED, email="a***@example.kz")
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"):
        with pytest.raises(Exception, match="append-only"), pg_runtime.db.unit_of_work() as session:
            session.execute(text(statement))


def test_the_production_role_may_not_update_or_delete_what_is_append_only(pg_runtime: Runtime) -> None:
    """deploy/postgres/review-roles.sql, applied in a transaction that is rolled back (roles are
    cluster-wide): as `review_app`, an insert into the audit log works, an UPDATE or DELETE is denied."""
    from pathlib import Path

    sql = (Path(__file__).resolve().parents[3] / "deploy" / "postgres" / "review-roles.sql").read_text()
    with pg_runtime.db.engine.connect() as connection:
        transaction = connection.begin()
        try:
            connection.exec_driver_sql(sql)
            connection.exec_driver_sql("SET LOCAL ROLE review_app")
            connection.exec_driver_sql(
                "INSERT INTO audit_log (at, action, details) VALUES (now(), 'login', '{}')"
            )
            for statement in (
                "UPDATE audit_log SET action = 'x'",
                "DELETE FROM audit_log",
                "DELETE FROM decisions",
            ):
                savepoint = connection.begin_nested()
                with pytest.raises(Exception, match="permission denied"):
                    connection.exec_driver_sql(statement)
                savepoint.rollback()
            connection.exec_driver_sql("UPDATE candidates SET course = course")
        finally:
            transaction.rollback()
