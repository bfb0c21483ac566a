"""The system of `bench/e2e.py`: every service as its own processes on this machine's RabbitMQ and
PostgreSQL (the fault suite's `tests.faults.cluster.System`, each piece restarted when it dies), with
media's photo work on workers of its own, SMTP and two SMS gateways as local servers, and the
watchers that time each hop and account each process kind's CPU and memory.

Process kinds: `<service>-web` (gunicorn and its workers), `<service>-worker`, and media's photo
workers `media-photos-<n>` (`top100 worker media --queues photos`, at `nice` 10: photo work takes
what CPU the rest leaves, so receipts and decisions are never behind it). The servers (RabbitMQ,
PostgreSQL) are shared with the rest of the machine and are not accounted.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from services.notify.tests import servers
from tests.e2e.system import ROOT, SERVICES
from tests.faults.cluster import Piece, System, libpq

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Rush(System):
    """`System` with media split into an events worker and `photo_workers` photo workers, the
    commission's own review web (a later clock: decisions come after intake closes), and notify's
    SMTP and SMS gateways served here."""

    def __init__(
        self, name: str, workdir: Path, stack: ExitStack, photo_workers: int, notify_workers: int = 1
    ) -> None:
        super().__init__(name, workdir, stack)
        self.photo_workers = photo_workers
        self.notify_workers = notify_workers
        self.mail = stack.enter_context(servers.smtp_server())
        self.gateways = [stack.enter_context(servers.sms_gateway()) for _ in range(2)]
        providers = [{"name": f"gw{n}", "url": g.url, "priority": n} for n, g in enumerate(self.gateways, 1)]
        self.env.update(
            {
                "NOTIFY_SMTP_URL": f"smtp://127.0.0.1:{self.mail.port}",
                "NOTIFY_SMS_PROVIDERS": json.dumps(providers),
                "TOP100_LOG_LEVEL": "WARNING",
            }
        )

    def start(self) -> None:
        """As `System.start`, with media's worker split into its events lane and its photo workers."""
        conf = str(ROOT / "deploy" / "gunicorn.conf.py")
        regions = ",".join(self.regions)
        for service in SERVICES:
            env = dict(self.env, TOP100_SERVICE=service)
            worker = [sys.executable, "-m", "services.cli", "worker", service, "--regions", regions]
            argvs = {
                f"{service}-web": [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    conf,
                    f"services.{service}.app:create_app()",
                ],
                f"{service}-worker": [*worker, "--queues", "events"] if service == "media" else worker,
            }
            if service == "media":
                for n in range(1, self.photo_workers + 1):
                    argvs[f"media-photos-{n}"] = ["nice", "-n", "10", *worker, "--queues", "photos"]
            if service == "notify":
                for n in range(2, self.notify_workers + 1):  # notify scales out: more consumers, one queue
                    argvs[f"notify-worker-{n}"] = worker
            for name, argv in argvs.items():
                self.pieces[name] = Piece(name, argv, env, self.log_dir)
                self.pieces[name].start()
        self._watcher = threading.Thread(target=self._watch, name=f"{self.name}-watcher", daemon=True)
        self._watcher.start()
        deadline = time.monotonic() + 180
        for service in SERVICES:
            while not self._answers(self.url(service, "/healthz")):
                assert time.monotonic() < deadline, f"{service} web did not answer /healthz\n{self.tail()}"
                assert not self.errors, "\n".join(self.errors) + "\n" + self.tail()
                time.sleep(0.3)

    def workers(self) -> list[Piece]:
        return [piece for name, piece in self.pieces.items() if "-worker" in name or "-photos-" in name]

    def start_commission(self, now: str) -> str:
        """A second review web, on its own port, whose clock reads `now` (after intake closed)."""
        from shared import testing

        port = testing.free_ports()[0]
        conf = str(ROOT / "deploy" / "gunicorn.conf.py")
        argv = [sys.executable, "-m", "gunicorn", "-c", conf, "services.review.app:create_app()"]
        env = dict(self.env, TOP100_SERVICE="review", TOP100_NOW=now, REVIEW_PORT=str(port))
        piece = Piece("review-commission", argv, env, self.log_dir)
        self._held.add(piece.name)  # stopped with the rest; not a worker to restart
        self.pieces[piece.name] = piece
        piece.start()
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while not self._answers(f"{url}/healthz"):
            assert time.monotonic() < deadline, f"the commission's review did not answer\n{self.tail()}"
            time.sleep(0.3)
        return url

    def kind_of(self, name: str) -> str:
        if name.startswith("media-photos"):
            return "media-photos"
        return "notify-worker" if name.startswith("notify-worker") else name


@dataclass
class Usage:
    """CPU seconds and peak resident memory per process, sampled from /proc while the run lasts."""

    cpu: dict[int, float] = field(default_factory=dict)
    peak: dict[int, int] = field(default_factory=dict)
    kind: dict[int, str] = field(default_factory=dict)

    def sample(self, rush: Rush) -> None:
        groups = {
            piece.process.pid: rush.kind_of(name) for name, piece in rush.pieces.items() if piece.process
        }
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                pid = int(entry.name)
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                group = int(stat[2])  # pgrp: each piece leads a process group of its own
                if group not in groups:
                    continue
                self.kind[pid] = groups[group]
                self.cpu[pid] = (int(stat[11]) + int(stat[12])) / CLOCK_TICKS
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak[pid] = max(self.peak.get(pid, 0), int(line.split()[1]))

    def by_kind(self) -> dict[str, tuple[float, float]]:
        """kind -> (CPU seconds of all its processes, the largest peak RSS of one of them in MB)."""
        cpu: dict[str, float] = defaultdict(float)
        peak: dict[str, float] = defaultdict(float)
        for pid, kind in self.kind.items():
            cpu[kind] += self.cpu.get(pid, 0.0)
            peak[kind] = max(peak[kind], self.peak.get(pid, 0) / 1024)
        return {kind: (cpu[kind], peak[kind]) for kind in sorted(cpu)}


class Watcher:
    """When each nomination became visible in review and had its photo settled in media (processed or
    rejected): both read from their databases every `every` seconds, with the processes' usage."""

    def __init__(self, rush: Rush, every: float = 0.25) -> None:
        self.rush = rush
        self.every = every
        self.review: dict[str, float] = {}
        self.media: dict[str, float] = {}
        self.usage = Usage()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="e2e-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        urls = {service: libpq(self.rush.database_urls[service]) for service in ("review", "media")}
        last_usage = 0.0
        while not self._stop.wait(self.every):
            with contextlib.suppress(psycopg.Error):
                self._read(urls)
            if time.monotonic() - last_usage > 1.0:
                self.usage.sample(self.rush)
                last_usage = time.monotonic()

    def _read(self, urls: dict[str, str]) -> None:
        now = time.time()
        with psycopg.connect(urls["review"], autocommit=True, connect_timeout=5) as conn:
            for (nomination_id,) in conn.execute("SELECT nomination_id FROM candidates"):
                self.review.setdefault(nomination_id, now)
        with psycopg.connect(urls["media"], autocommit=True, connect_timeout=5) as conn:
            query = "SELECT nomination_id FROM assets WHERE status IN ('processed', 'rejected')"
            for (nomination_id,) in conn.execute(query):
                self.media.setdefault(nomination_id, now)


def rows(rush: Rush, service: str, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    with psycopg.connect(libpq(rush.database_urls[service]), autocommit=True) as conn:
        return conn.execute(sql).fetchall()
