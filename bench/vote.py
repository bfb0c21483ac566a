"""The deadline rush: verified voters casting and changing votes through review's public process group.

    .venv/bin/python bench/vote.py [--seconds 15] [--rounds 2] [--clients 16] [--workers 2]

Real servers: a scratch PostgreSQL database migrated to head, one open contest with 10 candidates,
and gunicorn serving `services.review.public_app:create_app()` as `top100 run` does (the same
`deploy/gunicorn.conf.py`, gthread). Voters are pre-verified: each holds the signed `top100_voter`
cookie a checked code gives (the codes' own cost is not the rush's: a voter verifies once).

Alternating rounds, each of two phases of `--seconds` each:
1. votes: `--clients` threads on keep-alive connections, each with voters of its own, PUT
   `/public/api/v1/contests/{id}/vote`: a voter's first vote, or a change to another candidate
   (a third of the requests once voters have voted); every answer must be 200.
2. bare insert: a loop of `INSERT ... ON CONFLICT (contest_id, voter_hash) WHERE current DO NOTHING`
   into the same `votes` table (another contest), autocommit, on one connection: the database's own
   rate for what a first vote writes (the ratio's denominator); then the same loop on as many
   connections as there are clients, printed alongside (PostgreSQL's group commit favours it).

Prints per round votes/s, p50/p99 (client round trip), the bare rate, and `ratio vote / bare insert`
(median and spread over the rounds). Then checks the database against what the clients were told:
one current row per voter, for the candidate of its last accepted vote, and exactly one row per
first vote and per change (none lost, none doubled).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path

from itsdangerous import URLSafeSerializer
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.serving import gunicorn, stop  # noqa: E402  (the repository on the path first)

NOW = "2026-10-10T12:00:00+05:00"
CONTEST = "2026-regional-almaty"
BARE_CONTEST = "2026-regional-astana"
CANDIDATES = 10
PUBLIC_APP = "services.review.public_app:create_app()"


def prepare(url: str, work: Path, secret_key: str) -> tuple[list[str], datetime]:
    """Migrate, seed the candidates, open (and freeze) the contests; the candidates' ids and the close."""
    os.environ.update(TOP100_DATA_DIR=str(work), TOP100_NOW=NOW, REVIEW_DATABASE_URL=url)
    os.environ["TOP100_SECRET_KEY"] = secret_key
    from services.review import bootstrap
    from services.review.operations import votes as ops
    from services.review.tests import seeding
    from shared import clock, config, migrate

    migrate.upgrade("review", url)
    runtime = bootstrap.build(config.load("review"))
    try:
        with runtime.db.unit_of_work() as session:
            ids = [seeding.candidate(session, "almaty", last_name=f"Сәрсен{i}").id for i in range(CANDIDATES)]
            seeding.candidate(session, "astana")
        with runtime.db.unit_of_work() as session:
            view = ops.contest_of(session, 2026, "regional", "almaty", clock.utcnow())
            ops.contest_of(session, 2026, "regional", "astana", clock.utcnow())
        assert sorted(view.candidate_ids) == sorted(ids)
        return ids, view.closes_at
    finally:
        runtime.db.dispose()


def voter_cookies(count: int, secret_key: str, closes_at: datetime) -> list[tuple[str, str]]:
    """(voter hash, cookie) of `count` pre-verified voters: what checking a code would have set."""
    from services.review.rules import votes as rules
    from shared import config

    vote_secret = config.vote_secret()
    signer = URLSafeSerializer(secret_key, salt="top100-voter")
    voters = []
    for index in range(count):
        voter = rules.voter_hash(vote_secret, f"+7701{index:07d}")
        voters.append((voter, signer.dumps({CONTEST: [voter, int(closes_at.timestamp())]})))
    return voters


class Voters:
    """One client thread's voters and what each was last told is recorded."""

    def __init__(self, voters: list[tuple[str, str]], candidates: list[str], seed: int) -> None:
        self.voters, self.candidates = voters, candidates
        self.rng = random.Random(seed)
        self.told: dict[str, str] = {}
        self.next_new = 0
        self.firsts = self.changes = 0

    def pick(self) -> tuple[str, str, str]:
        """A voter and a candidate: a change a third of the time once some have voted, else a first."""
        if self.told and (self.next_new >= len(self.voters) or self.rng.random() < 1 / 3):
            voter, cookie = self.voters[self.rng.randrange(self.next_new)]
            others = [c for c in self.candidates if c != self.told[voter]]
            return voter, cookie, self.rng.choice(others)
        voter, cookie = self.voters[self.next_new]
        self.next_new += 1
        return voter, cookie, self.rng.choice(self.candidates)


def vote_phase(port: int, pools: list[Voters], seconds: float) -> tuple[int, list[float], Counter[int]]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run(pool: Voters) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        seen: Counter[int] = Counter()
        while time.monotonic() < stop_at:
            voter, cookie, candidate = pool.pick()
            body = json.dumps({"candidate": candidate})
            headers = {"Content-Type": "application/json", "Cookie": f"top100_voter={cookie}"}
            started = time.perf_counter()
            conn.request("PUT", f"/public/api/v1/contests/{CONTEST}/vote", body=body, headers=headers)
            response = conn.getresponse()
            answer = json.loads(response.read())
            mine.append((time.perf_counter() - started) * 1000)
            seen[response.status] += 1
            if response.status == 200:
                if answer["changed"]:
                    pool.changes += 1
                elif voter not in pool.told:
                    pool.firsts += 1
                pool.told[voter] = answer["candidate"]
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(seen)

    threads = [threading.Thread(target=run, args=(pool,)) for pool in pools]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(statuses.values()), latencies, statuses


def bare_phase(url: str, clients: int, seconds: float, round_no: int) -> int:
    """The bare loop: INSERT ... ON CONFLICT of a first vote, autocommit, one connection per thread."""
    engine = create_engine(url, pool_size=clients, isolation_level="AUTOCOMMIT")
    statement = text(
        "INSERT INTO votes (contest_id, candidate_id, voter_hash, network, browser, recorded_at, current) "
        "VALUES (:contest, 'bare', :voter, '127.0.0.0/24', 'bench', now(), true) "
        "ON CONFLICT (contest_id, voter_hash) WHERE current DO NOTHING"
    )
    done = [0] * clients
    stop_at = time.monotonic() + seconds

    def run(index: int) -> None:
        with engine.connect() as connection:
            count = 0
            while time.monotonic() < stop_at:
                connection.execute(
                    statement, {"contest": BARE_CONTEST, "voter": f"r{round_no}-t{index}-{count}"}
                )
                count += 1
            done[index] = count

    threads = [threading.Thread(target=run, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    return sum(done)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def check(url: str, pools: list[Voters]) -> tuple[bool, str]:
    """The database against what the clients were told: nothing lost, nothing doubled."""
    told = {voter: candidate for pool in pools for voter, candidate in pool.told.items()}
    firsts, changes = sum(p.firsts for p in pools), sum(p.changes for p in pools)
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT voter_hash, candidate_id FROM votes WHERE contest_id = :c AND current"),
            {"c": CONTEST},
        ).all()
        total = connection.execute(
            text("SELECT count(*) FROM votes WHERE contest_id = :c"), {"c": CONTEST}
        ).scalar()
    engine.dispose()
    current = dict(rows)
    problems = []
    if len(rows) != len(current):
        problems.append("a voter has two current votes")
    if current != told:
        lost = len(set(told) - set(current))
        wrong = sum(1 for v in told if v in current and current[v] != told[v])
        problems.append(
            f"current votes differ from the answers: {lost} missing, {wrong} for another candidate"
        )
    if total != firsts + changes:
        problems.append(f"{total} rows for {firsts} first votes and {changes} changes")
    summary = (
        f"check: {len(current)} voters, {firsts} first votes + {changes} changes = {firsts + changes} "
        f"accepted; database: {len(current)} current rows, {total} rows in all"
    )
    return not problems, summary + ("" if not problems else "; " + "; ".join(problems))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each phase of a round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("TOP100_WEB_WORKERS", "2")))
    parser.add_argument("--voters", type=int, default=200_000)
    args = parser.parse_args()
    from shared import testing

    work = Path(tempfile.mkdtemp(prefix="top100-bench-vote-"))
    proc, secret_key = None, "bench-" + uuid.uuid4().hex
    with testing.scratch_postgres("top100_bench_vote") as url:
        try:
            candidates, closes_at = prepare(url, work, secret_key)
            voters = voter_cookies(args.voters, secret_key, closes_at)
            share = len(voters) // args.clients
            pools = [
                Voters(voters[i * share : (i + 1) * share], candidates, seed=i) for i in range(args.clients)
            ]
            env = {
                "REVIEW_DATABASE_URL": url,
                "TOP100_DATA_DIR": str(work),
                "TOP100_NOW": NOW,
                "TOP100_SECRET_KEY": secret_key,
                "TOP100_WEB_WORKERS": str(args.workers),
                "TOP100_LOG_LEVEL": "WARNING",
            }
            proc, port = gunicorn("review-public", PUBLIC_APP, env, work / "public.log")
            vote_phase(port, pools, 2.0)  # warm-up: connections, caches (its votes are checked too)
            rates, bares, ratios, parallel_ratios, all_latencies = [], [], [], [], []
            for round_no in range(1, args.rounds + 1):
                count, latencies, statuses = vote_phase(port, pools, args.seconds)
                bare = bare_phase(url, 1, args.seconds, round_no) / args.seconds
                parallel = bare_phase(url, args.clients, args.seconds, 1000 + round_no) / args.seconds
                rate = statuses[200] / args.seconds
                rates.append(rate)
                bares.append(bare)
                ratios.append(rate / bare)
                parallel_ratios.append(rate / parallel)
                all_latencies.extend(latencies)
                print(
                    f"round {round_no}: votes {rate:,.0f}/s accepted ({count} answers {dict(statuses)}), "
                    f"p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms; "
                    f"bare insert loop {bare:,.0f}/s (on {args.clients} connections {parallel:,.0f}/s); "
                    f"ratio {rate / bare:.2f} ({rate / parallel:.2f} against the parallel loops)",
                    flush=True,
                )
            print(
                f"votes/s {statistics.median(rates):,.0f} (spread {min(rates):,.0f}-{max(rates):,.0f}); "
                f"p50 {percentile(all_latencies, 0.5):.1f} ms, p99 {percentile(all_latencies, 0.99):.1f} ms; "
                f"bare insert/s {statistics.median(bares):,.0f} "
                f"(spread {min(bares):,.0f}-{max(bares):,.0f}); "
                f"ratio vote / bare insert {statistics.median(ratios):.2f} "
                f"(spread {min(ratios):.2f}-{max(ratios):.2f}; against {args.clients} parallel loops "
                f"{statistics.median(parallel_ratios):.2f}); "
                f"machine: {os.cpu_count()} CPUs, gunicorn workers {args.workers}, clients {args.clients}"
            )
            ok, summary = check(url, pools)
            print(summary)
            print("zero lost or doubled" if ok else "LOST OR DOUBLED VOTES")
            if not ok:
                raise SystemExit(1)
        finally:
            if proc is not None:
                stop(proc)


if __name__ == "__main__":
    main()
