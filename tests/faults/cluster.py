"""The whole system on RabbitMQ + PostgreSQL, started piece by piece so that pieces can die and come back.

`top100 run` stops everything when a child dies (a demo tool), so here each piece is started the way
an orchestrator starts a container: a gunicorn per service and a `top100 worker SERVICE --regions ...`
per service, each its own process (and process group), each with its output in a file of its own
(one file per incarnation, so a killed worker's last words are kept for the log scan). A watcher
restarts any worker that died, after a short pause, as Kubernetes would; a web server that dies
is an error of the run, since no fault here targets them.

Isolation: a scratch vhost and a scratch database per service (`shared.testing`), deleted afterwards.
The queues are those of the load's regions only, and the workers consume exactly those (as the
dedicated per-region workers of production do): each work queue is a quorum queue, and the broker
this runs on is shared, so a run declares 20 of them rather than the 84 of every region.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pika
import psycopg
import requests

from services.intake import bootstrap as intake_bootstrap
from services.intake.operations import keys as portal_keys
from services.intake.operations import refdata as reference
from shared import broker, config, migrate, testing, topology
from tests.e2e.system import ROOT, SERVICES, clean_env, processes_with_data_dir, top100
from tests.faults.smtp_sink import SmtpSink

#: Short retries keep a run bounded in time; the faults here are brief (seconds), not outages.
RETRY_DELAYS = "1,2,5"
TAP_QUEUE = "faults.tap"
#: A copy of every message sent to wait for a retry, headers included (`x-last-error`...).
WAIT_TAP_QUEUE = "faults.wait-tap"
_ALEMBIC = threading.Lock()


@dataclass
class Piece:
    """One process of the system: its argv, the current incarnation and every log file it wrote."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_dir: Path
    process: subprocess.Popen[bytes] | None = None
    incarnation: int = 0
    logs: list[Path] = field(default_factory=list)

    def start(self) -> None:
        self.incarnation += 1
        out = self.log_dir / f"{self.name}-{self.incarnation}.out"
        err = self.log_dir / f"{self.name}-{self.incarnation}.err"
        self.logs += [out, err]
        with out.open("wb") as stdout, err.open("wb") as stderr:
            self.process = subprocess.Popen(
                self.argv, env=self.env, cwd=ROOT, stdout=stdout, stderr=stderr, start_new_session=True
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, signum: int) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signum)


class System:
    """One run's servers, databases, processes and portal keys."""

    def __init__(self, name: str, workdir: Path, stack: ExitStack) -> None:
        self.name = name
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.log_dir = workdir / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.vhost_url = stack.enter_context(testing.scratch_vhost("top100_faults"))
        self.vhost = self.vhost_url.rsplit("/", 1)[1]
        self.database_urls = {
            service: stack.enter_context(testing.scratch_postgres(f"top100_faults_{service}"))
            for service in SERVICES
        }
        self.smtp = stack.enter_context(SmtpSink())
        extra = {
            "BROKER_URL": self.vhost_url,
            "TOP100_RETRY_DELAYS": RETRY_DELAYS,
            "NOTIFY_SMTP_URL": self.smtp.url,
        }
        extra.update({f"{s.upper()}_DATABASE_URL": url for s, url in self.database_urls.items()})
        self.env = clean_env(self.data_dir, extra)
        self.env["PYTHONUNBUFFERED"] = "1"
        self.env["TOP100_WEB_WORKERS"] = "2"
        self.pieces: dict[str, Piece] = {}
        self.keys: dict[str, str] = {}
        self.regions: tuple[str, ...] = ()
        self.restarts: dict[str, int] = {}
        self._stop = threading.Event()
        self._held: set[str] = set()
        self._watcher: threading.Thread | None = None
        self.errors: list[str] = []

    # -- set-up, as an operator does it ------------------------------------------------------
    def prepare(self, colleges_csv: str, regions: tuple[str, ...]) -> None:
        """Migrate, declare the topology, load the regions and the load's colleges, issue a key per region.

        What `top100 migrate`, `topology declare`, `refdata load` and `keys issue` do, called in this
        process with this run's settings: on a loaded machine each `top100` process spends many
        seconds importing, and the e2e tests already walk the commands themselves.
        """
        csv = self.workdir / "colleges.csv"
        csv.write_text(colleges_csv, encoding="utf-8")
        with _ALEMBIC:  # alembic's `context` is one per process: one migration at a time
            for service, url in self.database_urls.items():
                migrate.upgrade(service, url)
        self.regions = regions
        self.env["TOP100_BUS_REGIONS"] = ",".join(regions)  # the relays declare these regions' queues only
        with broker.connection(self.vhost_url) as connection:
            for service in SERVICES:
                broker.declare(connection, service, regions, tuple(int(d) for d in RETRY_DELAYS.split(",")))
        settings = dataclasses.replace(
            config.load("intake"),
            data_dir=self.data_dir,
            database_url=self.database_urls["intake"],
            broker_url=self.vhost_url,
            blob_url=f"file://{self.data_dir / 'blobs' / 'intake'}",
        )
        runtime = intake_bootstrap.build(settings)
        try:
            with runtime.db.unit_of_work() as session:
                reference.load_paths(session, [ROOT / "shared" / "refdata" / "regions.csv", csv])
            with runtime.db.unit_of_work() as session:
                self.keys = {region: portal_keys.issue(session, region)[1] for region in regions}
        finally:
            runtime.db.dispose()

    def declare_tap(self) -> None:
        """A queue with a copy of every event (the duplicate injector draws from it)."""
        with contextlib.closing(pika.BlockingConnection(pika.URLParameters(self.vhost_url))) as conn:
            channel = conn.channel()
            channel.queue_declare(TAP_QUEUE, durable=True)
            channel.queue_bind(TAP_QUEUE, topology.EVENTS_EXCHANGE, "#")

    def declare_wait_tap(self) -> None:
        """A queue with a copy of every message sent to wait for its retry, for the headers it carried."""
        with contextlib.closing(pika.BlockingConnection(pika.URLParameters(self.vhost_url))) as conn:
            channel = conn.channel()
            channel.queue_declare(WAIT_TAP_QUEUE, durable=True)
            channel.queue_bind(WAIT_TAP_QUEUE, topology.WAIT_EXCHANGE, "#")

    def retry_headers(self) -> str:
        """The headers of every message that waited for a retry, one line each (then drop the tap)."""
        lines = []
        with contextlib.closing(pika.BlockingConnection(pika.URLParameters(self.vhost_url))) as conn:
            channel = conn.channel()
            while True:
                method, properties, _ = channel.basic_get(WAIT_TAP_QUEUE, auto_ack=True)
                if method is None:
                    break
                lines.append(repr(properties.headers))
            channel.queue_delete(WAIT_TAP_QUEUE)
        return "\n".join(lines)

    # -- the processes -----------------------------------------------------------------------
    def url(self, service: str, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.env[f'{service.upper()}_PORT']}{path}"

    def start(self) -> None:
        conf = str(ROOT / "deploy" / "gunicorn.conf.py")
        for service in SERVICES:
            env = dict(self.env, TOP100_SERVICE=service)
            web = [sys.executable, "-m", "gunicorn", "-c", conf, f"services.{service}.app:create_app()"]
            regions = ",".join(self.regions)
            worker = [sys.executable, "-m", "services.cli", "worker", service, "--regions", regions]
            for name, argv in ((f"{service}-web", web), (f"{service}-worker", worker)):
                self.pieces[name] = Piece(name, argv, env, self.log_dir)
                self.pieces[name].start()
        self._watcher = threading.Thread(target=self._watch, name=f"{self.name}-watcher", daemon=True)
        self._watcher.start()
        deadline = time.monotonic() + 120
        for service in SERVICES:
            while not self._answers(self.url(service, "/healthz")):
                assert time.monotonic() < deadline, f"{service} web did not answer /healthz\n{self.tail()}"
                assert not self.errors, "\n".join(self.errors) + "\n" + self.tail()
                time.sleep(0.3)

    @staticmethod
    def _answers(url: str) -> bool:
        try:
            return requests.get(url, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def workers(self) -> list[Piece]:
        return [piece for name, piece in self.pieces.items() if name.endswith("-worker")]

    def _watch(self) -> None:
        """Restart a dead worker after a short pause, as an orchestrator restarts a container."""
        while not self._stop.wait(0.3):
            for name, piece in self.pieces.items():
                if piece.alive() or name in self._held:
                    continue
                if name.endswith("-web"):
                    self.errors.append(f"{name} exited with {piece.process and piece.process.returncode}")
                    continue
                time.sleep(0.5)
                if self._stop.is_set():
                    return
                self.restarts[name] = self.restarts.get(name, 0) + 1
                piece.start()

    def kill_worker(self, service: str) -> int:
        """SIGKILL the service's worker (its relay thread dies with it); the watcher restarts it."""
        piece = self.pieces[f"{service}-worker"]
        assert piece.process is not None
        pid = piece.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        return pid

    @contextmanager
    def down(self, service: str) -> Iterator[None]:
        """The service's worker killed (SIGKILL) and kept down meanwhile, then restarted by the watcher.

        What it held unacked goes back to its queues when the broker sees the connection drop, so
        its deliveries wait there, ready, for as long as this lasts.
        """
        name = f"{service}-worker"
        self._held.add(name)
        try:
            self.kill_worker(service)
            yield
        finally:
            self._held.discard(name)

    def stop(self) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=10)
        for piece in self.pieces.values():
            piece.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for piece in self.pieces.values():
            if piece.process is None:
                continue
            try:
                piece.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                piece.signal_group(signal.SIGKILL)
                piece.process.wait()
        for piece in self.pieces.values():
            piece.signal_group(signal.SIGKILL)
        for pid in processes_with_data_dir(self.data_dir):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def logs(self) -> list[Path]:
        return [path for piece in self.pieces.values() for path in piece.logs if path.exists()]

    def tail(self, chars: int = 3000) -> str:
        parts = []
        for path in self.logs():
            text = path.read_text(encoding="utf-8", errors="replace")
            if text.strip():
                parts.append(f"--- {path.name} ---\n{text[-chars:]}")
        return "\n".join(parts[-8:])

    # -- what is still moving ----------------------------------------------------------------
    def outbox_rows(self) -> dict[str, int]:
        return self._count("outbox")

    def inbox_rows(self) -> dict[str, int]:
        """Events each service handled (its inbox keeps one row per event id)."""
        return self._count("inbox")

    def _count(self, table: str) -> dict[str, int]:
        counts = {}
        for service, url in self.database_urls.items():
            with psycopg.connect(libpq(url), autocommit=True) as conn:
                counts[service] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
        return counts

    def queue_counts(self) -> dict[str, tuple[int, int]]:
        """Every queue of the vhost: (ready, unacknowledged), as the broker itself counts them."""
        done = subprocess.run(
            [
                "rabbitmqctl",
                "list_queues",
                "-p",
                self.vhost,
                "name",
                "messages_ready",
                "messages_unacknowledged",
                "--no-table-headers",
                "--quiet",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        counts = {}
        for line in done.stdout.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1].isdigit():
                counts[parts[0]] = (int(parts[1]), int(parts[2]))
        return counts

    def moving(self) -> dict[str, object]:
        """What is not at rest: outbox rows, messages in work or wait queues (ready or in flight)."""
        found: dict[str, object] = {}
        outbox = {s: n for s, n in self.outbox_rows().items() if n}
        if outbox:
            found["outbox"] = outbox
        queues = {
            name: counts
            for name, counts in self.queue_counts().items()
            if sum(counts) and not name.startswith("faults.") and not name.endswith(".parked")
        }
        if queues:
            found["queues"] = queues
        dead = [piece.name for piece in self.workers() if not piece.alive()]
        if dead:
            found["workers down"] = dead
        return found

    def wait_quiet(self, timeout: float, rounds: int = 3) -> float:
        """Until outboxes, queues (ready and unacked) and workers are at rest `rounds` checks in a row.

        Each check reads the outboxes, then the broker's counts (which include deliveries a worker
        holds unacked), then the outboxes again; an event in flight is in one of those places.
        Returns the seconds waited; fails with what still moved when `timeout` runs out.
        """
        started = time.monotonic()
        quiet = 0
        last: dict[str, object] = {}
        while quiet < rounds:
            if time.monotonic() - started > timeout:
                raise AssertionError(f"{self.name}: not quiet after {timeout:.0f}s: {last}\n{self.tail()}")
            last = self.moving()
            if not last:
                outbox = {s: n for s, n in self.outbox_rows().items() if n}
                last = {"outbox": outbox} if outbox else {}
            quiet = quiet + 1 if not last else 0
            time.sleep(0.5)
        return time.monotonic() - started

    def parked(self) -> tuple[int, str]:
        """`top100 parked list`: the count it reports and its lines (each a parked message)."""
        for _ in range(3):  # an operator's read-only command, retried when the shared broker is slow
            done = top100(self.env, "parked", "list", timeout=120)
            if done.returncode == 0:
                break
        assert done.returncode == 0, done.stderr
        count = int(done.stderr.strip().splitlines()[-1].split()[0])
        return count, done.stdout

    def drop_tap(self) -> None:
        with contextlib.closing(pika.BlockingConnection(pika.URLParameters(self.vhost_url))) as conn:
            conn.channel().queue_delete(TAP_QUEUE)


def libpq(url: str) -> str:
    """psycopg's DSN of a SQLAlchemy URL."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def running_system(name: str, workdir: Path) -> Iterator[System]:
    """A `System` with its scratch servers; everything it started is stopped and dropped afterwards."""
    with ExitStack() as stack:
        system = System(name, workdir, stack)
        try:
            yield system
        finally:
            system.stop()
