"""Review's candidate list and scoring page on gunicorn + PostgreSQL, next to an empty endpoint.

    .venv/bin/python bench/review.py [--requests 500] [--workers 2]

In a scratch PostgreSQL database it creates and drops: 2,400 candidates (120 in each of the 20
regions, three statements of about 260 words each, processed photos), 200 users (8 per region and
40 national) and the scores the regional members have given (every member about half of their
region's candidates). One gunicorn (`deploy/gunicorn.conf.py`) serves review's app with one extra
public endpoint that does nothing; the three are requested in turn, one request at a time, over
keep-alive connections on loopback:

1. the empty endpoint: what gunicorn, WSGI and Flask cost on this machine;
2. the candidate list, 50 a page, through the filters people use (a region's members with stage,
   status, "not yet scored by me", a name search; the national group by region and status);
3. the scoring page of a candidate (HTML: rubric, the member's score, the three statements,
   previous/next in the list's filters).

"Server time" is measured inside the worker by a WSGI wrapper, from the request's arrival until
the response's headers are ready (authentication, queries, the audit log's insert, rendering),
so the load generator sharing the cores does not count, and the worker's CPU time over the same
span (what the code costs, whatever else the machine runs; wall time on a busy 2-core machine is
mostly waiting for a core). Prints p50 and p95 of each (target: p95 < 50 ms server time for the list
and the scoring page), the client's round trip, and the load average, to judge a run by.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.serving import gunicorn, stop  # noqa: E402  (the repository on the path first)

NOW = "2026-10-10T12:00:00+05:00"
SERVER_TIME = "X-Bench-Server-Time"
SERVER_CPU = "X-Bench-Server-Cpu"
WORDS = {
    "kk": "Мен колледжде оқимын және әр сабақтан жаңа білім алуға тырысамын ",
    "ru": "Я учусь в колледже и стараюсь узнавать новое на каждом занятии ",
    "en": "I study at the college and try to learn something new in every class ",
}
LAST = ["Нұрланұлы", "Өмірзақова", "Сейітов", "Іңкәрова", "Ұлықбеков", "Әбдірахманов", "Smith", "Ким"]
FIRST = ["Әлихан", "Іңкәр", "Гүлназ", "Ерлан", "Айгерім", "Дәурен", "Ұлжан", "Нұрсұлтан"]


def timed_app():  # type: ignore[no-untyped-def]
    """Review's app as gunicorn serves it, plus `/bench/empty`, each answer carrying its server time."""
    from services.review.app import create_app
    from shared import identity

    app = create_app()

    @app.get("/bench/empty")
    @identity.public
    def empty() -> tuple[str, int]:
        return "{}", 200

    inner = app.wsgi_app

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        started, cpu = time.perf_counter(), time.process_time()

        def timed_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.append((SERVER_TIME, f"{(time.perf_counter() - started) * 1000:.3f}"))
            headers.append((SERVER_CPU, f"{(time.process_time() - cpu) * 1000:.3f}"))
            return start_response(status, headers, exc_info)

        return inner(environ, timed_start)

    app.wsgi_app = wsgi  # type: ignore[method-assign]
    return app


# --- data ----------------------------------------------------------------------------------------------


def load(url: str, seed: int) -> dict[str, Any]:
    """Migrate and fill the scratch database; who the bench signs in as and what it asks for."""
    from sqlalchemy import create_engine, insert

    from services.review.models import Candidate, Photo, Score, Statement, User
    from services.review.rules import scoring as rules
    from shared import migrate, regions
    from shared.words import count_words

    migrate.upgrade("review", url)
    rng = random.Random(seed)
    codes = sorted(regions.region_codes())[:20]
    now = datetime(2026, 10, 1, tzinfo=UTC)
    users, candidates, statements, photos, scores = [], [], [], [], []
    rubric = rules.default_rubric("regional")
    password_hash = "$argon2id$v=19$m=65536,t=3,p=4$bench$bench"
    for code in codes:
        for n in range(8):
            role = "regional_chair" if n == 0 else "regional_member"
            users.append(_user(f"{code}-{n}", role, code, password_hash, now))
    for n in range(40):
        role = "national_chair" if n == 0 else "national_member"
        users.append(_user(f"national-{n}", role, "national", password_hash, now))
    texts = {lang: (sentence * 24).strip() for lang, sentence in WORDS.items()}
    counts = {lang: count_words(text) for lang, text in texts.items()}
    for code in codes:
        members = [u for u in users if u["scope"] == code]
        for n in range(120):
            cid = str(uuid.uuid4())
            last, first = rng.choice(LAST), rng.choice(FIRST)
            full = f"{last} {first}"
            candidates.append(
                {
                    "id": cid,
                    "nomination_id": f"nom-{code}-{n:04}",
                    "year": 2026,
                    "region": code,
                    "college_code": f"{code[:3].upper()}-{n % 30:03}",
                    "college_names": {"kk": "Колледж", "ru": "Колледж", "en": "College"},
                    "last_name": last,
                    "first_name": first,
                    "patronymic": None,
                    "search_name": rules.fold(full),
                    "language": "kk",
                    "specialty": "Бағдарламалық қамтамасыз ету",
                    "course": 3,
                    "academic_standing": "excellent",
                    "minor": False,
                    "categories": ["leadership"],
                    "achievements": [
                        {"title": "WorldSkills", "year": 2025, "level": rng.choice(["national", "regional"])}
                    ],
                    "stage": "regional",
                    "status": "under_review",
                    "revisions": {},
                    "created_at": now - timedelta(minutes=n),
                    "updated_at": now,
                }
            )
            for lang, text in texts.items():
                statements.append(
                    {"candidate_id": cid, "language": lang, "text": text, "words": counts[lang]}
                )
            photos.append(
                {
                    "nomination_id": f"nom-{code}-{n:04}",
                    "status": "processed",
                    "derivatives": ["thumb", "web"],
                    "as_of": now,
                    "reported": True,
                }
            )
            for member in members:
                if rng.random() < 0.5:
                    values = {c.code: rng.randint(c.min, c.max) for c in rubric.criteria}
                    scores.append(
                        {
                            "candidate_id": cid,
                            "stage": "regional",
                            "member_id": member["id"],
                            "member_name": member["name"],
                            "year": 2026,
                            "region": code,
                            "values": values,
                            "weighted": rules.weighted_value(rubric, values),
                            "comment": "",
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
    engine = create_engine(url)
    with engine.begin() as conn:
        for model, rows in (
            (User, users),
            (Candidate, candidates),
            (Statement, statements),
            (Photo, photos),
            (Score, scores),
        ):
            conn.execute(insert(model), rows)
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()
    return {"users": users, "candidates": candidates, "codes": codes, "scores": len(scores)}


def _user(key: str, role: str, scope: str, password_hash: str, now: datetime) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "email": f"{key}@bench.kz",
        "name": f"Мүше {key}",
        "password_hash": password_hash,
        "role": role,
        "scope": scope,
        "language": "ru",
        "college": None,
        "generation": 1,
        "disabled": False,
        "created_at": now,
        "updated_at": now,
    }


def token(secret: str, user: dict[str, Any]) -> str:
    from shared import identity

    who = identity.Identity(
        user_id=user["id"],
        email=user["email"],
        name=user["name"],
        role=user["role"],
        scope=user["scope"],
        language="ru",
        generation=1,
        expires_at=datetime(2027, 1, 1, tzinfo=UTC),
    )
    return identity.issue_token(secret, who)


# --- gunicorn and the client -------------------------------------------------------------------------------


class Client:
    """`http.client` on one keep-alive connection, opened again when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, float, float, float]:
        for attempt in (1, 2):
            try:
                started = time.perf_counter()
                self.conn.request("GET", path, headers=headers)
                response = self.conn.getresponse()
                response.read()
                round_trip = (time.perf_counter() - started) * 1000
                server = float(response.getheader(SERVER_TIME, "nan"))
                return response.status, server, float(response.getheader(SERVER_CPU, "nan")), round_trip
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def list_paths(data: dict[str, Any], rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """What people ask the list for, each with who asks."""
    regional = [u for u in data["users"] if u["role"] == "regional_member"]
    national = [u for u in data["users"] if u["role"] in ("national_member", "national_chair")]
    queries: list[tuple[str, dict[str, Any]]] = []
    for _ in range(50):
        member = rng.choice(regional)
        code = member["scope"]
        queries += [
            (
                f"/api/v1/candidates?year=2026&stage=regional&status=under_review&page={rng.randint(1, 3)}",
                member,
            ),
            ("/api/v1/candidates?unscored=1", member),
            (f"/api/v1/candidates?q={quote(rng.choice(['әли', 'ІҢКӘР', 'өмір', 'kim']))}", member),
            (f"/api/v1/candidates?region={code}&stage=regional&page=2", rng.choice(national)),
            ("/api/v1/candidates?status=under_review&page=10", rng.choice(national)),
        ]
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="requests of each kind")
    parser.add_argument("--workers", default=os.environ.get("TOP100_WEB_WORKERS", "2"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from shared import testing

    work = Path(tempfile.mkdtemp(prefix="top100-bench-review-"))
    proc = None
    with testing.scratch_postgres("top100_bench_review") as url:
        try:
            data = load(url, args.seed)
            secret = "bench-secret-" + uuid.uuid4().hex
            env = {
                "REVIEW_DATABASE_URL": url,
                "TOP100_DATA_DIR": str(work),
                "TOP100_NOW": NOW,
                "TOP100_SECRET_KEY": secret,
                "TOP100_WEB_WORKERS": str(args.workers),
                "TOP100_LOG_LEVEL": "WARNING",
            }
            proc, port = gunicorn("review", "bench.review:timed_app()", env, work / "review.log", settle=1.5)
            client = Client(port)
            rng = random.Random(args.seed)
            tokens: dict[str, str] = {}

            def headers(user: dict[str, Any]) -> dict[str, str]:
                if user["id"] not in tokens:
                    tokens[user["id"]] = token(secret, user)
                return {"Authorization": f"Bearer {tokens[user['id']]}"}

            lists = list_paths(data, rng)
            members = [u for u in data["users"] if u["role"] == "regional_member"]
            by_region: dict[str, list[str]] = {}
            for c in data["candidates"]:
                by_region.setdefault(c["region"], []).append(c["id"])
            results: dict[str, tuple[list[float], list[float], list[float]]] = {
                "empty": ([], [], []),
                "list": ([], [], []),
                "score": ([], [], []),
            }
            for _ in range(20):  # warm every worker's connections and caches
                client.get("/bench/empty", {})
                client.get(lists[0][0], headers(lists[0][1]))
            for i in range(args.requests):
                member = rng.choice(members)
                candidate = rng.choice(by_region[member["scope"]])
                path, who = lists[i % len(lists)]
                for kind, (target, caller) in (
                    ("empty", ("/bench/empty", {})),
                    ("list", (path, headers(who))),
                    ("score", (f"/candidates/{candidate}/score?stage=regional&unscored=1", headers(member))),
                ):
                    status, server, cpu, round_trip = client.get(target, caller)
                    if status != 200:
                        raise SystemExit(f"{target} answered {status}")
                    results[kind][0].append(server)
                    results[kind][1].append(cpu)
                    results[kind][2].append(round_trip)
        finally:
            if proc is not None:
                stop(proc)
            shutil.rmtree(work, ignore_errors=True)

    print(
        f"machine: {os.cpu_count()} CPUs; gunicorn workers: {args.workers}; "
        f"{len(data['candidates'])} candidates, {len(data['users'])} users, "
        f"{data['scores']} scores; {args.requests} requests of each kind"
    )
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"{'':26} {'server p50':>10} {'p95':>8} {'CPU p50':>9} {'p95':>8} {'round trip p50':>15} {'p95':>8}"
    )
    names = {"empty": "empty endpoint", "list": "candidate list (50/page)", "score": "scoring page"}
    for kind, (server, cpu, trip) in results.items():
        print(
            f"{names[kind]:26} {percentile(server, 0.5):8.2f}ms {percentile(server, 0.95):6.2f}ms "
            f"{percentile(cpu, 0.5):7.2f}ms {percentile(cpu, 0.95):6.2f}ms "
            f"{percentile(trip, 0.5):13.2f}ms {percentile(trip, 0.95):6.2f}ms"
        )


if __name__ == "__main__":
    main()
