"""The public process group's database role on PostgreSQL: deploy/postgres/review-roles.sql applied
to a migrated database, then the whole vote (code, check, vote, change) through the public app
connected as `review_public`, which may read no one's account and delete nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from services.review import bootstrap
from services.review.public_app import create_app
from services.review.tests.vote_support import CONTEST, OPEN_NOW, candidates, verified
from shared.runtime import Runtime

ROLES = Path(__file__).resolve().parents[3] / "deploy" / "postgres" / "review-roles.sql"


@pytest.fixture
def public_runtime(pg_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    with pg_runtime.db.engine.begin() as connection:
        connection.exec_driver_sql(ROLES.read_text(encoding="utf-8"))
    url = make_url(pg_runtime.db.url).set(username="review_public", password=None)
    runtime = bootstrap.build(
        dataclasses.replace(pg_runtime.settings, database_url=url.render_as_string(False))
    )
    yield runtime
    runtime.db.dispose()


def test_the_public_role_votes_and_nothing_more(pg_runtime: Runtime, public_runtime: Runtime) -> None:
    first, second, _ = candidates(pg_runtime)
    client = create_app(public_runtime).test_client()
    assert client.get(f"/public/api/v1/contests/{CONTEST}").status_code == 200
    verified(client, pg_runtime, "+77011234567")
    for candidate, changed in ((first, False), (second, True)):
        answer = client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": candidate})
        assert (answer.status_code, answer.get_json()["changed"]) == (200, changed)
    for statement in (
        "SELECT * FROM users",
        "SELECT * FROM scores",
        "DELETE FROM vote_codes",
        "DELETE FROM votes",
    ):
        with (
            pytest.raises(DBAPIError, match="permission denied"),
            public_runtime.db.unit_of_work() as session,
        ):
            session.execute(text(statement))
