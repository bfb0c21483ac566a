"""`operations.submission.submit`: one operation from what a portal sent to the outcome the view
renders, on a real database; and conflicts told by the unique index's name, on SQLite too."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from services.intake.models import LIVE_STUDENT_INDEX, SANDBOX_STUDENT_INDEX, Nomination
from services.intake.operations import Portal, keys
from services.intake.operations.constraints import column_values, violated_index
from services.intake.operations.submission import (
    Created,
    Outcome,
    Refused,
    Rejected,
    Replayed,
    Submission,
    submit,
)
from services.intake.tests import factories
from services.intake.tests.conftest import issue_key
from shared.runtime import Runtime


def portal(runtime: Runtime, *, sandbox: bool = False) -> Portal:
    key = issue_key(runtime, "almaty", sandbox=sandbox)
    with runtime.db.unit_of_work() as session:
        found = keys.authenticate(session, key)
    assert found is not None
    return found


class _Undone(Exception):
    """Leaves the unit of work with an outcome that must not commit, as the API's failures do."""


def run(runtime: Runtime, who: Portal, submission: Submission) -> Outcome:
    try:
        with runtime.db.unit_of_work() as session:
            outcome = submit(session, runtime.blobs, who, submission, [], lambda id_: f"/n/{id_}")
            if not isinstance(outcome, Created | Replayed):
                raise _Undone(outcome)
    except _Undone as undone:
        return undone.args[0]
    return outcome


def nominations(runtime: Runtime) -> int:
    with runtime.db.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(Nomination)).scalar_one()


def test_created_then_replayed_then_refused_for_another_request_under_the_key(runtime: Runtime) -> None:
    who = portal(runtime)
    first = run(runtime, who, Submission(factories.nomination(1), idempotency_key="k"))
    assert isinstance(first, Created) and first.location == f"/n/{first.nomination.id}"
    again = run(runtime, who, Submission(factories.nomination(1), idempotency_key="k"))
    assert again == Replayed(201, first.body, first.location)
    other = run(runtime, who, Submission(factories.nomination(2), idempotency_key="k"))
    assert other == Refused("idempotency_key_reused")
    assert nominations(runtime) == 1


def test_the_documents_and_the_photos_problems_come_together(runtime: Runtime) -> None:
    doc = factories.nomination()
    doc["student"]["course"] = 9
    outcome = run(runtime, portal(runtime), Submission(doc, photo=factories.png()))
    assert isinstance(outcome, Rejected)
    assert {path: [p.code for p in problems] for path, problems in outcome.errors.items()} == {
        "student.course": ["range"],
        "photo": ["photo_not_jpeg"],
    }


def test_another_regions_college_is_refused_before_field_errors(runtime: Runtime) -> None:
    doc = factories.nomination(college="SHY-001")
    doc["student"]["course"] = 9
    assert run(runtime, portal(runtime), Submission(doc)) == Refused("forbidden", {"region": "almaty"}, 403)


def test_the_quota_and_the_one_student_rule_are_refusals(runtime: Runtime) -> None:
    who = portal(runtime)
    for serial in (1, 2, 3):
        assert isinstance(run(runtime, who, Submission(factories.nomination(serial))), Created)
    assert run(runtime, who, Submission(factories.nomination(4))) == Refused(
        "college_quota_exceeded", {"quota": 3, "active": 3}
    )
    duplicate = run(runtime, who, Submission(factories.nomination(1, college="ALA-002")))
    assert duplicate == Refused("duplicate_student", {"year": 2026})
    assert nominations(runtime) == 3


def insert_again(runtime: Runtime, nomination_id: str, **changes: object) -> str | None:
    """Insert a copy of a stored nomination (new id, `changes`); the index it breaks, by name."""
    with runtime.db.unit_of_work() as session:
        row = column_values(session.get(Nomination, nomination_id))
        row.update(id=f"copy-{nomination_id[:8]}", **changes)
        with pytest.raises(IntegrityError) as caught:
            session.connection().execute(insert(Nomination.__table__), [row])
        name = violated_index(session, caught.value, Nomination.__table__, row)
        session.rollback()
    return name


def test_sqlite_names_the_index_the_row_broke(runtime: Runtime) -> None:
    """SQLite's message names only the columns, the same for both indexes; the name is still exact."""
    live = run(runtime, portal(runtime), Submission(factories.nomination(1)))
    sandbox = run(runtime, portal(runtime, sandbox=True), Submission(factories.nomination(1)))
    assert isinstance(live, Created) and isinstance(sandbox, Created)
    assert insert_again(runtime, live.nomination.id) == LIVE_STUDENT_INDEX
    assert insert_again(runtime, sandbox.nomination.id) == SANDBOX_STUDENT_INDEX
    assert run(runtime, portal(runtime, sandbox=True), Submission(factories.nomination(1))) == Refused(
        "duplicate_student", {"year": 2026}
    )
