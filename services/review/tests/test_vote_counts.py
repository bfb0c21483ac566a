"""A contest's counts on SQLite and PostgreSQL: display counts rebuilt from the votes by the worker's
chore (never per vote), the snapshot at the close taken once with the SHA-256 of its rows, and what
the public API and page show before and after the close."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select, update

from services.review import handlers
from services.review.models.votes import Contest, ContestSnapshot, VoteCount
from services.review.operations import Conflict, counts
from services.review.public_app import create_app
from services.review.tests.vote_support import CONTEST, OPEN_NOW, candidates, verified
from shared import clock
from shared.runtime import Runtime

#: Just after the regional vote of 2026 closed (14 October 23:59:59 in Almaty).
CLOSED = "2026-10-15T00:00:30+05:00"
#: Past the close and the snapshot's grace.
AFTER_GRACE = "2026-10-15T00:02:00+05:00"


@pytest.fixture(params=["sqlite", "postgresql"])
def vote_runtime(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    yield request.getfixturevalue("runtime" if request.param == "sqlite" else "pg_runtime")


@pytest.fixture
def public(vote_runtime: Runtime) -> Flask:
    return create_app(vote_runtime)


def _vote(public: Flask, runtime: Runtime, phone: str, candidate: str) -> None:
    client = public.test_client()
    verified(client, runtime, phone)
    answer = client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": candidate})
    assert answer.status_code == 200, answer.get_json()


def _display(runtime: Runtime) -> dict[str, int]:
    with runtime.db.unit_of_work() as session:
        rows = session.scalars(select(VoteCount).where(VoteCount.contest_id == CONTEST))
        return {row.candidate_id: row.votes for row in rows}


def _snapshots(runtime: Runtime) -> list[ContestSnapshot]:
    with runtime.db.unit_of_work() as session:
        found = list(session.scalars(select(ContestSnapshot)))
        session.expunge_all()
    return found


def _cast_five(public: Flask, runtime: Runtime, ids: list[str]) -> None:
    """Five voters: three for the first candidate, two for the second (one of whom changed)."""
    a, b, _ = ids
    for index, choice in enumerate([a, a, a, b]):
        _vote(public, runtime, f"+7 701 555 00 0{index}", choice)
    client = public.test_client()
    verified(client, runtime, "+7 702 555 00 09")
    for choice in (a, b):
        client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": choice})


def test_the_display_counts_are_rebuilt_by_the_chore_not_per_vote(
    public: Flask, vote_runtime: Runtime
) -> None:
    ids = candidates(vote_runtime)
    _cast_five(public, vote_runtime, ids)
    assert _display(vote_runtime) == {}  # a vote does not touch the display counts
    handlers.CHORES[0][1](vote_runtime)
    assert _display(vote_runtime) == {ids[0]: 3, ids[1]: 2}
    _vote(public, vote_runtime, "+7 705 555 00 01", ids[2])
    assert _display(vote_runtime) == {ids[0]: 3, ids[1]: 2}
    # A display count gone wrong (by hand here) is exact again after a rebuild.
    with vote_runtime.db.unit_of_work() as session:
        session.execute(update(VoteCount).values(votes=999))
    counts.recount_open(vote_runtime)
    assert _display(vote_runtime) == {ids[0]: 3, ids[1]: 2, ids[2]: 1}


def test_the_snapshot_is_taken_once_after_the_close_with_the_digest_of_its_rows(
    public: Flask, vote_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = candidates(vote_runtime)
    _cast_five(public, vote_runtime, ids)
    with vote_runtime.db.unit_of_work() as session, pytest.raises(Conflict):
        counts.take_snapshot(session, CONTEST, clock.utcnow())
    monkeypatch.setenv("TOP100_NOW", CLOSED)
    counts.snapshot_closed(vote_runtime)
    assert _snapshots(vote_runtime) == []  # within the grace: votes under way may still commit
    monkeypatch.setenv("TOP100_NOW", AFTER_GRACE)
    counts.snapshot_closed(vote_runtime)
    counts.snapshot_closed(vote_runtime)
    (taken,) = _snapshots(vote_runtime)
    expected = sorted([[ids[0], 3], [ids[1], 2]])
    assert taken.rows == expected
    text = "".join(f"{candidate},{count}\n" for candidate, count in expected)
    assert taken.sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert taken.taken_at == clock.utcnow()
    # On demand after that: the same snapshot, not a second one.
    monkeypatch.setenv("TOP100_NOW", (clock.now() + timedelta(hours=1)).isoformat())
    with vote_runtime.db.unit_of_work() as session:
        again = counts.take_snapshot(session, CONTEST, clock.utcnow())
        assert (again.sha256, again.taken_at) == (taken.sha256, taken.taken_at)
    assert len(_snapshots(vote_runtime)) == 1
    with vote_runtime.db.unit_of_work() as session, pytest.raises(Exception, match="append-only"):
        session.execute(update(ContestSnapshot).values(sha256="0" * 64))


def test_the_public_sees_counts_only_after_the_close(
    public: Flask, vote_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = candidates(vote_runtime)
    _cast_five(public, vote_runtime, ids)
    counts.recount_open(vote_runtime)
    client = public.test_client()
    body = client.get(f"/public/api/v1/contests/{CONTEST}").get_json()
    assert "counts" not in body and all("votes" not in c for c in body["candidates"])
    page = client.get("/public/2026/regional/almaty?lang=en").get_data(as_text=True)
    assert 'id="counts"' not in page and "data-votes" not in page
    monkeypatch.setenv("TOP100_NOW", AFTER_GRACE)
    counts.snapshot_closed(vote_runtime)
    body = client.get(f"/public/api/v1/contests/{CONTEST}").get_json()
    assert {c["id"]: c["votes"] for c in body["candidates"]} == {ids[0]: 3, ids[1]: 2, ids[2]: 0}
    assert body["counts"]["source"] == "snapshot" and body["counts"]["total"] == 5
    assert body["counts"]["sha256"] == _snapshots(vote_runtime)[0].sha256
    page = client.get("/public/2026/regional/almaty?lang=kk").get_data(as_text=True)
    assert 'data-votes="3"' in page and 'data-votes="0"' in page
    assert _snapshots(vote_runtime)[0].sha256 in page


def test_counts_made_public_by_the_contest_are_shown_live(
    public: Flask, vote_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = candidates(vote_runtime)
    monkeypatch.setenv("TOP100_NOW", "2026-10-01T12:00:00+05:00")  # made before it opens
    assert public.test_client().get(f"/public/api/v1/contests/{CONTEST}").status_code == 200
    with vote_runtime.db.unit_of_work() as session:
        session.execute(update(Contest).where(Contest.id == CONTEST).values(counts_public=True))
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    _vote(public, vote_runtime, "+7 701 555 00 01", ids[1])
    counts.recount_open(vote_runtime)
    body = public.test_client().get(f"/public/api/v1/contests/{CONTEST}").get_json()
    assert body["counts"]["source"] == "live" and body["counts"]["total"] == 1
    assert {c["id"]: c["votes"] for c in body["candidates"]}[ids[1]] == 1


def test_the_operator_recounts_and_snapshots_on_demand(
    vote_runtime: Runtime, public: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.review.cli import votes

    if vote_runtime.settings.database_url.startswith("postgresql"):
        monkeypatch.setenv("REVIEW_DATABASE_URL", vote_runtime.settings.database_url)
    ids = candidates(vote_runtime)
    _vote(public, vote_runtime, "+7 701 555 00 01", ids[0])
    runner = CliRunner()
    answer = runner.invoke(votes, ["recount"])
    assert answer.exit_code == 0, answer.output
    assert f"{CONTEST}\t1 votes\t1 candidates" in answer.output
    assert _display(vote_runtime) == {ids[0]: 1}
    refused = runner.invoke(votes, ["snapshot", CONTEST])
    assert refused.exit_code != 0 and "contest_open" in refused.output
    monkeypatch.setenv("TOP100_NOW", CLOSED)
    answer = runner.invoke(votes, ["snapshot", CONTEST])
    assert answer.exit_code == 0, answer.output
    assert f"{ids[0]},1" in answer.output and len(_snapshots(vote_runtime)) == 1
