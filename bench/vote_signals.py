"""The public vote's fraud signals at national scale: a full recomputation against the kept flags.

    .venv/bin/python bench/vote_signals.py [--votes 100000] [--rounds 2] [--arriving 500]

A scratch PostgreSQL database migrated to head, one open contest, `--votes` votes (and their voters'
codes with a number-block hint) written straight into the tables over four days: nine in ten from
homes (20,000 networks), one in ten behind 30 carriers' NATs (flagged `many_numbers_one_address`),
a browser per voter but a few shared ones, numbers in blocks of 100 taken at random. Then, per round:

- before: `queries.signals.checked_votes`, the full recomputation every read made until now (read
  rows + `rules.signals.flags`);
- first check: `operations.vote_flags.check` on a contest never checked (what the worker does once);
- chore: `--arriving` new votes (30 s of a busy national vote), then one check (the worker's chore);
- signals and export: `GET /api/v1/votes/{contest}/signals` and `/export.csv` (read to the end)
  through review's app, each checking first.

Prints the seconds of each, and checks the kept flags equal the full recomputation at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = "2026-10-10T12:00:00+05:00"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
CONTEST = "2026-regional-almaty"


def prepare(url: str, work: Path) -> None:
    """Migrate, seed three candidates, open (and freeze) the contest."""
    os.environ.update(TOP100_DATA_DIR=str(work), TOP100_NOW=NOW, REVIEW_DATABASE_URL=url)
    os.environ.setdefault("TOP100_SECRET_KEY", uuid.uuid4().hex)
    from services.review import bootstrap
    from services.review.operations import votes as ops
    from services.review.tests import seeding
    from shared import clock, config, migrate

    migrate.upgrade("review", url)
    runtime = bootstrap.build(config.load("review"))
    try:
        with runtime.db.unit_of_work() as session:
            for i in range(3):
                seeding.candidate(session, "almaty", last_name=f"Сәрсен{i}")
        with runtime.db.unit_of_work() as session:
            ops.contest_of(session, 2026, "regional", "almaty", clock.utcnow())
    finally:
        runtime.db.dispose()


class Crowd:
    """Votes as a national vote's crowd casts them (seeded, so every run writes the same)."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.homes = [f"10.{i // 256}.{i % 256}.0/24" for i in range(20_000)]
        self.carriers = [f"100.64.{i}.0/24" for i in range(30)]
        self.shared = [uuid.UUID(int=self.rng.getrandbits(128)).hex for _ in range(200)]

    def rows(self, count: int, start: datetime, end: datetime) -> tuple[list[dict], list[dict]]:
        span = (end - start).total_seconds()
        votes, codes = [], []
        for _ in range(count):
            network = self.rng.choice(self.carriers if self.rng.random() < 0.1 else self.homes)
            at = start + timedelta(seconds=self.rng.random() * span)
            voter = uuid.uuid4().hex * 2
            browser = self.rng.choice(self.shared) if self.rng.random() < 0.02 else uuid.uuid4().hex
            block = f"{self.rng.randrange(10**6):064x}"
            votes.append(
                dict(
                    contest_id=CONTEST,
                    candidate_id="c",
                    voter_hash=voter,
                    network=network,
                    browser=browser,
                    recorded_at=at,
                    current=True,
                )
            )
            codes.append(
                dict(
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
                    number_block=block,
                )
            )
        return votes, codes


def write(runtime, crowd: Crowd, count: int, start: datetime, end: datetime) -> None:
    from services.review.models.votes import Vote, VoteCode

    for offset in range(0, count, 10_000):
        votes, codes = crowd.rows(min(10_000, count - offset), start, end)
        with runtime.db.unit_of_work() as session:
            session.execute(insert(VoteCode), codes)
            session.execute(insert(Vote), votes)


def timed(label: str, action) -> object:
    began = time.perf_counter()
    result = action()
    print(f"  {label:<46} {time.perf_counter() - began:7.2f} s", flush=True)
    return result


def one_round(runtime, crowd: Crowd, arriving: int, headers: dict[str, str]) -> None:
    from services.review.app import create_app
    from services.review.models.votes import VoteFlags
    from services.review.operations import vote_flags
    from services.review.queries import signals
    from shared import clock

    now = clock.utcnow()
    with runtime.db.unit_of_work() as session:
        session.execute(delete(VoteFlags))
    with runtime.db.unit_of_work() as session:
        every = timed(
            "before: full recomputation (checked_votes)", lambda: signals.checked_votes(session, CONTEST)
        )
    print(f"    {len(every)} votes, {sum(1 for v in every if v.reasons)} flagged")
    with runtime.db.unit_of_work() as session:
        timed("after: first check of the contest (once)", lambda: vote_flags.check(session, CONTEST, now))
    write(runtime, crowd, arriving, now - timedelta(seconds=30), now)
    with runtime.db.unit_of_work() as session:
        timed(f"after: chore, {arriving} new votes", lambda: vote_flags.check(session, CONTEST, now))
    client = create_app(runtime).test_client()
    answer = timed(
        "after: GET signals", lambda: client.get(f"/api/v1/votes/{CONTEST}/signals", headers=headers)
    )
    print(f"    {answer.get_json()['total']} flagged")
    body = timed(
        "after: GET export.csv, read to the end",
        lambda: client.get(f"/api/v1/votes/{CONTEST}/export.csv", headers=headers).get_data(),
    )
    lines = body.count(b"\n") - 1
    print(f"    {lines} rows, {len(body) / 1e6:.1f} MB")
    with runtime.db.unit_of_work() as session:
        kept = {v.id: v.reasons for v in signals.exported_votes(session, CONTEST)}
        full = {v.id: v.reasons for v in signals.checked_votes(session, CONTEST)}
    print(f"    kept flags equal the full recomputation: {kept == full}")
    assert kept == full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--votes", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--arriving", type=int, default=500)
    args = parser.parse_args()
    from shared import testing

    database = f"bench_signals_{uuid.uuid4().hex[:8]}"
    testing.postgres_admin(f"CREATE DATABASE {database}")
    try:
        with tempfile.TemporaryDirectory() as work:
            prepare(f"{PG}/{database}", Path(work))
            from services.review import bootstrap
            from shared import clock, config

            runtime = bootstrap.build(config.load("review"))
            crowd = Crowd(19)
            now = clock.utcnow()
            timed(
                f"seed {args.votes} votes",
                lambda: write(runtime, crowd, args.votes, now - timedelta(days=4), now),
            )
            with runtime.db.engine.connect() as conn:  # as autovacuum would have by now
                conn.execute(text("ANALYZE"))
                conn.commit()
            headers = testing.bearer(
                runtime.settings.secret_key, "admin", "national", user_id=str(uuid.uuid4())
            )
            for round_no in range(1, args.rounds + 1):
                print(f"round {round_no}", flush=True)
                one_round(runtime, crowd, args.arriving, headers)
            runtime.db.dispose()
    finally:
        testing.postgres_admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


if __name__ == "__main__":
    main()
