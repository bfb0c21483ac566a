"""The fraud signals, alone: each flags what it names and nothing of an ordinary vote."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from services.review.rules import signals as s
from services.review.rules.signals import Thresholds, VoteFact

T0 = datetime(2026, 10, 10, 12, 0, tzinfo=UTC)


def vote(
    n: int,
    *,
    at: float,
    network: str = "10.0.{n}.0/24",
    browser: str = "",
    voter: str = "",
    block: str | None = None,
) -> VoteFact:
    return VoteFact(
        id=n,
        voter_hash=voter or f"v{n}",
        network=network.format(n=n),
        browser=browser or f"b{n}",
        recorded_at=T0 + timedelta(seconds=at),
        number_block=block,
    )


def test_ordinary_votes_are_not_flagged() -> None:
    votes = [vote(n, at=n * 97.0) for n in range(200)]
    assert s.flags(votes) == {}


def test_a_burst_from_one_network() -> None:
    burst = [vote(n, at=n * 5.0, network="85.29.1.0/24") for n in range(30)]  # 30 in 2.5 minutes
    calm = [vote(100 + n, at=n * 60.0, network="85.29.2.0/24") for n in range(29)]
    flagged = s.burst_network([*burst, *calm])
    assert flagged == {v.id for v in burst}


def test_several_voters_in_one_browser() -> None:
    same = [vote(n, at=n * 600.0, browser="b-shared") for n in range(3)]
    one_voter = [vote(10 + n, at=n * 600.0, browser="b-own", voter="v-own") for n in range(5)]
    assert s.burst_browser([*same, *one_voter]) == {0, 1, 2}


def test_numbers_of_one_block() -> None:
    secret = "k"
    blocks = [s.number_block(secret, f"+7701123450{n}") for n in range(5)]
    assert len(set(blocks)) == 1 and blocks[0] != s.number_block(secret, "+77011234600")
    assert blocks[0] != hashlib.sha256(b"+77011234500").hexdigest()
    votes = [vote(n, at=n * 3600.0, block=blocks[n]) for n in range(5)]
    assert s.sequential_numbers(votes) == {0, 1, 2, 3, 4}
    assert s.sequential_numbers(votes[:4]) == set()


def test_many_numbers_from_one_address_over_a_day() -> None:
    votes = [vote(n, at=n * 3000.0, network="2a02:8a0:1::/48") for n in range(20)]  # ~16 h
    assert s.many_numbers_one_address(votes) == set(range(20))
    assert s.burst_network(votes) == set()


def test_inhuman_rate() -> None:
    votes = [vote(1, at=0.0, browser="b"), vote(2, at=0.4, browser="b"), vote(3, at=30.0, browser="b")]
    assert s.inhuman_rate(votes) == {1, 2}
    assert s.flags(votes, Thresholds(browser_voters=99))[2] == ["inhuman_rate"]


def test_the_snapshot_digest_is_of_the_sorted_rows() -> None:
    rows, digest = s.snapshot_digest([("c-2", 5), ("c-1", 7)])
    assert rows == [("c-1", 7), ("c-2", 5)]
    assert digest == hashlib.sha256(b"c-1,7\nc-2,5\n").hexdigest()
    assert s.snapshot_digest([("c-1", 7), ("c-2", 5)])[1] == digest
