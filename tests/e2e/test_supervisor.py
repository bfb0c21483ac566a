"""`top100 run`'s supervisor with stand-in children: crash handling, stragglers, grandchildren."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from services.cli import cli
from services.runner import ChildSpec, Supervisor

pytestmark = pytest.mark.e2e

SLEEPER = "import time; time.sleep(120)"
#: Ignores SIGTERM, like a stuck handler, and leaves a grandchild in its process group, like gunicorn.
STUBBORN = (
    "import signal, subprocess, sys, time, pathlib;"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN);"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']);"
    "pathlib.Path(sys.argv[1]).write_text(str(child.pid));"
    "time.sleep(120)"
)


def _spec(name: str, code: str, *args: str) -> ChildSpec:
    return ChildSpec(name, [sys.executable, "-c", code, *args], dict(os.environ))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def test_a_child_that_dies_stops_the_rest_and_the_run_fails(capsys: pytest.CaptureFixture[str]) -> None:
    supervisor = Supervisor(
        [_spec("steady", SLEEPER), _spec("crasher", "import sys, time; time.sleep(0.5); sys.exit(3)")]
    )
    started = time.monotonic()
    assert supervisor.run(poll=0.05) == 1
    assert time.monotonic() - started < 10
    assert "crasher" in capsys.readouterr().out
    assert all(child.process.poll() is not None for child in supervisor.children)


def test_a_signal_stops_everything_even_stubborn_children_and_their_children(tmp_path: Path) -> None:
    marker = tmp_path / "grandchild.pid"
    supervisor = Supervisor([_spec("steady", SLEEPER), _spec("stubborn", STUBBORN, str(marker))], grace=1.0)

    def interrupt_when_started() -> None:
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        supervisor._on_signal(2, None)  # what the SIGINT handler does

    threading.Thread(target=interrupt_when_started, daemon=True).start()
    assert supervisor.run(poll=0.05) == 0
    grandchild = int(marker.read_text())
    deadline = time.monotonic() + 5
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)
    assert all(child.process.poll() is not None for child in supervisor.children)


def test_worker_refuses_an_unknown_region_and_an_empty_set() -> None:
    runner = CliRunner()
    unknown = runner.invoke(cli, ["worker", "review", "--regions", "atlantis"])
    assert unknown.exit_code == 2 and "atlantis" in unknown.output
    empty = runner.invoke(cli, ["worker", "review", "--regions", "almaty", "--exclude-regions", "almaty"])
    assert empty.exit_code == 2 and "no region left" in empty.output


def test_run_refuses_an_unknown_service_and_a_busy_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    assert runner.invoke(cli, ["run", "--only", "intake,billing"]).exit_code == 2
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        monkeypatch.setenv("REVIEW_PORT", str(busy.getsockname()[1]))
        refused = runner.invoke(cli, ["run", "--only", "review"])
    assert refused.exit_code == 1
    assert "REVIEW_PORT" in refused.output


def test_parked_replay_wants_an_id_or_all() -> None:
    assert CliRunner().invoke(cli, ["parked", "replay"]).exit_code == 2
    assert CliRunner().invoke(cli, ["parked", "replay", "abc", "--all"]).exit_code == 2


def test_run_refuses_a_data_dir_another_run_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fcntl

    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    with (tmp_path / "run.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        refused = CliRunner().invoke(cli, ["run", "--only", "review"])
    assert refused.exit_code == 1
    assert "another `top100 run` is using" in refused.output
