"""Real RabbitMQ and PostgreSQL on 127.0.0.1, isolated per test: a scratch vhost and a scratch database.

The topology's names are fixed, so isolation is by RabbitMQ vhost (created with `rabbitmqctl`, which
works as root without the management plugin) and by a database `top100_it_<random>`; both are
dropped afterwards. A test is skipped, loudly, only when a server is truly unreachable.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

RABBIT = ("127.0.0.1", 5672)
POSTGRES = ("127.0.0.1", 5432)
ROOT = Path(__file__).resolve().parents[2]


def _reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture
def amqp_url() -> Iterator[str]:
    """A fresh RabbitMQ vhost for one test, deleted afterwards."""
    if not _reachable(RABBIT):
        pytest.skip(f"RABBITMQ UNREACHABLE at {RABBIT}: integration test not run")
    if shutil.which("rabbitmqctl") is None:
        pytest.skip("rabbitmqctl not available: cannot create an isolated vhost")
    vhost = f"top100_it_{uuid.uuid4().hex[:10]}"
    _rabbitmqctl("add_vhost", vhost)
    _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    try:
        yield f"amqp://guest:guest@{RABBIT[0]}:{RABBIT[1]}/{vhost}"
    finally:
        _rabbitmqctl("delete_vhost", vhost)


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(
        f"host={POSTGRES[0]} port={POSTGRES[1]} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        conn.execute(sql)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A scratch PostgreSQL database for one test, dropped afterwards."""
    if not _reachable(POSTGRES):
        pytest.skip(f"POSTGRESQL UNREACHABLE at {POSTGRES}: integration test not run")
    name = f"top100_it_{uuid.uuid4().hex[:10]}"
    _admin(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql+psycopg://postgres@{POSTGRES[0]}:{POSTGRES[1]}/{name}"
    finally:
        _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class Proc:
    """A worker or relay of the test service running as a real process."""

    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self, timeout: float = 15) -> int:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                return self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
        return self.popen.wait(timeout)


@pytest.fixture
def spawn(tmp_path: Path, amqp_url: str, pg_url: str) -> Iterator:  # type: ignore[type-arg]
    """`spawn("worker"|"relay", *flags, **env)` starts `python -m shared.tests.busapp` for this test."""
    started: list[Proc] = []

    def start(role: str, *flags: str, **env: str) -> Proc:
        log = tmp_path / f"{role}-{len(started)}.log"
        environment = {
            **os.environ,
            "BUSAPP_DATABASE_URL": pg_url,
            "BROKER_URL": amqp_url,
            "TOP100_DATA_DIR": str(tmp_path),
            "TOP100_RETRY_DELAYS": "1,1",
            "BUSAPP_REGIONS": "almaty",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [sys.executable, "-m", "shared.tests.busapp", role, *flags],
                cwd=ROOT,
                env=environment,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        proc = Proc(popen, log)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()
