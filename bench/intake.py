"""Intake's throughput and latency on gunicorn + PostgreSQL, next to an empty Flask endpoint.

    .venv/bin/python bench/intake.py [--seconds 8] [--clients 2] [--threads 6] [--rate 100]

Needs the `bench` extra (`requests`; `./scripts/test`'s `.venv/` has it through the test extra, else
`.venv/bin/pip install -c constraints.txt -e '.[bench]'`).

What it measures, in one run, on loopback only, in a scratch PostgreSQL database it creates and drops:
1. an empty Flask endpoint on gunicorn with the same settings (`deploy/gunicorn.conf.py`): the
   ceiling of this machine, client included;
2. sustained accepted nominations per second (201 only) without a photo, closed loop;
3. the same with a 1 MB JPEG in a multipart request (intake parses it to its end marker and stores
   it; media decodes the pixels, see `services/intake/rules/photos.py`);
4. latency at a fixed offered rate (`--rate`, default 100 requests/s) with photos, open loop: each
   request's latency counts from its scheduled start, so a slow server cannot hide its queue. Its
   client is plain `http.client` (`_LightClient`), which leaves the server more of the shared cores.
Prints both rates, their ratio (target >= 0.25 without a photo) and p50/p99 latencies (target: p99
< 250 ms at 100 requests/s with photos). Every nomination is a new student in a college with a free
slot (the bench loads its own colleges), and the statement is a real 250+ word Kazakh text, so each
request pays for the full validation, language detection included.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = "2026-09-20T10:00:00+05:00"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432"
BOUNDARY = "top100benchboundary"
BLOCK = 300  # nominations per client thread and phase: 100 colleges x 3 slots


def empty_app():  # type: ignore[no-untyped-def]
    """The baseline: a Flask app whose one endpoint does nothing (gunicorn `bench.intake:empty_app()`)."""
    from flask import Flask

    app = Flask("empty")

    @app.post("/empty")
    def empty() -> tuple[str, int]:
        return "{}", 201

    return app


# --- data ----------------------------------------------------------------------------------------------


def iins(count: int) -> list[str]:
    """`count` distinct valid IINs of adults (no guardian needed)."""
    from services.intake.rules import iin_check_digit

    found: list[str] = []
    birth = date(2003, 1, 1)
    while len(found) < count:
        for serial in range(1, 10000):
            first11 = f"{birth:%y%m%d}5{serial:04d}"
            digit = iin_check_digit(first11)
            if digit is not None:
                found.append(first11 + str(digit))
                if len(found) == count:
                    break
        birth += timedelta(days=1)
    return found


def photo_1mb() -> bytes:
    from PIL import Image

    image = Image.effect_noise((1100, 1400), 40).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def document(index: int, iin: str) -> dict:
    from services.intake.tests import factories

    doc = factories.nomination(college=f"BENCH-{index // 3:05d}")
    doc["student"]["iin"] = iin
    doc["student"]["birth_date"] = f"{2000 + int(iin[:2])}-{iin[2:4]}-{iin[4:6]}"
    doc["student"]["email"] = f"s{index}@example.kz"
    return doc


def body(doc: dict, photo: bytes | None) -> tuple[bytes, str]:
    if photo is None:
        return json.dumps(doc, ensure_ascii=False).encode(), "application/json"
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="nomination"\r\n'
        f"Content-Type: application/json\r\n\r\n".encode(),
        json.dumps(doc, ensure_ascii=False).encode(),
        f'\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode(),
        photo,
        f"\r\n--{BOUNDARY}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={BOUNDARY}"


# --- servers -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(target: str, env: dict[str, str], log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    environment = {
        **os.environ,
        **env,
        "TOP100_BIND": f"127.0.0.1:{port}",
        "TOP100_SERVICE": "intake",
        "PYTHONPATH": str(ROOT),
    }
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "deploy/gunicorn.conf.py"),
                "--access-logfile",
                "/dev/null",
                target,
            ],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            time.sleep(1.0)  # let every worker boot
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"gunicorn {target} did not start; see {log}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


# --- where the CPU goes --------------------------------------------------------------------------------
# The load generator, gunicorn and PostgreSQL share the machine's cores, so every phase also reports
# the CPU each of them spent per request: a phase's rate is only readable next to those.

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int | str) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _seconds(fields: list[str]) -> float:
    """CPU of a process and of its children it has waited for (utime, stime, cutime, cstime)."""
    return sum(int(value) for value in fields[11:15]) / _TICK


def server_cpu(master: int) -> dict[str, float]:
    """CPU seconds so far of gunicorn (the master, its live and its exited workers) and PostgreSQL (every
    postgres process; an exited backend's time is in the postmaster's)."""
    gunicorn = postgres = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        fields = _stat(pid)
        if fields is None:
            continue
        try:
            with open(f"/proc/{pid}/comm") as handle:
                name = handle.read().strip()
        except OSError:
            continue
        if int(pid) == master or int(fields[1]) == master:
            gunicorn += _seconds(fields)
        elif name.startswith("postgres"):
            postgres += _seconds(fields)
    return {"gunicorn": gunicorn, "postgres": postgres}


def cpu_line(before: dict[str, float], after: dict[str, float], client: float, requests: int) -> str:
    per = {name: (after[name] - before[name]) / max(requests, 1) * 1000 for name in before}
    return (
        f"    CPU per request: gunicorn {per['gunicorn']:.2f} ms, PostgreSQL {per['postgres']:.2f} ms, "
        f"load generator {client / max(requests, 1) * 1000:.2f} ms"
    )


# --- load ----------------------------------------------------------------------------------------------


def _post(session, url: str, payload: bytes, content_type: str, key: str) -> int:  # type: ignore[no-untyped-def]
    response = session.post(
        url,
        data=payload,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {key}"},
        timeout=30,
    )
    return response.status_code


def closed_loop(args: tuple) -> tuple[int, int, list[float], float, float]:  # type: ignore[type-arg]
    """One client process: `threads` threads posting back to back from `start_at` (time.monotonic) for
    `seconds`; (201s, others, latencies, the monotonic time its last request ended, its CPU seconds)."""
    import requests

    url, key, start_at, seconds, threads, first_index, iin_list, with_photo, empty = args
    photo = photo_1mb() if with_photo else None
    lock = threading.Lock()
    accepted, refused, latencies = [0], [0], []

    # Every request's document is built before the clock starts: the load generator shares the
    # machine's two cores with the server, and building test data is not the server's work.
    documents = (
        [None] * (threads * BLOCK)
        if empty
        else [document(first_index + i, iin_list[first_index + i]) for i in range(threads * BLOCK)]
    )
    time.sleep(max(0.0, start_at - time.monotonic()))
    stop_at = start_at + seconds
    cpu_started = time.process_time()

    def run(thread: int) -> None:
        session = requests.Session()
        base = thread * BLOCK
        for k in range(BLOCK):
            if time.monotonic() >= stop_at:
                return
            if empty:
                payload, content_type = b"{}", "application/json"
            else:
                payload, content_type = body(documents[base + k], photo)
            started = time.perf_counter()
            status = _post(session, url, payload, content_type, key)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status == 201:
                    accepted[0] += 1
                else:
                    refused[0] += 1

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(run, range(threads)))
    return accepted[0], refused[0], latencies, time.monotonic(), time.process_time() - cpu_started


def sustained(
    server: subprocess.Popen,
    url: str,
    key: str,
    seconds: float,
    clients: int,
    threads: int,
    first: int,
    iin_list: list[str],
    with_photo: bool,
    empty: bool = False,
) -> tuple[float, int, list[float], str]:
    """(accepted a second, refused, latencies, where the CPU went) of one closed-loop phase."""
    start_at = time.monotonic() + 1.5  # every client process started and its documents built
    jobs = [
        (url, key, start_at, seconds, threads, first + c * threads * BLOCK, iin_list, with_photo, empty)
        for c in range(clients)
    ]
    before = server_cpu(server.pid)  # the server idles until start_at
    with ProcessPoolExecutor(clients) as pool:
        results = list(pool.map(closed_loop, jobs))
    after = server_cpu(server.pid)
    cpu = cpu_line(before, after, sum(r[4] for r in results), sum(len(r[2]) for r in results))
    elapsed = max(r[3] for r in results) - start_at
    accepted = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    latencies = [x for r in results for x in r[2]]
    return accepted / elapsed, refused, latencies, cpu


class _LightClient:
    """`http.client` on one connection (opened again after gunicorn's sync worker closes it).

    The latency phase's client: it costs the shared cores about half of what `requests` does per
    request with a 1 MB body, and with 64 threads under one GIL less Python per request is also less
    waiting in the client, which the measured latency would otherwise include. (The closed-loop
    phases keep `requests`, on both sides of their ratio, so that it compares with earlier runs.)
    """

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.path = parts.path
        self.conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)

    def post(self, payload: bytes, content_type: str, key: str) -> int:
        headers = {"Content-Type": content_type, "Authorization": f"Bearer {key}"}
        self.conn.request("POST", self.path, body=payload, headers=headers)
        response = self.conn.getresponse()
        response.read()
        if response.will_close:
            self.conn.close()
        return response.status


def open_loop(
    server: subprocess.Popen, url: str, key: str, rate: float, seconds: float, first: int, iin_list: list[str]
) -> tuple[int, list[float], str]:
    """Offer `rate` requests/s with photos for `seconds`; latency from each request's scheduled start."""
    photo = photo_1mb()
    total = int(rate * seconds)
    payloads = [body(document(first + i, iin_list[first + i]), photo) for i in range(total)]
    local = threading.local()
    latencies: list[float] = []
    refused = [0]
    start = time.perf_counter() + 0.5

    def send(i: int) -> None:
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        if not hasattr(local, "client"):
            local.client = _LightClient(url)
        status = local.client.post(*payloads[i], key)
        latencies.append(time.perf_counter() - scheduled)
        if status != 201:
            refused[0] += 1

    before, client_started = server_cpu(server.pid), time.process_time()
    with ThreadPoolExecutor(64) as pool:
        list(pool.map(send, range(total)))
    cpu = cpu_line(before, server_cpu(server.pid), time.process_time() - client_started, total)
    return refused[0], latencies, cpu


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# --- setup ---------------------------------------------------------------------------------------------


def prepare(url: str, colleges: int) -> str:
    """Migrate, load the regions and `colleges` bench colleges in Almaty; a portal key."""
    from services.intake.bootstrap import build
    from services.intake.operations import keys
    from services.intake.operations.refdata import REGIONS_FILE, load_colleges, load_regions
    from services.intake.rules import refdata
    from shared import config, migrate

    migrate.upgrade("intake", url)
    settings = config.Settings(
        service="intake",
        data_dir=Path(tempfile.gettempdir()),
        database_url=url,
        broker_url="memory://",
        blob_url="file:///tmp/unused",
        port=0,
        secret_key="bench",
        retry_delays=(1,),
        relay_batch=10,
    )
    runtime = build(settings)
    with runtime.db.unit_of_work() as session:
        load_regions(session, refdata.parse_regions_csv(REGIONS_FILE.read_text(encoding="utf-8")))
        load_colleges(
            session,
            [
                refdata.CollegeRow(
                    code=f"BENCH-{i:05d}",
                    region="almaty",
                    name_kk=f"Колледж {i}",
                    name_ru=f"Колледж {i}",
                    name_en=f"College {i}",
                    city="Almaty",
                )
                for i in range(colleges)
            ],
        )
        _row, key = keys.issue(session, "almaty", label="bench")
    runtime.db.dispose()
    return key


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="duration of each closed-loop phase")
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument("--threads", type=int, default=6, help="threads per client process")
    parser.add_argument("--rate", type=float, default=100.0, help="offered requests/s of the latency phase")
    parser.add_argument("--rate-seconds", type=float, default=8.0)
    parser.add_argument("--workers", default=os.environ.get("TOP100_WEB_WORKERS", "2"))
    args = parser.parse_args()
    if importlib.util.find_spec("requests") is None:
        sys.exit("bench/intake.py needs the bench extra: pip install -c constraints.txt -e '.[bench]'")

    streams = args.clients * args.threads
    phase = streams * BLOCK
    total = 2 * phase + int(args.rate * args.rate_seconds) + 1
    database = f"top100_bench_{uuid.uuid4().hex[:8]}"
    admin(f"CREATE DATABASE {database}")
    work = Path(tempfile.mkdtemp(prefix="top100-bench-"))
    procs: list[subprocess.Popen] = []
    try:
        url = f"{PG}/{database}"
        key = prepare(url, total // 3 + 1)
        iin_list = iins(total)
        env = {
            "INTAKE_DATABASE_URL": url,
            "INTAKE_BLOB_URL": f"file://{work / 'blobs'}",
            "TOP100_DATA_DIR": str(work),
            "TOP100_NOW": NOW,
            "TOP100_WEB_WORKERS": str(args.workers),
            "TOP100_LOG_LEVEL": "WARNING",
        }
        empty, empty_port = gunicorn("bench.intake:empty_app()", env, work / "empty.log")
        procs.append(empty)
        base_rate, _, base_lat, base_cpu = sustained(
            empty,
            f"http://127.0.0.1:{empty_port}/empty",
            key,
            args.seconds,
            args.clients,
            args.threads,
            0,
            iin_list,
            False,
            empty=True,
        )
        stop(empty)
        intake, port = gunicorn("services.intake.app:create_app()", env, work / "intake.log")
        procs.append(intake)
        api = f"http://127.0.0.1:{port}/api/v1/nominations"
        plain_rate, plain_refused, plain_lat, plain_cpu = sustained(
            intake, api, key, args.seconds, args.clients, args.threads, 0, iin_list, False
        )
        photo_rate, photo_refused, photo_lat, photo_cpu = sustained(
            intake, api, key, args.seconds, args.clients, args.threads, phase, iin_list, True
        )
        open_refused, open_lat, open_cpu = open_loop(
            intake, api, key, args.rate, args.rate_seconds, 2 * phase, iin_list
        )
        stop(intake)
    finally:
        for proc in procs:
            if proc.poll() is None:
                stop(proc)
        admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"machine: {os.cpu_count()} CPUs; gunicorn workers: {args.workers}; "
        f"clients: {args.clients}x{args.threads}"
    )
    print(
        f"empty Flask endpoint:        {base_rate:8.1f} req/s   p50 {pct(base_lat, 0.5):6.1f} ms  "
        f"p99 {pct(base_lat, 0.99):6.1f} ms"
    )
    print(base_cpu)
    print(
        f"nominations, no photo:       {plain_rate:8.1f} /s      p50 {pct(plain_lat, 0.5):6.1f} ms  "
        f"p99 {pct(plain_lat, 0.99):6.1f} ms  (refused {plain_refused})"
    )
    print(plain_cpu)
    print(
        f"nominations, 1 MB photo:     {photo_rate:8.1f} /s      p50 {pct(photo_lat, 0.5):6.1f} ms  "
        f"p99 {pct(photo_lat, 0.99):6.1f} ms  (refused {photo_refused})"
    )
    print(photo_cpu)
    print(f"ratio no photo / empty:      {plain_rate / base_rate:8.3f}   (target >= 0.25)")
    print(f"ratio photo / empty:         {photo_rate / base_rate:8.3f}")
    print(
        f"at {args.rate:.0f} req/s with photos:    p50 {pct(open_lat, 0.5):6.1f} ms  "
        f"p99 {pct(open_lat, 0.99):6.1f} ms"
        f"  (target p99 < 250 ms; refused {open_refused} of {len(open_lat)})"
    )
    print(open_cpu)


if __name__ == "__main__":
    main()
