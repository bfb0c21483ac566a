"""The same handler on PostgreSQL: inbox, unique nomination, outbox and JSON columns."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.review.handlers import HANDLERS
from services.review.models import Candidate, outbox
from services.review.tests.factories import submitted
from shared.handling import handle
from shared.runtime import Runtime


@pytest.mark.integration
def test_submitted_twice_on_postgres(pg_runtime: Runtime) -> None:
    submission = submitted()
    assert handle(pg_runtime, HANDLERS, "review", submission) is True
    assert handle(pg_runtime, HANDLERS, "review", submission) is False
    handle(pg_runtime, HANDLERS, "review", submitted())
    with pg_runtime.db.unit_of_work() as session:
        [candidate] = session.scalars(select(Candidate))
        assert candidate.full_name == "Нұрланұлы Әлихан Қайратұлы"
        assert candidate.achievements[0]["title"] == "WorldSkills Kazakhstan"
        assert session.scalar(select(func.count()).select_from(outbox)) == 1
