"""Benchmark of notify end to end: a burst of nomination.submitted events through the real RabbitMQ
and PostgreSQL into a local SMTP server and a local SMS gateway.

    .venv/bin/python bench/notify.py [--n 2400] [--workers 2] [--rounds 2] [--event-lanes 1,3]

Each round:
  (bus)  N events (each an email and an SMS, 2N messages) published at once, spread over the
         queues of `TOP100_BUS_REGIONS` (four regions unless set), handled by `--workers` notify
         worker processes (`top100 worker notify`, relay included, as production runs them) on a
         scratch vhost and database;
         the clock runs from the first publish to the last hand-off (the SMTP server or the gateway
         has the message); latency per message is its hand-off time minus its event's publish time;
  (bare) the same 2N messages rendered from the same templates and handed to the same servers by
         the same provider classes in one loop, with no bus and no database.
It prints messages/s of both, p50/p99 latency of (bus), and bus/bare. In a burst the latency is
mostly the wait in the queue behind the events published before (the last of N waits N/rate);
`--pace R` publishes R events/s instead, to measure the latency of a system that keeps up.
The SMTP server (aiosmtpd) and the gateway run in this process, on the same 2 cores as everything.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median, quantiles

import kombu

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.notify import rules  # noqa: E402
from services.notify.operations import compose, notices, templating  # noqa: E402
from services.notify.operations.providers import HttpSms, SmtpMailer  # noqa: E402
from services.notify.operations.providers.sms import Gateway  # noqa: E402
from services.notify.tests import servers  # noqa: E402
from services.notify.tests.factories import submitted  # noqa: E402
from shared import broker, calendar, clock, config, migrate, testing  # noqa: E402

NOW = "2026-09-20T12:00:00+05:00"  # outside the SMS quiet hours
#: Each event's number, in its email address and in its phone (an SMS carries no id since letters
#: carry none: the bench tells them apart by the number they go to).
INDEX = re.compile(r"b(\d+)@|\+7701(\d{7})$")


def _events(n: int) -> list:  # type: ignore[type-arg]
    regions = config.bus_regions()
    events = []
    for index in range(n):
        event = submitted(nomination_id=f"bench-{index:05d}", email=f"b{index}@example.kz")
        event.payload["contacts"]["phone"] = f"+7701{index:07d}"
        events.append(dataclasses.replace(event, region=regions[index % len(regions)]))
    return events


def _bus_round(
    n: int,
    workers: int,
    smtp: servers.Smtp,
    gateway: servers.Gateway,
    work: Path,
    pace: float,
    lanes: int = 3,
) -> dict:  # type: ignore[type-arg]
    smtp.handler.received.clear(), smtp.handler.at.clear(), gateway.requests.clear(), gateway.at.clear()
    with (
        testing.scratch_vhost("top100_bench_notify") as amqp_url,
        testing.scratch_postgres("top100_bench_notify") as pg,
    ):
        migrate.upgrade("notify", pg)
        with broker.connection(amqp_url) as connection:
            broker.declare_all(connection, (1, 5))
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TOP100_DATA_DIR": str(work),
            "TOP100_NOW": NOW,
            "BROKER_URL": amqp_url,
            "NOTIFY_DATABASE_URL": pg,
            "NOTIFY_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
            "NOTIFY_SMS_URL": gateway.url,
            "TOP100_LOG_LEVEL": "WARNING",
            "NOTIFY_EVENT_LANES": str(lanes),
        }
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "services.cli", "worker", "notify"],
                env=env,
                stdout=(work / f"worker-{k}.log").open("ab"),
                stderr=subprocess.STDOUT,
            )
            for k in range(workers)
        ]
        try:
            time.sleep(4)  # the workers connect and consume
            events = _events(n)
            published: dict[int, float] = {}
            with broker.connection(amqp_url) as connection:
                producer = kombu.Producer(connection.default_channel)
                started = time.time()
                for index, event in enumerate(events):
                    if pace:
                        time.sleep(max(0.0, started + index / pace - time.time()))
                    published[index] = time.time()
                    producer.publish(
                        event.to_json(),
                        exchange="top100.events",
                        routing_key=event.routing_key,
                        content_type="application/json",
                        content_encoding="utf-8",
                        delivery_mode=2,
                    )
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline and (len(smtp.handler.at) < n or len(gateway.at) < n):
                time.sleep(0.2)
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(60)
    latencies = []
    for (_sender, recipients, _raw), at in zip(smtp.handler.received, smtp.handler.at, strict=True):
        latencies.append(at - published[_index(recipients[0])])
    for (_headers, body), at in zip(gateway.requests, gateway.at, strict=True):
        latencies.append(at - published[_index(body["to"])])
    first, last = min(published.values()), max([*smtp.handler.at, *gateway.at])
    cuts = quantiles(latencies, n=100)
    return {
        "messages": len(latencies),
        "rate": len(latencies) / (last - first),
        "p50": median(latencies),
        "p99": cuts[98],
    }


def _index(text: str) -> int:
    found = INDEX.search(text)
    assert found is not None, text
    return int(found.group(1) or found.group(2))


def _bare_round(n: int, smtp: servers.Smtp, gateway: servers.Gateway) -> float:
    """Render and hand off the same messages in one loop: no bus, no database."""
    seeds = templating.seed_files()
    email_seed, sms_seed = seeds[("nomination_received", "email")], seeds[("nomination_received", "sms")]
    mailer = SmtpMailer(f"smtp://127.0.0.1:{smtp.port}")
    sms = HttpSms(Gateway(name="bare", url=gateway.url))
    start = time.perf_counter()
    for event in _events(n):
        data = event.payload
        name = data["candidate"]
        language = data["language"]
        params = {
            "audience": "student",
            "name": f"{name['last_name']} {name['first_name']} {name['patronymic']}",
            "greeting_name": rules.greeting_name(
                name["first_name"], name["patronymic"], language, name["last_name"]
            ),
            "reference": rules.short_reference(data["nomination_id"]),
            "nomination_id": data["nomination_id"],
            "region": notices.region_name(event.region, language),
            "decided_by": notices.local_date(
                calendar.default_calendar(data["year"]).regional_decisions_close, language
            ),
        }
        email = templating.render(
            "email", email_seed["subject"], email_seed["body"], data["language"], params
        )
        letter = compose.email(
            from_header=config.DEFAULT_MAIL_FROM,
            to_address=data["contacts"]["email"],
            subject=email.subject or "",
            text=email.text,
            language=data["language"],
            key=str(event.id),
            at=clock.local_now(),
        )
        mailer.send(letter)
        text = templating.render("sms", None, sms_seed["body"], data["language"], params).text
        sms.send(data["contacts"]["phone"], text, str(event.id))
    return 2 * n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=2400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--event-lanes",
        default="3",
        help="NOTIFY_EVENT_LANES of the workers; a list (1,3) alternates them round by round",
    )
    parser.add_argument(
        "--pace", type=float, default=0.0, help="events/s to publish at (0: all at once, a burst)"
    )
    args = parser.parse_args()
    os.environ["TOP100_NOW"] = NOW
    # Four regions' queues, not all twenty: each is a quorum queue, and a scratch vhost with a hundred
    # of them, left behind by a stopped run, wedged this machine's broker while it was deleted.
    os.environ.setdefault("TOP100_BUS_REGIONS", "almaty,astana,shymkent,abai")
    testing.require("PostgreSQL", testing.POSTGRES)
    testing.require("RabbitMQ", testing.RABBITMQ)
    with (
        tempfile.TemporaryDirectory() as folder,
        servers.smtp_server() as smtp,
        servers.sms_gateway() as gateway,
    ):
        choices = [int(lanes) for lanes in args.event_lanes.split(",")]
        for round_ in range(1, args.rounds + 1):
            lanes = choices[(round_ - 1) % len(choices)]
            bus = _bus_round(args.n, args.workers, smtp, gateway, Path(folder), args.pace, lanes)
            bare = _bare_round(args.n, smtp, gateway)
            how = f"paced at {args.pace:g} events/s" if args.pace else "burst"
            print(
                f"round {round_} ({how}, {lanes} event lanes): bus {bus['rate']:.0f} msg/s "
                f"({bus['messages']} messages, {args.workers} workers), "
                f"p50 {bus['p50']:.2f} s, p99 {bus['p99']:.2f} s; bare loop {bare:.0f} msg/s; "
                f"ratio {bus['rate'] / bare:.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
