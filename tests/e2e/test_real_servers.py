"""The production column on this machine: `top100 run` against RabbitMQ and PostgreSQL on 127.0.0.1.

The same path as the embedded test, configured only through the environment: a scratch RabbitMQ
vhost and a scratch database per service, both deleted afterwards. Mail still goes to files (no
SMTP server here) and blobs to a folder; those adapters have their own tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.system import (
    SERVICES,
    RunningSystem,
    assert_stops_cleanly,
    clean_env,
    key_from,
    top100,
    walk_one_nomination,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.timeout(300)]

RABBIT = ("127.0.0.1", 5672)
POSTGRES = ("127.0.0.1", 5432)


def _absent(what: str, address: tuple[str, int]) -> None:
    """Skip loudly when a server is truly absent, but fail where servers are required (CI)."""
    message = f"{what} UNREACHABLE at {address[0]}:{address[1]}: real-server e2e test not run"
    if os.environ.get("TOP100_REQUIRE_SERVERS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def _reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def vhost_url() -> Iterator[str]:
    if not _reachable(RABBIT):
        _absent("RABBITMQ", RABBIT)
    if shutil.which("rabbitmqctl") is None:
        _absent("rabbitmqctl (to make a scratch vhost)", RABBIT)
    vhost = f"top100_e2e_{uuid.uuid4().hex[:10]}"
    ctl = ["rabbitmqctl", "-q"]
    subprocess.run([*ctl, "add_vhost", vhost], check=True, capture_output=True, timeout=60)
    subprocess.run(
        [*ctl, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    try:
        yield f"amqp://guest:guest@{RABBIT[0]}:{RABBIT[1]}/{vhost}"
    finally:
        subprocess.run([*ctl, "delete_vhost", vhost], check=False, capture_output=True, timeout=60)


@pytest.fixture
def database_urls() -> Iterator[dict[str, str]]:
    if not _reachable(POSTGRES):
        _absent("POSTGRESQL", POSTGRES)
    import psycopg

    suffix = uuid.uuid4().hex[:8]
    names = {service: f"top100_e2e_{service}_{suffix}" for service in SERVICES}
    admin = f"host={POSTGRES[0]} port={POSTGRES[1]} user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f"CREATE DATABASE {name}")
    try:
        yield {
            f"{service.upper()}_DATABASE_URL": f"postgresql+psycopg://postgres@{POSTGRES[0]}:{POSTGRES[1]}/{name}"
            for service, name in names.items()
        }
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names.values():
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_one_nomination_end_to_end_on_rabbitmq_and_postgresql(
    tmp_path: Path, vhost_url: str, database_urls: dict[str, str]
) -> None:
    env = clean_env(tmp_path / "data", {"BROKER_URL": vhost_url, **database_urls})
    for command in (["migrate"], ["topology", "declare"], ["refdata", "load"]):
        done = top100(env, *command)
        assert done.returncode == 0, f"top100 {' '.join(command)}: {done.stdout}\n{done.stderr}"
    issued = top100(env, "keys", "issue", "--region", "almaty")
    assert issued.returncode == 0, issued.stderr
    key = key_from(issued.stdout)

    system = RunningSystem(env)
    try:
        system.start()
        system.wait_healthy()
        assert "demo portal key" not in system.output(), "demo data must never go into a configured database"
        assert "guest:guest" not in system.output() and "guest:***@" in system.output()
        walk_one_nomination(system, key)
        assert_stops_cleanly(system)
    finally:
        system.kill_leftovers()
