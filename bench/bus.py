"""Benchmark of the bus on real RabbitMQ and PostgreSQL: what the outbox + relay path costs.

    .venv/bin/python bench/bus.py [--n 20000] [--sync-n N] [--amqp URL-without-vhost] [--pg HOST]
                                  [--uncorked]

Three ways to get N persistent 1 KB events onto `top100.events` (same exchange, same routing key, so
the same fan-out to the three following services' quorum queues):
  (a) raw pika, no publisher confirms (fire and forget: the ceiling, but it may lose messages), timed
      until the three queues hold all N (a quorum queue counts what it has committed), since without
      confirms the publisher finishes long before the broker does; the time until pika had written
      the last message is printed beside it;
  (b) raw pika, one synchronous confirm per message (`BlockingConnection.confirm_delivery`);
  (c) our path end to end: producer processes (two by default, as a service runs two web workers)
      commit N state changes with their outbox rows (transactions of 100) while `shared.relay.Relay`
      publishes them with batched asynchronous confirms, in the loop `Relay.run` runs in production
      (drain the outbox, pause IDLE_SECONDS, again); the clock runs from the first commit until the
      last event is confirmed and deleted.
It prints the rates and c/a. Everything runs in a scratch vhost and a scratch database, removed after.

`--uncorked` adds (c) without the relay's corking of pika's output (`shared.pika_confirms`, an
override of a private pika method, kept only while it pays) to every round, so the two compare in
alternating rounds too.

(a) and (c) are measured in alternating rounds (`--rounds`, default 3) and the medians compared:
on this 2-core machine a single (a) ranged from 12,800 to 19,600 msg/s between runs minutes apart,
so one run each compares two moments more than two ways of publishing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from statistics import median

import pika
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared import broker
from shared.envelope import Event
from shared.memory import retain_freed_memory
from shared.pika_confirms import _CorkedConnection, pika_parameters
from shared.relay import IDLE_SECONDS, Relay
from shared.tests import busapp

ROUTING_KEY = "review.candidate_registered.almaty"
FOLLOWERS = ("intake.almaty", "media.almaty", "notify.almaty")


def _event_1kb(index: int) -> Event:
    event = busapp.event(marker=f"bench-{index}")
    padding = 1024 - len(event.to_json().encode("utf-8"))
    payload = {**event.payload, "stage": "x" * max(padding, 1)}
    return Event(type=event.type, version=1, region="almaty", producer="review", payload=payload)


@contextmanager
def _uncorked() -> Iterator[None]:
    """The relay's connection as stock pika: every frame written by a send() of its own."""
    saved = _CorkedConnection.cork, _CorkedConnection.uncork
    _CorkedConnection.cork = _CorkedConnection.uncork = lambda self: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        _CorkedConnection.cork, _CorkedConnection.uncork = saved  # type: ignore[method-assign]


def _purge(url: str) -> None:
    with pika.BlockingConnection(pika_parameters(url)) as conn:
        channel = conn.channel()
        for queue in FOLLOWERS:
            channel.queue_purge(queue)


def _held(channel, count: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether every following queue holds `count` messages (a quorum queue counts what it committed)."""
    return all(
        channel.queue_declare(queue, passive=True).method.message_count >= count for queue in FOLLOWERS
    )


def bench_raw(url: str, bodies: list[bytes], confirm: bool) -> tuple[float, float]:
    """(seconds until the last message was written to the socket, seconds until the broker held all).

    Without confirms the two differ: measured here, pika wrote 20,000 messages in 0.9-1.0 s, and
    the queues held them all only after 1.4-1.6 s; the rest was in socket buffers and in the broker's
    own backlog. The broker's ceiling is the second, which is what (c)'s last confirm also waits for.
    The queues are only asked once everything is written, so asking does not slow the publishing.
    """
    with pika.BlockingConnection(pika_parameters(url)) as conn:
        channel = conn.channel()
        if confirm:
            channel.confirm_delivery()
        properties = pika.BasicProperties(delivery_mode=2, content_type="application/json")
        started = time.perf_counter()
        for body in bodies:
            channel.basic_publish(
                "top100.events", ROUTING_KEY, body, properties=properties, mandatory=confirm
            )
        conn.process_data_events(0)
        written = time.perf_counter() - started
        while not _held(channel, len(bodies)):
            time.sleep(0.01)
        return written, time.perf_counter() - started


def _produce(url: str, pg_url: str, tmp: Path, indices: range, tx_size: int, ready, go, done) -> None:  # type: ignore[no-untyped-def]
    """One producing process (a web worker of a service): state changes committed with their outbox rows."""
    retain_freed_memory()  # as gunicorn's config sets it for every web worker
    runtime = busapp.build(pg_url, url, tmp)
    items = [_event_1kb(i) for i in indices]  # the operations' data, made before the clock starts
    ready.set()
    go.wait()
    for start in range(0, len(items), tx_size):
        busapp.emit_events(runtime, items[start : start + tx_size])
    with done.get_lock():
        done.value = max(done.value, time.perf_counter())
    runtime.db.dispose()


def bench_outbox(
    url: str, pg_url: str, tmp: Path, n: int, tx_size: int, batch: int, producers: int
) -> tuple[float, float, float]:
    """End to end: from the first state change's commit until the last event is confirmed and deleted.

    `producers` processes commit (as a service's web workers do) while the relay publishes.
    Returns (seconds until every producer committed everything, seconds until the last confirm, and
    seconds the relay alone takes for N rows committed beforehand).
    """
    context = multiprocessing.get_context("spawn")
    go, done = context.Event(), context.Value("d", 0.0)
    readies = [context.Event() for _ in range(producers)]
    processes = [
        context.Process(
            target=_produce, args=(url, pg_url, tmp, range(p, n, producers), tx_size, ready, go, done)
        )
        for p, ready in enumerate(readies)
    ]
    runtime = busapp.build(pg_url, url, tmp)
    retain_freed_memory()  # as `top100 worker`, which runs the relay, sets it
    relay = Relay(runtime.db, url, batch=batch)
    relay.connect()
    for process in processes:
        process.start()
    for ready in readies:
        ready.wait(120)
    started = time.perf_counter()
    go.set()
    total = 0
    while True:  # Relay.run's loop: drain the outbox, pause, again
        total += relay.relay_all()
        if total >= n:
            break
        relay.pause(IDLE_SECONDS)
    finished = time.perf_counter()
    for process in processes:
        process.join(60)
    assert busapp.unpublished(runtime) == 0
    # The relay alone: N more rows already committed, published and deleted from a standing start.
    for start in range(n, 2 * n, tx_size):
        busapp.emit_events(runtime, [_event_1kb(i) for i in range(start, min(start + tx_size, 2 * n))])
    relay_started, total = time.perf_counter(), 0
    while total < n:
        total += relay.relay_all()
    relay_only = time.perf_counter() - relay_started
    relay.close()
    assert busapp.unpublished(runtime) == 0
    runtime.db.dispose()
    return done.value - started, finished - started, relay_only


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--sync-n", type=int, default=None, help="messages for (b) (default: --n)")
    parser.add_argument("--batch", type=int, default=500, help="relay batch size")
    parser.add_argument(
        "--producers",
        type=int,
        default=2,
        help="processes committing state changes (2: a service's web workers, TOP100_WEB_WORKERS)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of (a) and (c)")
    parser.add_argument("--uncorked", action="store_true", help="also (c) without corking pika's output")
    parser.add_argument("--amqp", default="amqp://guest:guest@127.0.0.1:5672")
    parser.add_argument("--pg", default="host=127.0.0.1 port=5432 user=postgres dbname=postgres")
    args = parser.parse_args()
    n, sync_n = args.n, args.sync_n or args.n
    tag = uuid.uuid4().hex[:8]
    vhost, database = f"top100_bench_{tag}", f"top100_bench_{tag}"
    url = f"{args.amqp}/{vhost}"
    subprocess.run(["rabbitmqctl", "add_vhost", vhost], check=True, capture_output=True)
    subprocess.run(
        ["rabbitmqctl", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"],
        check=True,
        capture_output=True,
    )
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {database}")
    pg_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"
    scratch = Path(tempfile.mkdtemp(prefix="top100-bench-"))
    try:
        with broker.connection(url) as conn:
            broker.declare_all(conn)
        bodies = [_event_1kb(i).to_json().encode("utf-8") for i in range(n)]
        rounds: list[tuple[float, float, float, float, float]] = []
        uncorked: list[tuple[float, float]] = []
        for index in range(args.rounds):
            written, held = bench_raw(url, bodies, confirm=False)
            _purge(url)
            committed, end_to_end, relay_only = bench_outbox(
                url, pg_url, scratch / f"round-{index}", n, 100, args.batch, args.producers
            )
            _purge(url)
            rounds.append((n / held, n / end_to_end, n / committed, n / relay_only, n / written))
            print(
                f"round {index + 1}: (a) {n / held:8.0f}  (c) {n / end_to_end:8.0f}  "
                f"c/a {held / end_to_end:.2f}   [(a) written to the socket {n / written:8.0f}]",
                flush=True,
            )
            if args.uncorked:
                with _uncorked():
                    _, plain, plain_relay = bench_outbox(
                        url, pg_url, scratch / f"plain-{index}", n, 100, args.batch, args.producers
                    )
                _purge(url)
                uncorked.append((n / plain, n / plain_relay))
                print(
                    f"         (c) uncorked {n / plain:8.0f}  c/a {held / plain:.2f}   relay alone: "
                    f"corked {n / relay_only:8.0f}  uncorked {n / plain_relay:8.0f}",
                    flush=True,
                )
        b, _ = bench_raw(url, bodies[:sync_n], confirm=True)
        _purge(url)
        rate_a, rate_c, rate_committed, rate_relay, rate_written = (
            median(r[i] for r in rounds) for i in range(5)
        )
        rate_b = sync_n / b
        print(f"N={n} persistent ~1 KB messages, routing key {ROUTING_KEY} -> {len(FOLLOWERS)} quorum queues")
        print(f"medians of {args.rounds} alternating rounds:")
        print(f"(a) raw pika, no confirms, until the queues hold all: {rate_a:8.0f} msg/s")
        print(f"    (until pika had written them all to the socket:   {rate_written:8.0f} msg/s)")
        print(f"(b) raw pika, sync confirm each:      {rate_b:10.0f} msg/s  ({b:.2f}s, n={sync_n})")
        print(f"(c) commit + outbox relay, confirmed: {rate_c:10.0f} msg/s  (relay batch {args.batch})")
        print(f"    committing ({args.producers} producers, tx of 100): {rate_committed:10.0f} rows/s")
        print(f"    the relay alone (rows committed before):       {rate_relay:10.0f} msg/s")
        print(
            f"c/a = {rate_c / rate_a:.2f}   (target >= 0.5; per round: "
            f"{', '.join(f'{r[1] / r[0]:.2f}' for r in rounds)});  c/b = {rate_c / rate_b:.1f};  "
            f"relay alone / a = {rate_relay / rate_a:.2f};  c / (a written) = {rate_c / rate_written:.2f}"
        )
        if uncorked:
            plain, plain_relay = (median(r[i] for r in uncorked) for i in range(2))
            print(
                f"uncorked: (c) {plain:8.0f} msg/s, c/a = {plain / rate_a:.2f};  relay alone "
                f"{plain_relay:8.0f} msg/s;  corked / uncorked: (c) {rate_c / plain:.2f}, "
                f"relay alone {rate_relay / plain_relay:.2f}"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        subprocess.run(["rabbitmqctl", "delete_vhost", vhost], capture_output=True)
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
