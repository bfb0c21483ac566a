"""The gunicorn settings serve a service across worker restarts, each worker with its own connections.

`deploy/gunicorn.conf.py` preloads the app in the master and replaces a worker after
`max_requests`; here the limit is 3 so that workers are replaced while requests that use the
database keep coming, on the real PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from shared import migrate, testing

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@contextmanager
def intake_on_gunicorn(
    tmp_path: Path, *options: str, prepare: Callable[[str], None] | None = None, **env: str
) -> Iterator[tuple[str, Path]]:
    """Intake served by gunicorn with deploy/gunicorn.conf.py on a scratch PostgreSQL database:
    (its base URL, its log file). `prepare` gets the migrated database's URL before gunicorn starts;
    `env` is added to gunicorn's environment."""
    with testing.scratch_postgres("top100_gunicorn") as url:
        migrate.upgrade("intake", url)
        if prepare is not None:
            prepare(url)
        (tmp_path / "broker" / "data").mkdir(parents=True)  # the embedded broker, /readyz checks it
        (port,) = testing.free_ports()
        environment = {
            **os.environ,
            "TOP100_SERVICE": "intake",
            "TOP100_BIND": f"127.0.0.1:{port}",
            "TOP100_DATA_DIR": str(tmp_path),
            "INTAKE_DATABASE_URL": url,
            "PYTHONPATH": str(ROOT),
            **env,
        }
        environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
        log = tmp_path / "gunicorn.log"
        with log.open("wb") as out:
            server = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
                    *options, "services.intake.app:create_app()",
                ],
                cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while _get_or_none(f"{base}/healthz") != 200:
                assert time.monotonic() < deadline and server.poll() is None, log.read_text()
                time.sleep(0.2)
            yield base, log
        finally:
            server.terminate()
            try:
                server.wait(30)  # gunicorn's graceful timeout is 20 s
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)


def test_workers_replaced_after_max_requests_keep_answering_from_the_database(tmp_path: Path) -> None:
    restarts = ("--max-requests", "3", "--max-requests-jitter", "0")
    # Concurrent, so that two workers holding one connection would garble each other's queries.
    with intake_on_gunicorn(tmp_path, *restarts) as (base, log), ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(_get, [f"{base}/readyz"] * 40))
    text = log.read_text()
    assert statuses == [200] * 40, text
    assert text.count("Autorestarting worker") >= 4, text  # workers really were replaced
    assert "Traceback" not in text, text


def test_metrics_count_the_requests_of_every_worker(tmp_path: Path) -> None:
    """Each worker is a process with its own counters; a scrape must add up all of them."""
    with intake_on_gunicorn(tmp_path, "--workers", "2") as (base, _log):
        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(_get, [f"{base}/healthz"] * 60)) == {200}
        scrapes = [_healthz_count(base) for _ in range(6)]
    assert scrapes == [61] * 6  # the 60 above and the one that saw the server up


def _healthz_count(base: str) -> int:
    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
        text = response.read().decode()
    return sum(
        int(float(line.rsplit(" ", 1)[1]))
        for line in text.splitlines()
        if line.startswith("http_requests_total{") and 'endpoint="/healthz"' in line
    )


def _get_or_none(url: str) -> int | None:
    try:
        return _get(url)
    except OSError:
        return None
