"""`top100 relay SERVICE`: a service's outbox published by a process of its own (no worker running)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.review import bootstrap
from shared import config
from shared.outbox import emit
from shared.tests import busapp
from shared.tests.bus_helpers import wait_for
from tests.e2e.system import ROOT, clean_env, top100

pytestmark = pytest.mark.e2e


def test_the_relay_command_publishes_the_outbox_and_stops_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = clean_env(tmp_path / "data")
    assert top100(env, "migrate", "review").returncode == 0
    monkeypatch.setenv("TOP100_DATA_DIR", env["TOP100_DATA_DIR"])
    runtime = bootstrap.build(config.load("review"))
    outbox = runtime.db.metadata.tables["outbox"]
    with runtime.db.unit_of_work() as session:
        emit(session, busapp.event(marker="relayed"))

    def unpublished() -> int:
        with runtime.db.unit_of_work() as session:
            return session.execute(select(func.count()).select_from(outbox)).scalar_one()

    assert unpublished() == 1
    log = tmp_path / "relay.log"
    with log.open("wb") as out:
        relay = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "relay", "review"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
    try:
        assert wait_for(lambda: unpublished() == 0, 60), log.read_text()
        queued = list((tmp_path / "data" / "broker" / "data").glob("*.intake.almaty.msg"))
        assert len(queued) == 1  # intake follows review's events in its region's queue
    finally:
        relay.send_signal(signal.SIGTERM)
        assert relay.wait(30) == 0, log.read_text()
    runtime.db.dispose()
