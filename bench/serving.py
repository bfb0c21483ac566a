"""Serving an app under gunicorn for a benchmark, as production does (`deploy/gunicorn.conf.py`):
on a free port of 127.0.0.1, its output in a log, stopped when the run is done."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(
    service: str, target: str, env: dict[str, str], log: Path, settle: float = 1.0
) -> tuple[subprocess.Popen, int]:  # type: ignore[type-arg]
    """gunicorn serving `target` (`module:factory()`) as `service`, once it listens and `settle`
    seconds more have let every worker boot."""
    port = free_port()
    environment = {
        **os.environ,
        **env,
        "TOP100_BIND": f"127.0.0.1:{port}",
        "TOP100_SERVICE": service,
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py")]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*command, "--access-logfile", "/dev/null", target],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60  # a busy machine boots workers slowly
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            time.sleep(settle)
            return proc, port
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"gunicorn {target} did not start; see {log}")


def stop(proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
