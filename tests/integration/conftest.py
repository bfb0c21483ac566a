"""Real RabbitMQ and PostgreSQL on 127.0.0.1, isolated per test: a scratch vhost and a scratch database.

The topology's names are fixed, so isolation is by RabbitMQ vhost (created with `rabbitmqctl`, which
works as root without the management plugin) and by a database `top100_it_<random>`; both are
dropped afterwards. A test is skipped, loudly, only when a server is truly unreachable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from shared import testing

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def amqp_url() -> Iterator[str]:
    """A fresh RabbitMQ vhost for one test, deleted afterwards."""
    with testing.scratch_vhost("top100_it") as url:
        yield url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A scratch PostgreSQL database for one test, dropped afterwards."""
    with testing.scratch_postgres("top100_it") as url:
        yield url


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
