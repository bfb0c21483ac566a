"""The vote with Redis (`REDIS_URL`), against the real Redis on 127.0.0.1:6379 and PostgreSQL: the
sends per address counted there (the 21st in the hour refused with `Retry-After`), the database
answering when Redis goes away mid-way, and the public display counts read through its cache.

Isolation: Redis' database 15 and a key prefix of this test alone, its keys deleted afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from services.review.models.votes import Contest, VoteCode, VoteCount
from services.review.operations import counts
from services.review.public_app import create_app
from services.review.rules import votes as rules
from services.review.tests.vote_support import CONTEST, OPEN_NOW, candidates, verified
from shared import config, kv, testing
from shared.runtime import Runtime

REDIS = ("127.0.0.1", 6379)
REDIS_URL = f"redis://{REDIS[0]}:{REDIS[1]}/15"


@pytest.fixture
def store() -> Iterator[kv.Store]:
    testing.require("Redis", REDIS)
    made = kv.Store(REDIS_URL, f"top100_test_{uuid.uuid4().hex}:")
    try:
        yield made
    finally:
        for key in made._client.scan_iter(match=made.prefix + "*"):
            made._client.delete(key)
        made.close()


@pytest.fixture
def redis_runtime(pg_runtime: Runtime, store: kv.Store, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    pg_runtime.redis = store
    return pg_runtime


@pytest.fixture
def public(redis_runtime: Runtime) -> Flask:
    return create_app(redis_runtime)


def _send(public: Flask, index: int) -> tuple[int, str | None]:
    """A code for a phone of its own from a browser of its own (a new client), from one address."""
    answer = public.test_client().post(
        "/public/api/v1/codes", json={"contest": CONTEST, "phone": f"+7 701 555 10 {index:02d}"}
    )
    return answer.status_code, answer.headers.get("Retry-After")


def _address_key(store: kv.Store) -> str:
    address = rules.keyed(config.vote_secret(), "address", "127.0.0.1")
    return f"{store.prefix}vote:send:address_hour:{address}"


def _sends(runtime: Runtime) -> int:
    with runtime.db.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(VoteCode)) or 0)


def test_the_21st_send_of_an_address_in_the_hour_is_refused_by_redis(
    public: Flask, redis_runtime: Runtime, store: kv.Store
) -> None:
    candidates(redis_runtime)
    assert [_send(public, index)[0] for index in range(20)] == [202] * 20
    assert store._client.zcard(_address_key(store)) == 20
    assert _send(public, 20) == (429, "3600")
    assert store._client.zcard(_address_key(store)) == 20  # a refused send is not counted
    assert _sends(redis_runtime) == 20
    # Redis decides, not the database: its window emptied, the 21st goes though 20 rows are there.
    store._client.delete(_address_key(store))
    assert _send(public, 21)[0] == 202


def test_redis_going_away_mid_way_leaves_the_limit_to_the_database(
    public: Flask, redis_runtime: Runtime, store: kv.Store
) -> None:
    candidates(redis_runtime)
    assert [_send(public, index)[0] for index in range(12)] == [202] * 12
    assert store._client.zcard(_address_key(store)) == 12
    (dead,) = testing.free_ports()
    redis_runtime.redis = kv.Store(f"redis://127.0.0.1:{dead}/15", store.prefix)  # nothing listens
    assert [_send(public, index)[0] for index in range(12, 20)] == [202] * 8  # open to the database
    assert _send(public, 20) == (429, "3600")  # the database's 20 rows refuse the 21st
    assert _sends(redis_runtime) == 20
    assert store._client.zcard(_address_key(store)) == 12


def test_the_public_display_counts_are_the_tables_through_the_cache(
    public: Flask, redis_runtime: Runtime, store: kv.Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = candidates(redis_runtime)
    monkeypatch.setenv("TOP100_NOW", "2026-10-01T12:00:00+05:00")  # made before it opens
    assert public.test_client().get(f"/public/api/v1/contests/{CONTEST}").status_code == 200
    with redis_runtime.db.unit_of_work() as session:
        session.execute(update(Contest).where(Contest.id == CONTEST).values(counts_public=True))
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    for index, choice in enumerate([ids[0], ids[0], ids[1]]):
        client = public.test_client()
        verified(client, redis_runtime, f"+7 702 555 20 {index:02d}")
        client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": choice})
    counts.recount_open(redis_runtime)
    with redis_runtime.db.unit_of_work() as session:
        table = {row.candidate_id: row.votes for row in session.scalars(select(VoteCount))}
    assert table == {ids[0]: 2, ids[1]: 1}
    for _ in range(2):  # the first read copies the table into Redis, the second reads the copy
        body = public.test_client().get(f"/public/api/v1/contests/{CONTEST}").get_json()
        shown = {c["id"]: c["votes"] for c in body["candidates"] if c["votes"]}
        assert shown == table and body["counts"]["total"] == 3
    key = f"{store.prefix}vote:counts:{CONTEST}"
    assert 0 < store._client.ttl(key) <= 60
    assert store.get_json(f"vote:counts:{CONTEST}")["votes"] == table
