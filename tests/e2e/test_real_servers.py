"""The production column on this machine: `top100 run` against RabbitMQ and PostgreSQL on 127.0.0.1.

The same path as the embedded test, configured only through the environment: a scratch RabbitMQ
vhost and a scratch database per service, both deleted afterwards. Mail still goes to files (no
SMTP server here) and blobs to a folder; those adapters have their own tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from shared.testing import scratch_postgres, scratch_vhost
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


@pytest.fixture
def vhost_url() -> Iterator[str]:
    with scratch_vhost("top100_e2e") as url:
        yield url


@pytest.fixture
def database_urls() -> Iterator[dict[str, str]]:
    """A scratch database per service, as production has (none reads another's)."""
    with ExitStack() as stack:
        yield {
            f"{service.upper()}_DATABASE_URL": stack.enter_context(scratch_postgres(f"top100_e2e_{service}"))
            for service in SERVICES
        }


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
