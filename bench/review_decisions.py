"""The ranking of one region (200 candidates × 15 members' scores) and the protocol PDF of its
decision: wall time per call, p50 and p95 over the calls, each round on a fresh database.

    .venv/bin/python bench/review_decisions.py [--calls 40] [--pdfs 8] [--rounds 3] [--postgres]

Ranking: `queries.ranking` as `GET /api/v1/rankings` and the decision page call it (the candidates
in scope, every score, the z-scores, the tie-break). Protocol: what `GET .../protocol.pdf` does
(the decision's frozen snapshot read, the protocol built and drawn with Noto Sans: the rubric, the
3,000 members' scores, the ranking, the decision and the signatures). Targets: p95 < 200 ms for the
ranking, < 2 s for the PDF. `--postgres` runs on a scratch PostgreSQL database (127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CANDIDATES, MEMBERS, REGION, YEAR = 200, 15, "almaty", 2026


@contextmanager
def runtime(postgres: bool) -> Iterator[object]:
    from services.review import bootstrap
    from shared import config, testing

    with tempfile.TemporaryDirectory() as folder:
        os.environ["TOP100_DATA_DIR"] = folder
        os.environ.pop("REVIEW_DATABASE_URL", None)
        settings = config.load(bootstrap.SERVICE)
        if postgres:
            with testing.postgres_runtime(bootstrap.SERVICE, settings) as built:
                yield built
        else:
            with testing.migrated_runtime(bootstrap.SERVICE, settings) as built:
                yield built


def seed(rt: object) -> list[str]:
    """200 complete candidates and 15 members' scores of each under the default rubric."""
    from services.review.models import Score
    from services.review.queries import stages
    from services.review.rules import scoring as rules
    from services.review.tests import seeding

    rng = random.Random(7)
    now = datetime(YEAR, 10, 10, tzinfo=UTC)
    with rt.db.unit_of_work() as session:  # type: ignore[attr-defined]
        rubric = stages.rubric(session, YEAR, "regional")
        ids = [
            seeding.candidate(session, REGION, last_name=f"Қасымов{i:03d}", first_name="Әлихан").id
            for i in range(CANDIDATES)
        ]
        for member in range(MEMBERS):
            for cid in ids:
                values = {c.code: rng.randint(c.min, c.max) for c in rubric.criteria}
                session.add(
                    Score(
                        candidate_id=cid,
                        stage="regional",
                        member_id=f"member-{member:02d}",
                        member_name=f"Мүше {member:02d} Сәрсенова",
                        year=YEAR,
                        region=REGION,
                        values=values,
                        weighted=rules.weighted_value(rubric, values),
                        comment="",
                        created_at=now - timedelta(minutes=member),
                        updated_at=now,
                    )
                )
    return ids


CPU: list[float] = []


def timed(call: Callable[[], object], n: int) -> list[float]:
    """Wall milliseconds per call; the CPU milliseconds of the last batch go to `CPU` (the machine is
    shared: CPU time says what the code costs, wall time what a caller waited)."""
    times = []
    CPU.clear()
    for _ in range(n):
        start, cpu = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - start) * 1000)
        CPU.append((time.process_time() - cpu) * 1000)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)


def one_round(
    calls: int, pdfs: int, postgres: bool
) -> tuple[list[float], list[float], int, list[float], list[float]]:
    from sqlalchemy import select

    from services.review.api.protocol import content as protocol
    from services.review.api.protocol import pdf as protocol_pdf
    from services.review.models import Candidate, Decision
    from services.review.operations import decisions
    from services.review.queries import candidates as queries
    from shared.identity import Identity

    with runtime(postgres) as rt:
        ids = seed(rt)
        chair = Identity(
            user_id="chair-bench",
            email="chair@example.kz",
            name="Әсем Жұмабаева",
            role="regional_chair",
            scope=REGION,
            language="kk",
            generation=1,
            expires_at=datetime.now(UTC) + timedelta(hours=1),
        )
        os.environ["TOP100_NOW"] = f"{YEAR}-10-10T12:00:00+05:00"

        def rank() -> None:
            with rt.db.unit_of_work() as session:  # type: ignore[attr-defined]
                ranked, *_ = queries.ranking(session, chair, YEAR, "regional", REGION)
                assert len(ranked) == CANDIDATES

        ranking_times = timed(rank, calls)
        ranking_cpu = list(CPU)
        body = {
            "year": YEAR,
            "stage": "regional",
            "region": REGION,
            "advanced": ids[:10],
            "justification": "Ең жоғары ұпай.",
            "members_present": [f"m{i}@example.kz" for i in range(MEMBERS)],
        }
        with rt.db.unit_of_work() as session:  # type: ignore[attr-defined]
            decision_id = decisions.record_decision(session, chair, body).id  # freezes its snapshot

        size = 0

        def render() -> None:
            nonlocal size
            with rt.db.unit_of_work() as session:  # type: ignore[attr-defined]
                decision = session.get(Decision, decision_id)
                names = {c.id: c.full_name for c in session.scalars(select(Candidate))}
                built = protocol.protocol_of(decision, names, [decision])
            size = len(protocol_pdf.pdf(built, "kk"))

        pdf_times = timed(render, pdfs)
        pdf_cpu = list(CPU)
        os.environ.pop("TOP100_NOW", None)
        return ranking_times, pdf_times, size, ranking_cpu, pdf_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--pdfs", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    where = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{CANDIDATES} candidates x {MEMBERS} members' scores, {where}")
    for number in range(1, args.rounds + 1):
        ranking, pdf, size, ranking_cpu, pdf_cpu = one_round(args.calls, args.pdfs, args.postgres)
        print(
            f"round {number}: ranking p50 {statistics.median(ranking):6.1f} ms p95 {p95(ranking):6.1f} ms"
            f" (CPU p50 {statistics.median(ranking_cpu):5.1f} ms)"
            f" | protocol PDF p50 {statistics.median(pdf):7.1f} ms p95 {p95(pdf):7.1f} ms"
            f" (CPU p50 {statistics.median(pdf_cpu):6.1f} ms, {size // 1024} KiB)"
        )


if __name__ == "__main__":
    main()
