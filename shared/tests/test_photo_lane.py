"""Media's photo work on a lane of its own, on the real RabbitMQ and PostgreSQL: with a backlog of
photos (`nomination.*` on `media.photos.<region>`), an event of another kind (`review.*` on
`media.<region>`) is handled by the events worker at once, not after the photos."""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.notify.tests.factories import submitted
from shared import broker, testing
from shared.envelope import Event
from shared.handling import HandlerContext
from shared.runtime import Runtime
from shared.tests import busapp
from shared.tests.bus_helpers import publish_raw, wait_for
from shared.worker import run_worker

pytestmark = pytest.mark.integration

#: What one photo costs the test's photo worker (media's real handler: about a second of CPU).
PHOTO_SECONDS = 0.4
BACKLOG = 30


def _photo(ctx: HandlerContext, event: Event) -> None:
    time.sleep(PHOTO_SECONDS)
    ctx.session.execute(busapp.effects.insert().values(event_id=str(event.id), marker="photo"))


HANDLERS = {"nomination.submitted": _photo, busapp.EVENT_TYPE: busapp.handle_registered}


@pytest.fixture
def media_like(tmp_path: Path) -> Iterator[Runtime]:
    """The bus test service, consuming media's queues (media's lanes) on a scratch vhost and database."""
    with testing.scratch_vhost("top100_lanes") as amqp, testing.scratch_postgres("top100_lanes") as pg:
        runtime = busapp.build(pg, amqp, tmp_path)
        media = dataclasses.replace(runtime, settings=dataclasses.replace(runtime.settings, service="media"))
        with broker.connection(amqp) as connection:
            broker.declare(connection, "media", ("almaty",), (1, 1))
        try:
            yield media
        finally:
            runtime.db.dispose()


def _workers(
    runtime: Runtime, lanes: list[tuple[str, ...]]
) -> tuple[threading.Event, list[threading.Thread]]:
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=run_worker,
            args=(runtime, HANDLERS, ("almaty",)),
            kwargs={
                "stop": stop,
                "with_relay": False,
                "lanes": lane,
                "prefetch": 1 if lane == ("photos",) else 10,
            },
            daemon=True,
        )
        for lane in lanes
    ]
    for thread in threads:
        thread.start()
    return stop, threads


def _count(runtime: Runtime, marker: str) -> int:
    with runtime.db.unit_of_work() as session:
        query = select(func.count()).select_from(busapp.effects).where(busapp.effects.c.marker == marker)
        return int(session.execute(query).scalar_one())


def _backlog_then_one_event(runtime: Runtime) -> float:
    """Publish the photos, then one other event; the seconds until that event is handled."""
    url = runtime.settings.broker_url
    for _ in range(BACKLOG):
        event = dataclasses.replace(submitted(nomination_id=str(uuid.uuid4())), region="almaty")
        publish_raw(url, event.routing_key, event.to_json(), message_id=str(event.id))
    assert wait_for(lambda: _count(runtime, "photo") >= 1)  # the photo worker is busy with the backlog
    other = busapp.event(marker="decision")
    published = time.monotonic()
    publish_raw(url, other.routing_key, other.to_json(), message_id=str(other.id))
    assert wait_for(lambda: _count(runtime, "decision") == 1, timeout=BACKLOG * PHOTO_SECONDS + 30)
    return time.monotonic() - published


def test_an_event_is_handled_at_once_while_photos_queue_up_on_their_own_lane(media_like: Runtime) -> None:
    stop, threads = _workers(media_like, [("photos",), ("events",)])
    try:
        waited = _backlog_then_one_event(media_like)
        photos_done = _count(media_like, "photo")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=20)
    assert waited < 3.0, f"the event waited {waited:.1f}s behind the photos"
    assert photos_done < BACKLOG - 5, "the backlog was gone before the event came: nothing was proven"
    assert _count(media_like, "decision") == 1
