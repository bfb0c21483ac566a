"""Test support shared by every test tree: the real servers of the development machines, isolated.

Integration tests run against the RabbitMQ and PostgreSQL on 127.0.0.1. A test is skipped only when
its server is truly unreachable, and then loudly; with `TOP100_REQUIRE_SERVERS=1` (set by
`scripts/test` in CI) an unreachable server fails the test instead, so CI cannot go green by
skipping. Isolation: a scratch PostgreSQL database and a scratch RabbitMQ vhost per use, dropped
afterwards (the topology's names are fixed, so a vhost is what keeps two runs apart).
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import os
import shutil
import signal
import socket
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from shared import migrate
from shared.config import Settings
from shared.runtime import Runtime

POSTGRES = ("127.0.0.1", 5432)
RABBITMQ = ("127.0.0.1", 5672)


def free_ports(count: int = 1) -> list[int]:
    """`count` distinct TCP ports free on 127.0.0.1 now (all held at once while asking, so distinct)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


def server_unavailable(message: str) -> None:
    """Skip (loudly) or, where servers are required, fail."""
    if os.environ.get("TOP100_REQUIRE_SERVERS") == "1":
        pytest.fail(f"{message} (TOP100_REQUIRE_SERVERS=1)")
    pytest.skip(f"SKIPPED LOUDLY: {message}")


def require(name: str, address: tuple[str, int]) -> None:
    if not reachable(address):
        server_unavailable(f"{name} UNREACHABLE at {address[0]}:{address[1]}: integration test not run")


def postgres_admin(sql: str) -> None:
    import psycopg

    dsn = f"host={POSTGRES[0]} port={POSTGRES[1]} user=postgres dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)


@contextmanager
def scratch_postgres(prefix: str = "top100_test") -> Iterator[str]:
    """A fresh PostgreSQL database; yields its SQLAlchemy URL and drops it afterwards."""
    require("POSTGRESQL", POSTGRES)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    postgres_admin(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql+psycopg://postgres@{POSTGRES[0]}:{POSTGRES[1]}/{name}"
    finally:
        postgres_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def rabbitmqctl(
    *args: str, stdin: str | None = None, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `rabbitmqctl` in a process group of its own, and kill the whole group on a time-out.

    rabbitmqctl is a script that starts an Erlang VM; a plain `subprocess.run(timeout=)` kills the
    script but leaves the VM holding one of the eleven ports (35672-35682) the CLI tools may use,
    and once eleven are stuck every later call fails with `nodistribution`.
    """
    proc = subprocess.Popen(
        ["rabbitmqctl", *args],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # whatever the script left behind
    done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    if check:
        done.check_returncode()
    return done


@contextmanager
def scratch_vhost(prefix: str = "top100_test") -> Iterator[str]:
    """A fresh RabbitMQ vhost (guest may use it); yields its AMQP URL and deletes it afterwards."""
    require("RABBITMQ", RABBITMQ)
    if shutil.which("rabbitmqctl") is None:
        server_unavailable("rabbitmqctl not available: cannot create an isolated vhost")
    vhost = f"{prefix}_{uuid.uuid4().hex[:10]}"
    rabbitmqctl("add_vhost", vhost)
    try:
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        yield f"amqp://guest:guest@{RABBITMQ[0]}:{RABBITMQ[1]}/{vhost}"
    finally:
        rabbitmqctl("delete_vhost", vhost)


@contextmanager
def migrated_runtime(service: str, settings: Settings) -> Iterator[Runtime]:
    """The service wired to `settings`, its database migrated to head with Alembic (not create_all)."""
    bootstrap = importlib.import_module(f"services.{service}.bootstrap")
    migrate.upgrade(service, settings.database_url)
    runtime = bootstrap.build(settings)
    try:
        yield runtime
    finally:
        runtime.db.dispose()


@contextmanager
def postgres_runtime(service: str, settings: Settings) -> Iterator[Runtime]:
    """`migrated_runtime` on a scratch PostgreSQL database (integration tests)."""
    with (
        scratch_postgres(f"top100_test_{service}") as url,
        migrated_runtime(service, dataclasses.replace(settings, database_url=url)) as runtime,
    ):
        yield runtime
