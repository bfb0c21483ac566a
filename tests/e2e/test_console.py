"""What a person sees when they type `top100 run` at a terminal, and what a log collector gets.

The run is started under a pseudo-terminal, as a shell starts it, so that the processes decide on
their own (stderr is a terminal) how to log; the test reads the terminal's screen.
"""

from __future__ import annotations

import contextlib
import json
import os
import pty
import re
import select
import signal
import stat
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

from tests.e2e.system import KEY_LINE, ROOT, SERVICES, clean_env, processes_with_data_dir

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

READY = re.compile(r"^top100: ([\w-]+) +ready at (http://127\.0\.0\.1:\d+/)$")


class Terminal:
    """`top100 run` on a pseudo-terminal; everything it prints, stdout and stderr alike, in `screen`."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.screen = b""
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: become `top100 run`
            os.chdir(ROOT)
            os.execve(sys.executable, [sys.executable, "-m", "services.cli", "run"], env)

    def read_until(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.screen:
            if time.monotonic() > deadline or not self._read(deadline - time.monotonic()):
                raise AssertionError(f"no {text!r} on the terminal within {timeout:.0f}s:\n{self.text()}")

    def _read(self, timeout: float) -> bool:
        """Take what the terminal shows within `timeout`; False once the run has closed it."""
        readable, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not readable:
            return True
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:  # EIO: every process holding the terminal has exited
            return False
        self.screen += chunk
        return bool(chunk)

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C, then everything printed until the run exits; returns its exit status."""
        os.kill(self.pid, signal.SIGINT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            open_ = self._read(0.2)
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                while open_ and self._read(0.5):
                    pass
                return os.waitstatus_to_exitcode(status)
        raise AssertionError(f"top100 run did not stop within {timeout:.0f}s of Ctrl-C:\n{self.text()}")

    def lines(self) -> list[str]:
        return [line for line in self.text().splitlines() if line.strip()]

    def text(self) -> str:
        return self.screen.decode("utf-8", errors="replace").replace("\r\n", "\n")

    def kill_leftovers(self, data_dir: Path) -> None:
        for pid in [self.pid, *processes_with_data_dir(data_dir)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def _run_and_stop(tmp_path: Path, **extra: str) -> Terminal:
    """A fresh run to readiness, one request to every service, then Ctrl-C."""
    env = clean_env(tmp_path / "data", extra)
    terminal = Terminal(env)
    try:
        terminal.read_until("all services answer", timeout=150)
        for service in SERVICES:
            port = env[f"{service.upper()}_PORT"]
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
                assert response.status == 200
        time.sleep(1)  # an access line, were there one, has reached the terminal by now
        assert terminal.interrupt() == 0, terminal.text()
    finally:
        terminal.kill_leftovers(tmp_path / "data")
    return terminal


def test_a_terminal_shows_each_service_ready_with_its_url_the_demo_key_and_nothing_else(
    tmp_path: Path,
) -> None:
    terminal = _run_and_stop(tmp_path)
    lines = terminal.lines()
    ready = dict(match.groups() for line in lines if (match := READY.match(line)))
    # Each service, and review's public process group (the vote and the gallery).
    assert sorted(ready) == sorted([*SERVICES, "review-public"]), terminal.text()
    assert len(KEY_LINE.findall(terminal.text())) == 1, terminal.text()
    # data dir, 5 ready, the key's title and the key, how to create the first user, "all services
    # answer", and two lines on Ctrl-C.
    assert len(lines) == 12, terminal.text()
    assert "top100 users create --email you@example.kz --role admin --scope national" in terminal.text()
    assert "alembic" not in terminal.text() and "Running upgrade" not in terminal.text()
    assert "/healthz" not in terminal.text()  # no access line
    assert not [line for line in lines if line.startswith("{")], terminal.text()
    _the_key_is_kept(tmp_path / "data", terminal.text())


def _the_key_is_kept(data_dir: Path, shown: str) -> None:
    """The key shown is in `<data dir>/demo-key`, readable by its owner only, and the run says where."""
    kept = data_dir / "demo-key"
    assert kept.read_text(encoding="ascii").strip() == KEY_LINE.findall(shown)[0]
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert str(kept) in shown


def test_json_logs_on_request_each_line_an_object_with_a_zoned_time(tmp_path: Path) -> None:
    terminal = _run_and_stop(tmp_path, TOP100_LOG_FORMAT="json")
    lines = terminal.lines()
    said = [line for line in lines if line.startswith("top100: ") or KEY_LINE.match(line)]
    records = [json.loads(line) for line in lines if line not in said]
    assert records, terminal.text()
    for record in records:
        assert datetime.fromisoformat(record["time"]).utcoffset() is not None, record
        assert record["process"] and record["service"], record
    assert any(record["logger"] == "alembic.runtime.migration" for record in records)
    # Without a terminal the lines for a person are lost among the logs: a plain line sums them up
    # after the start's logs (the migrations at least).
    summary = next(index for index, line in enumerate(lines) if line.startswith("top100: ready: "))
    assert [line for line in lines[summary + 1 :] if "alembic" in line] == []
    assert [line for line in lines[:summary] if line.startswith("{")], terminal.text()
    for service in SERVICES:
        assert f"{service} http://127.0.0.1:" in lines[summary], lines[summary]
    assert f"demo portal key in {tmp_path / 'data' / 'demo-key'}" in lines[summary]
    _the_key_is_kept(tmp_path / "data", terminal.text())
    access = [record for record in records if record["logger"] == "gunicorn.access"]
    # Every web process group answered its probes: each service's and review's public one.
    groups = {f"{service}-web" for service in SERVICES} | {"review-public-web"}
    assert {record["process"] for record in access} == groups
