"""Benchmark of the bus on real RabbitMQ and PostgreSQL: what the outbox + relay path costs.

    .venv/bin/python bench/bus.py [--n 20000] [--sync-n N] [--amqp URL-without-vhost] [--pg HOST]

Three ways to get N persistent 1 KB events onto `top100.events` (same exchange, same routing key, so
the same fan-out to the three following services' quorum queues):
  (a) raw pika, no publisher confirms (fire and forget: the ceiling, but it may lose messages);
  (b) raw pika, one synchronous confirm per message (`BlockingConnection.confirm_delivery`);
  (c) our path: N state changes committed with their outbox rows (transactions of 100), then
      `shared.relay.Relay` publishes with batched asynchronous confirms and marks every row published.
It prints the rates and c/a. Everything runs in a scratch vhost and a scratch database, removed after.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pika
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared import broker
from shared.envelope import Event
from shared.pika_confirms import pika_parameters
from shared.relay import Relay
from shared.tests import busapp

ROUTING_KEY = "review.candidate_registered.almaty"
FOLLOWERS = ("intake.almaty", "media.almaty", "notify.almaty")


def _event_1kb(index: int) -> Event:
    event = busapp.event(marker=f"bench-{index}")
    padding = 1024 - len(event.to_json().encode("utf-8"))
    payload = {**event.payload, "stage": "x" * max(padding, 1)}
    return Event(type=event.type, version=1, region="almaty", producer="review", payload=payload)


def _purge(url: str) -> None:
    with pika.BlockingConnection(pika_parameters(url)) as conn:
        channel = conn.channel()
        for queue in FOLLOWERS:
            channel.queue_purge(queue)


def bench_raw(url: str, bodies: list[bytes], confirm: bool) -> float:
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
        return time.perf_counter() - started


def bench_outbox(url: str, pg_url: str, tmp: Path, n: int, tx_size: int, batch: int) -> tuple[float, float]:
    runtime = busapp.build(pg_url, url, tmp)
    started = time.perf_counter()
    for start in range(0, n, tx_size):
        busapp.emit_events(runtime, [_event_1kb(i) for i in range(start, min(start + tx_size, n))])
    committed = time.perf_counter() - started
    relay = Relay(runtime.db, url, batch=batch)
    relay.connect()
    started = time.perf_counter()
    total = 0
    while total < n:
        total += relay.relay_all()
    relayed = time.perf_counter() - started
    relay.close()
    assert busapp.unpublished(runtime) == 0
    runtime.db.dispose()
    return committed, relayed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--sync-n", type=int, default=None, help="messages for (b) (default: --n)")
    parser.add_argument("--batch", type=int, default=500, help="relay batch size")
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
        a = bench_raw(url, bodies, confirm=False)
        _purge(url)
        b = bench_raw(url, bodies[:sync_n], confirm=True)
        _purge(url)
        committed, relayed = bench_outbox(
            url, pg_url, Path("/tmp") / f"top100-bench-{tag}", n, 100, args.batch
        )
        rate_a, rate_b, rate_c = n / a, sync_n / b, n / relayed
        rate_end = n / (committed + relayed)
        print(f"N={n} persistent ~1 KB messages, routing key {ROUTING_KEY} -> {len(FOLLOWERS)} quorum queues")
        print(f"(a) raw pika, no confirms:            {rate_a:10.0f} msg/s  ({a:.2f}s)")
        print(f"(b) raw pika, sync confirm each:      {rate_b:10.0f} msg/s  ({b:.2f}s, n={sync_n})")
        timing = f"({relayed:.2f}s, batch {args.batch})"
        print(f"(c) outbox relay, batched confirms:   {rate_c:10.0f} msg/s  {timing}")
        print(f"    commit of N outbox rows (tx 100): {n / committed:10.0f} rows/s ({committed:.2f}s)")
        print(f"    end to end (commit + relay):      {rate_end:10.0f} msg/s")
        ratios = f"(end to end / a = {rate_end / rate_a:.2f});  c/b = {rate_c / rate_b:.1f}"
        print(f"c/a = {rate_c / rate_a:.2f}   {ratios}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        subprocess.run(["rabbitmqctl", "delete_vhost", vhost], capture_output=True)
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
