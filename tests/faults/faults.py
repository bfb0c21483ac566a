"""The fault driver: what an unlucky night in production does to the system, at random moments.

- `kill`: SIGKILL of a worker (intake, review, media or notify), its relay thread with it; the
  system's watcher restarts it like an orchestrator.
- `connections`: the broker closes every connection of the run's vhost (`rabbitmqctl
  close_connection` on each connection `list_connections` shows in that vhost: `close_all_connections`
  would reach every other test on this machine).
- `backends`: PostgreSQL terminates every backend of the run's four databases, a few times in a row.
- `duplicates`: copies of events already published (taken from a tap queue bound to every routing
  key) are published again, shuffled: the same event ids, new deliveries, late.
- `reorder`: a worker is killed and kept down a few seconds; the deliveries waiting on its queues
  are taken off and put back shuffled, some of them twice: a nomination's events then reach the
  consumer in another order than they were produced, as retries, returned rows and several relays
  can make happen.
"""

from __future__ import annotations

import contextlib
import random
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pika
import psycopg

from shared import topology
from tests.e2e.system import SERVICES
from tests.faults.cluster import TAP_QUEUE, System, libpq

KINDS = ("kill", "connections", "backends", "duplicates", "reorder")


@dataclass
class Record:
    injected: Counter[str] = field(default_factory=Counter)
    killed: Counter[str] = field(default_factory=Counter)
    duplicated: int = 0
    reordered: int = 0
    closed_connections: int = 0
    terminated_backends: int = 0
    failures: list[str] = field(default_factory=list)


class Driver:
    """Injects faults into `system` until stopped, one every `interval` seconds (jittered)."""

    def __init__(
        self, system: System, seed: int, regions: tuple[str, ...], *, interval: float, limit: int
    ) -> None:
        self.system = system
        self.rng = random.Random(seed)
        self.regions = regions
        self.interval = interval
        self.limit = limit
        self.record = Record()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the schedule --------------------------------------------------------------------------
    def plan(self) -> list[str]:
        """Every kind of fault at least once, every worker type killed at least once, then at random."""
        first = [f"kill:{service}" for service in SERVICES] + [
            "connections",
            "backends",
            "duplicates",
            "reorder",
        ]
        self.rng.shuffle(first)
        rest = [
            f"kill:{self.rng.choice(SERVICES)}" if kind == "kill" else kind
            for kind in (self.rng.choice(KINDS) for _ in range(max(0, self.limit - len(first))))
        ]
        return first + rest

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="fault-driver", daemon=True)
        self._thread.start()

    def join(self, timeout: float) -> None:
        """Wait for the plan to be carried out to its end."""
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self) -> Record:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=120)
        return self.record

    def _run(self) -> None:
        for fault in self.plan():
            if self._stop.wait(self.interval * self.rng.uniform(0.5, 1.5)):
                return
            try:
                self.inject(fault)
            except Exception as exc:  # a fault that could not be injected is reported, not hidden
                self.record.failures.append(f"{fault}: {type(exc).__name__}: {exc}")

    def inject(self, fault: str) -> None:
        kind, _, service = fault.partition(":")
        if kind == "kill":
            self.system.kill_worker(service)
            self.record.killed[service] += 1
        elif kind == "connections":
            self.record.closed_connections += close_vhost_connections(self.system.vhost)
        elif kind == "backends":
            self.record.terminated_backends += terminate_backends(self.system)
        elif kind == "duplicates":
            self.record.duplicated += duplicate_from_tap(self.system, self.rng)
        elif kind == "reorder":
            service = self.rng.choice(SERVICES)
            self.record.reordered += reorder_queues(self.system, self.rng, service, self.regions)
            self.record.killed[service] += 1
        self.record.injected[kind] += 1


def _rabbitmqctl(*args: str, check: bool = True) -> str:
    done = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=120, check=check)
    return done.stdout


def close_vhost_connections(vhost: str) -> int:
    """Close every client connection of `vhost` (and of no other vhost); returns how many.

    Three `rabbitmqctl` at a time: each is an Erlang VM of its own, on a machine shared with the broker.
    """
    listing = _rabbitmqctl("list_connections", "pid", "vhost", "--no-table-headers", "--quiet")
    pids = [line.split("\t")[0] for line in listing.splitlines() if line.split("\t")[-1:] == [vhost]]
    with ThreadPoolExecutor(3) as pool:
        # check=False: a connection may be gone by now (its worker was killed), which is no failure
        list(
            pool.map(lambda pid: _rabbitmqctl("close_connection", pid, "fault injection", check=False), pids)
        )
    return len(pids)


def terminate_backends(system: System, times: int = 5, pause: float = 0.3) -> int:
    """pg_terminate_backend on every session of the run's databases, `times` in a row, `pause` apart.

    A burst, so that some terminations land inside transactions (an INSERT, a COMMIT), not only on
    idle pooled connections. Returns how many sessions were ended.
    """
    names = [url.rsplit("/", 1)[1] for url in system.database_urls.values()]
    admin = libpq(next(iter(system.database_urls.values()))).rsplit("/", 1)[0] + "/postgres"
    ended = 0
    with psycopg.connect(admin, autocommit=True) as conn:
        for _ in range(times):
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = ANY(%s) AND pid <> pg_backend_pid()",
                (names,),
            ).fetchall()
            ended += sum(1 for (done,) in rows if done)
            time.sleep(pause)
    return ended


def _channel(
    system: System,
) -> tuple[pika.BlockingConnection, pika.adapters.blocking_connection.BlockingChannel]:
    connection = pika.BlockingConnection(pika.URLParameters(system.vhost_url))
    channel = connection.channel()
    channel.confirm_delivery()
    return connection, channel


def _copy(channel, exchange: str, routing_key: str, properties: pika.BasicProperties, body: bytes) -> None:  # type: ignore[no-untyped-def]
    channel.basic_publish(exchange, routing_key, body, properties=properties, mandatory=False)


def duplicate_from_tap(system: System, rng: random.Random, batch: int = 40) -> int:
    """Publish again, shuffled, up to `batch` events the tap saw: same ids, new deliveries."""
    connection, channel = _channel(system)
    with contextlib.closing(connection):
        taken = []
        for _ in range(batch * 3):
            method, properties, body = channel.basic_get(TAP_QUEUE, auto_ack=True)
            if method is None:
                break
            taken.append((method.routing_key, properties, body))
        chosen = rng.sample(taken, min(batch, len(taken)))
        for routing_key, properties, body in chosen:
            _copy(channel, topology.EVENTS_EXCHANGE, routing_key, properties, body)
        return len(chosen)


def reorder_queues(
    system: System, rng: random.Random, service: str, regions: tuple[str, ...], batch: int = 60
) -> int:
    """Take one service's worker down, then put its waiting deliveries back in another order.

    The worker is killed and kept down for a few seconds so that its queues fill (what it held
    unacked comes back too); up to `batch` ready deliveries of each of its region queues are taken
    off and published back shuffled, a fifth of them twice, then the worker is restarted. The copies
    are confirmed by the broker before the originals are acked, so nothing is lost if this
    connection dies half-way (then there are duplicates). Returns how many copies went back.
    """
    moved = 0
    with system.down(service):
        time.sleep(3)
        connection, channel = _channel(system)
        with contextlib.closing(connection):
            for queue in (topology.queue_name(service, region) for region in regions):
                taken = []
                for _ in range(batch):
                    method, properties, body = channel.basic_get(queue, auto_ack=False)
                    if method is None:
                        break
                    taken.append((method.delivery_tag, properties, body))
                copies = [(properties, body) for _, properties, body in taken]
                copies += [copy for copy in copies if rng.random() < 0.2]
                rng.shuffle(copies)
                for properties, body in copies:
                    _copy(channel, "", queue, properties, body)
                if taken:
                    channel.basic_ack(taken[-1][0], multiple=True)
                moved += len(copies)
    return moved
