"""The process supervisor behind `top100 run`: a web server and a worker per service, as children.

Each child is its own process (gunicorn for HTTP, `top100 worker` for events), started in a new
session so that a Ctrl-C in the terminal reaches only the supervisor, which then stops the
children in order: SIGTERM to each child's whole process group (gunicorn's workers included),
a bounded wait, then SIGKILL for stragglers. On Linux each child also asks the kernel for a
SIGTERM should the supervisor itself die, so a killed `top100 run` leaves no orphans behind.

A child that dies on its own stops the whole run with exit status 1 and says which one. We do
not restart: the embedded mode is a demo and a developer's tool, where a crash is a bug to see,
not to hide; in production the orchestrator (compose, Kubernetes) restarts containers.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from shared import logs

logger = logging.getLogger(__name__)

#: How long a child gets between SIGTERM and SIGKILL (gunicorn's graceful timeout is shorter).
STOP_GRACE_SECONDS = 25.0
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class ChildSpec:
    """One process to supervise: a name for the logs, its argv and its environment."""

    name: str
    argv: Sequence[str]
    env: dict[str, str]


@dataclass
class Child:
    spec: ChildSpec
    process: subprocess.Popen[bytes]


def _die_with_parent() -> None:
    """Run in the child before exec: own session, and SIGTERM when the supervisor goes away."""
    os.setsid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except OSError:  # no libc to ask: the supervisor's own stop still reaches the children
            pass


def say(message: str) -> None:
    """The few lines a person running the system needs go to stdout, whatever the logs' format."""
    print(f"top100: {message}", flush=True)


class Supervisor:
    """Start children, watch them, stop them all on a signal or on the first unexpected death."""

    def __init__(self, specs: Sequence[ChildSpec], *, grace: float = STOP_GRACE_SECONDS) -> None:
        self.specs = list(specs)
        self.grace = grace
        self.children: list[Child] = []
        self._signalled: int | None = None

    def _on_signal(self, signum: int, _frame: object) -> None:
        self._signalled = signum

    def start(self) -> None:
        for spec in self.specs:
            process = subprocess.Popen(list(spec.argv), env=spec.env, preexec_fn=_die_with_parent)
            self.children.append(Child(spec, process))
            logger.info("started %s (pid %d)", spec.name, process.pid)

    def run(
        self,
        ready: Callable[[], bool] = lambda: True,
        on_ready: Callable[[], None] = lambda: None,
        poll: float = 0.25,
    ) -> int:
        """Supervise until a signal (exit 0) or an unexpected child exit (exit 1).

        `ready` is asked on every poll until it says yes, then `on_ready` runs once; both run inside
        the watch loop so that a signal or a crash during start-up is noticed at once.
        """
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.start()
            status = self._watch(ready, on_ready, poll)
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return status

    def _watch(self, ready: Callable[[], bool], on_ready: Callable[[], None], poll: float) -> int:
        announced = False
        while True:
            if self._signalled is not None:
                say(f"received {signal.Signals(self._signalled).name}, stopping")
                return 0
            if not announced and ready():
                announced = True
                on_ready()
            for child in self.children:
                code = child.process.poll()
                if code is not None:
                    say(
                        f"!!! {child.spec.name} (pid {child.process.pid}) exited unexpectedly with status "
                        f"{code}; stopping everything else. Its log lines above say why."
                    )
                    return 1
            time.sleep(poll)

    def stop(self) -> None:
        """SIGTERM every live child's process group, wait up to the grace period, then SIGKILL."""
        live = [child for child in self.children if child.process.poll() is None]
        for child in live:
            _signal_group(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in live:
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                name, pid = child.spec.name, child.process.pid
                say(f"{name} (pid {pid}) ignored SIGTERM for {self.grace:.0f}s; SIGKILL")
                _signal_group(child.process.pid, signal.SIGKILL)
                child.process.wait()
        for child in self.children:
            # A child's own children (gunicorn's workers) may outlive it for a moment: kill the rest.
            _signal_group(child.process.pid, signal.SIGKILL)
        if live:
            say("all processes stopped")


def _signal_group(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signum)


def repo_file(*parts: str) -> Path:
    """A file of the source tree (the runner always runs from a checkout, as `./scripts/run` does)."""
    return Path(__file__).resolve().parent.parent.joinpath(*parts)


def child_specs(services: Sequence[str], web_workers: int = 2) -> list[ChildSpec]:
    """A gunicorn and a `top100 worker --regions all` per service, all with the same data dir; review
    has a second gunicorn, its public process group (the vote and the gallery, port 8005)."""
    conf = repo_file("deploy", "gunicorn.conf.py")
    if not conf.is_file():
        raise FileNotFoundError(f"{conf} is missing: `top100 run` runs from a checkout of the repository")
    specs = []
    for service in services:
        # The children's stderr may be a pipe while ours is the person's terminal: they log as we do.
        env = dict(os.environ, TOP100_SERVICE=service, PYTHONUNBUFFERED="1", **logs.child_environment())
        env.setdefault("TOP100_WEB_WORKERS", str(web_workers))
        specs.append(
            ChildSpec(
                f"{service}-web",
                [sys.executable, "-m", "gunicorn", "-c", str(conf), f"services.{service}.app:create_app()"],
                env,
            )
        )
        if service == "review":
            public = dict(env, TOP100_SERVICE="review-public")
            app = "services.review.public_app:create_app()"
            specs.append(
                ChildSpec(
                    "review-public-web", [sys.executable, "-m", "gunicorn", "-c", str(conf), app], public
                )
            )
        specs.append(
            ChildSpec(
                f"{service}-worker",
                # the regions of TOP100_BUS_REGIONS (all by default)
                [sys.executable, "-m", "services.cli", "worker", service],
                env,
            )
        )
    return specs
