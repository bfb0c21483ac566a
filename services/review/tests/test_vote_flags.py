"""The fraud signals' kept verdicts on SQLite and PostgreSQL: after every check by the worker's chore,
and with votes arriving between checks (some recorded before the last check began, as a slow
request's vote is), the flags kept per vote are exactly those `rules.signals.flags` gives over every
vote of the contest; the routes read the kept flags."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from services.review.app import create_app as review_app
from services.review.handlers import CHORES
from services.review.models.votes import Vote, VoteCode, VoteFlags
from services.review.operations import vote_flags
from services.review.public_app import create_app
from services.review.queries import signals as queries
from services.review.rules import signals
from services.review.tests.vote_support import CONTEST, OPEN_NOW, candidates
from shared import clock, testing
from shared.runtime import Runtime

#: Small pools and low thresholds, so that every signal fires on some votes and not on others.
NETWORKS = [f"10.0.{i}.0/24" for i in range(40)]
BROWSERS = [f"{i:032x}" for i in range(30)]
BLOCKS = [f"{i:064x}" for i in range(250)]


@pytest.fixture(params=["sqlite", "postgresql"])
def vote_runtime(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    runtime = request.getfixturevalue("runtime" if request.param == "sqlite" else "pg_runtime")
    candidates(runtime)
    create_app(runtime).test_client().get(f"/public/api/v1/contests/{CONTEST}")  # the contest
    yield runtime


def _votes(rng: random.Random, start: datetime, count: int) -> list[tuple[Vote, VoteCode]]:
    """`count` votes from `start` on, 0.2 s to 20 min apart, of voters whose number is in a block."""
    made, at = [], start
    for _ in range(count):
        at += timedelta(milliseconds=rng.choice([200, 700, 5_000, 60_000, 600_000, 1_200_000]))
        voter, network, browser = uuid.uuid4().hex * 2, rng.choice(NETWORKS), rng.choice(BROWSERS)
        vote = Vote(
            contest_id=CONTEST,
            candidate_id="c",
            voter_hash=voter,
            network=network,
            browser=browser,
            recorded_at=at,
            current=True,
        )
        code = VoteCode(
            id=str(uuid.uuid4()),
            contest_id=CONTEST,
            phone_hash=voter,
            digest="0" * 64,
            language="kk",
            address_hash="0" * 64,
            network=network,
            browser=browser,
            created_at=at,
            expires_at=at,
            number_block=rng.choice([*BLOCKS, None]),
        )
        made.append((vote, code))
    return made


def _add(runtime: Runtime, made: list[tuple[Vote, VoteCode]]) -> None:
    with runtime.db.unit_of_work() as session:
        session.add_all(code for _, code in made)
        session.add_all(vote for vote, _ in made)


def _kept_equal_recomputed(runtime: Runtime, t: signals.Thresholds) -> int:
    with runtime.db.unit_of_work() as session:
        kept = {
            vote_id: reasons
            for vote_id, reasons in session.execute(select(VoteFlags.vote_id, VoteFlags.reasons))
        }
        every = {vote.id: ";".join(vote.reasons) for vote in queries.checked_votes(session, CONTEST, t)}
    assert kept == every
    return sum(1 for reasons in kept.values() if reasons)


def _chore(runtime: Runtime, monkeypatch: pytest.MonkeyPatch, now: datetime, t: signals.Thresholds) -> None:
    """The worker's chore at `now`, under the test's thresholds."""
    monkeypatch.setenv("TOP100_NOW", now.isoformat())
    monkeypatch.setattr(vote_flags.signals, "Thresholds", lambda: t)
    vote_flags.check_moving(runtime)


def test_the_kept_flags_are_a_full_recomputation_as_votes_arrive(
    vote_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (vote_flags.CHECK_EVERY, vote_flags.check_moving) in CHORES
    t = signals.Thresholds(
        network_burst=2, browser_voters=3, block_voters=4, address_voters=9, human_gap=timedelta(seconds=1)
    )
    rng = random.Random(19)
    now = clock.utcnow() - timedelta(days=1)
    flagged = []
    for batch in range(5):
        made = _votes(rng, now, 120)
        _add(vote_runtime, made)
        if batch == 2:  # a slow request's votes, recorded before the last check began, committed after
            _add(vote_runtime, _votes(rng, now - vote_flags.CHECK_GRACE + timedelta(seconds=5), 8))
        now = max(vote.recorded_at for vote, _ in made)
        _chore(vote_runtime, monkeypatch, now, t)
        flagged.append(_kept_equal_recomputed(vote_runtime, t))
    assert 0 < flagged[0] < flagged[-1] < 5 * 120 + 8, flagged
    every = set(signals.SIGNALS)
    with vote_runtime.db.unit_of_work() as session:
        seen = {
            name for (reasons,) in session.execute(select(VoteFlags.reasons)) for name in reasons.split(";")
        }
    assert every <= seen, seen


def _network_vote(index: int, at: datetime) -> Vote:
    return Vote(
        contest_id=CONTEST,
        candidate_id="c",
        voter_hash=f"{index:064x}",
        network="203.0.113.0/24",
        browser=f"{index:032x}",
        recorded_at=at,
        current=True,
    )


def test_the_routes_read_the_kept_flags_checked_to_their_moment(vote_runtime: Runtime) -> None:
    start = clock.utcnow()
    with vote_runtime.db.unit_of_work() as session:
        session.add_all(_network_vote(i, start + timedelta(seconds=5 * i)) for i in range(29))
    vote_flags.check_moving(vote_runtime)
    client = review_app(vote_runtime).test_client()
    headers = testing.bearer(vote_runtime.settings.secret_key, "admin", "national", user_id=str(uuid.uuid4()))
    body = client.get(f"/api/v1/votes/{CONTEST}/signals", headers=headers).get_json()
    assert body["total"] == 29 and {tuple(item["reasons"]) for item in body["items"]} == {
        ("many_numbers_one_address",)
    }
    with vote_runtime.db.unit_of_work() as session:  # the 30th vote of the network in five minutes
        session.add(_network_vote(29, start + timedelta(seconds=146)))
    body = client.get(f"/api/v1/votes/{CONTEST}/signals", headers=headers).get_json()
    assert body["total"] == 30 and {tuple(item["reasons"]) for item in body["items"]} == {
        ("burst_network", "many_numbers_one_address")
    }
    text = client.get(f"/api/v1/votes/{CONTEST}/export.csv", headers=headers).get_data(as_text=True)
    assert text.count("burst_network;many_numbers_one_address") == 30 and len(text.strip().splitlines()) == 31
