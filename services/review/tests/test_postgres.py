"""The same handler on PostgreSQL: inbox, unique nomination, outbox and JSON columns."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.review.app import create_app
from services.review.handlers import HANDLERS
from services.review.models import Candidate, outbox
from services.review.tests.factories import submitted
from services.review.tests.tokens import token_headers
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


@pytest.mark.integration
def test_search_scores_and_ranking_on_postgres(pg_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL's lower() depends on the locale; the folded column searches as SQLite does."""
    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    handle(pg_runtime, HANDLERS, "review", submitted("nom-0001"))
    other = {"last_name": "ӨМІРЗАҚОВА", "first_name": "ІҢКӘР", "patronymic": None}
    handle(pg_runtime, HANDLERS, "review", submitted("nom-0002", candidate=other))
    client = create_app(pg_runtime).test_client()
    member = token_headers(pg_runtime, "regional_member", "almaty", user_id="m1")
    [found] = client.get("/api/v1/candidates?q=іңкәр", headers=member).get_json()["items"]
    assert found["nomination_id"] == "nom-0002"
    criteria = {"achievements_level": 9, "skills_contests": 9, "leadership_civic": 9, "academic_standing": 5}
    reply = client.put(
        f"/api/v1/candidates/{found['id']}/score",
        json={"criteria": {**criteria, "statement": 9}},
        headers=member,
    )
    assert reply.status_code == 200
    ranking = client.get("/api/v1/rankings?year=2026&stage=regional", headers=member).get_json()
    # The member sees the candidate they scored; the other is counted, not shown.
    assert [i["candidate_id"] for i in ranking["items"]] == [found["id"]]
    assert ranking["not_shown"] == {"unscored": 1, "conflict": 0}
