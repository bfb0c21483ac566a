"""A tiny service for testing the bus on its own: its own tables, one handler, commands in the payload.

It consumes the queues of the real `notify` service (the topology knows only the four services) but
has nothing else of notify: its own metadata (`effects`, outbox, inbox) and one handler for
`review.candidate_registered` v1 whose `stage` field says what the handler does:

- `ok`: insert one `effects` row (no unique key, so a second effect would show as a second row);
- `fail`: insert, then raise (the row rolls back) - always;
- `fail_unless:<path>`: raise unless the file exists (an operator "fixes" it by creating the file);
- `sleep_once:<path>:<seconds>`: the first time (the file does not exist yet) create the file and
  sleep inside the transaction, so a test can SIGKILL the worker in the middle of the handler;
- `depth_fail:<path>`: append to the file how many AMQP deliveries are being dispatched on this
  thread's stack (py-amqp's `_on_basic_deliver` frames: 1 unless the worker re-entered itself), then
  raise;
- `leak`: raise an exception whose text carries an IIN, an email and a phone number;
- `db_leak`: make PostgreSQL fail on a value that is an email (its error text quotes the value);
- `sleep:<seconds>`: sleep in Python; `pg_sleep:<seconds>`: sleep in the database.

`python -m shared.tests.busapp worker|relay` runs it as a real process (env: BUSAPP_DATABASE_URL,
BROKER_URL, TOP100_RETRY_DELAYS, TOP100_HANDLER_TIMEOUT, BUSAPP_REGIONS); it stops cleanly on SIGTERM/SIGINT.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
import uuid
from pathlib import Path

from sqlalchemy import Column, Integer, String, Table, func, select, text

from shared.config import Settings
from shared.envelope import Event
from shared.handling import HandlerContext
from shared.models import service_base
from shared.outbox import emit
from shared.runtime import Runtime, build_runtime

SERVICE = "notify"
EVENT_TYPE = "review.candidate_registered"
#: Personal data a failing handler's exception may carry (an IIN, an email, a phone number).
PERSONAL = ("990101300123", "aigerim.n@example.kz", "+77011234567")


metadata = service_base().metadata
outbox, inbox = metadata.tables["outbox"], metadata.tables["inbox"]
effects = Table(
    "effects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
    Column("marker", String(200), nullable=False),
)


def settings(
    database_url: str, broker_url: str, data_dir: Path, retry_delays: tuple[int, ...] = (1, 1)
) -> Settings:
    return Settings(
        service=SERVICE,
        data_dir=data_dir,
        database_url=database_url,
        broker_url=broker_url,
        blob_url=f"file://{data_dir / 'blobs'}",
        port=0,
        secret_key="test",
        retry_delays=retry_delays,
        relay_batch=500,
        handler_timeout=float(os.environ.get("TOP100_HANDLER_TIMEOUT", "120")),
    )


def build(
    database_url: str, broker_url: str, data_dir: Path, retry_delays: tuple[int, ...] = (1, 1)
) -> Runtime:
    runtime = build_runtime(SERVICE, metadata, settings(database_url, broker_url, data_dir, retry_delays))
    runtime.db.create_all()
    return runtime


def event(command: str = "ok", region: str = "almaty", marker: str | None = None) -> Event:
    """An event the test service handles; `marker` ends up in its effect row."""
    return Event(
        type=EVENT_TYPE,
        version=1,
        region=region,
        producer="review",
        payload={
            "nomination_id": marker or f"m-{uuid.uuid4()}",
            "candidate_id": "Әсел Қайратқызы",
            "stage": command,
        },
    )


def handle_registered(ctx: HandlerContext, event: Event) -> None:
    command: str = event.payload["stage"]
    ctx.session.execute(
        effects.insert().values(event_id=str(event.id), marker=event.payload["nomination_id"])
    )
    if command == "fail":
        raise RuntimeError("this handler always fails")
    if command.startswith("fail_unless:") and not Path(command.split(":", 1)[1]).exists():
        raise RuntimeError("not fixed yet")
    if command.startswith("depth_fail:"):
        depth = sum(frame.name == "_on_basic_deliver" for frame in traceback.extract_stack())
        with Path(command.split(":", 1)[1]).open("a") as out:
            out.write(f"{depth}\n")
        raise RuntimeError("failing to make the worker republish")
    if command == "leak":
        raise ValueError(f"cannot reach {PERSONAL[1]} or {PERSONAL[2]} for IIN {PERSONAL[0]}")
    if command == "db_leak":
        ctx.session.execute(text("SELECT CAST(:value AS integer)"), {"value": PERSONAL[1]})
    if command.startswith("sleep:"):
        time.sleep(float(command.split(":", 1)[1]))
    if command.startswith("pg_sleep:"):
        ctx.session.execute(text("SELECT pg_sleep(:s)"), {"s": float(command.split(":", 1)[1])})
    if command.startswith("sleep_once:"):
        _, path, seconds = command.split(":")
        if not Path(path).exists():
            Path(path).write_text(str(os.getpid()))
            time.sleep(float(seconds))


HANDLERS = {EVENT_TYPE: handle_registered}


def emit_events(runtime: Runtime, items: list[Event]) -> None:
    """Commit state changes with their outbox rows, as an operation would."""
    with runtime.db.unit_of_work() as session:
        session.execute(
            effects.insert(), [{"event_id": str(item.id), "marker": "produced"} for item in items]
        )
        for item in items:
            emit(session, item)


def effect_count(runtime: Runtime, marker: str) -> int:
    with runtime.db.unit_of_work() as session:
        return session.execute(
            select(func.count()).select_from(effects).where(effects.c.marker == marker)
        ).scalar_one()


def unpublished(runtime: Runtime) -> int:
    with runtime.db.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(outbox)).scalar_one()


def _main(argv: list[str]) -> int:
    from shared import logs
    from shared.regions import parse_region_list
    from shared.relay import Relay
    from shared.worker import run_worker

    logs.configure(SERVICE)
    runtime = build(
        os.environ["BUSAPP_DATABASE_URL"],
        os.environ["BROKER_URL"],
        Path(os.environ.get("TOP100_DATA_DIR", "/tmp")),
        tuple(int(d) for d in os.environ.get("TOP100_RETRY_DELAYS", "1,1").split(",")),
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if argv[0] == "relay":
        Relay(runtime.db, runtime.settings.broker_url).run(stop)
    else:
        run_worker(
            runtime,
            HANDLERS,
            parse_region_list(os.environ.get("BUSAPP_REGIONS", "almaty")),
            stop=stop,
            with_relay="--no-relay" not in argv,
        )
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
