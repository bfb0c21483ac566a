"""The worker on the embedded broker: each effect once, unfixable messages parked, failures retried."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import parking
from shared.runtime import Runtime
from shared.tests import busapp
from shared.tests.bus_helpers import embedded, publish_raw, wait_for
from shared.worker import run_worker


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Runtime]:
    """The test service's worker (with its relay) running in a thread on a tmp embedded broker."""
    runtime = embedded(tmp_path, delays=(0, 1))
    stop = threading.Event()
    thread = threading.Thread(
        target=run_worker,
        args=(runtime, busapp.HANDLERS, ("almaty", "astana")),
        kwargs={"stop": stop},
        daemon=True,
    )
    thread.start()
    assert wait_for(lambda: (tmp_path / "broker" / "control" / "top100.events.exchange").exists())
    yield runtime
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()


def parked(runtime: Runtime) -> list[parking.ParkedMessage]:
    return parking.list_parked(runtime.settings.broker_url, "notify")


def test_an_event_is_handled_once_even_when_delivered_twice(running: Runtime) -> None:
    event = busapp.event(marker="twice", region="astana")
    busapp.emit_events(running, [event])  # through the outbox and the worker's relay
    publish_raw(running.settings.broker_url, event.routing_key, event.to_json(), message_id=str(event.id))
    assert wait_for(lambda: busapp.effect_count(running, "twice") == 1)
    assert wait_for(lambda: busapp.unpublished(running) == 0)
    assert wait_for(lambda: _inbox_count(running) == 1)
    threading.Event().wait(1.0)  # the copy has had time to arrive and be dropped
    assert busapp.effect_count(running, "twice") == 1


def _inbox_count(runtime: Runtime) -> int:
    from sqlalchemy import func, select

    with runtime.db.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(busapp.inbox)).scalar_one()


def test_malformed_messages_are_parked_with_the_reason_and_do_not_block_the_queue(running: Runtime) -> None:
    url = running.settings.broker_url
    publish_raw(url, "review.junk.almaty", b"\x00 this is not JSON", message_id="junk-1")
    unknown = busapp.event(marker="unknown")
    unknown_body = unknown.to_json().replace(busapp.EVENT_TYPE, "review.never_heard_of")
    publish_raw(url, "review.never_heard_of.almaty", unknown_body, message_id="unknown-1")
    bad_payload = busapp.event(marker="bad-payload")
    publish_raw(
        url,
        bad_payload.routing_key,
        bad_payload.to_json().replace('"stage"', '"stagе"'),
        message_id="bad-payload-1",
    )
    good = busapp.event(marker="behind")
    publish_raw(url, good.routing_key, good.to_json(), message_id=str(good.id))

    assert wait_for(lambda: busapp.effect_count(running, "behind") == 1)
    assert wait_for(lambda: len(parked(running)) == 3)
    by_id = {item.id: item for item in parked(running)}
    assert "malformed envelope" in by_id["junk-1"].reason
    assert "review.never_heard_of" in by_id["unknown-1"].reason
    assert by_id["unknown-1"].type == "review.never_heard_of"
    assert "ValidationError" in by_id["bad-payload-1"].reason
    assert {item.original_queue for item in by_id.values()} == {"notify.almaty"}
    assert all(item.attempts == 0 and item.parked_at for item in by_id.values())


def test_a_failing_handler_is_retried_then_parked_and_replay_brings_it_back(
    running: Runtime, tmp_path: Path
) -> None:
    fixed = tmp_path / "fixed"
    event = busapp.event(f"fail_unless:{fixed}", marker="flaky")
    busapp.emit_events(running, [event])
    assert wait_for(lambda: len(parked(running)) == 1)
    [item] = parked(running)
    assert item.id == str(event.id)
    assert item.attempts == 3  # the first try and one per retry delay
    assert (
        item.reason == "handler failed 3 times: RuntimeError"
    )  # its type only: texts may carry personal data
    assert (item.type, item.region, item.original_queue) == (busapp.EVENT_TYPE, "almaty", "notify.almaty")
    assert busapp.effect_count(running, "flaky") == 0

    fixed.write_text("yes")
    assert parking.replay(running.settings.broker_url, "notify", "no-such-id") == 0
    assert parking.replay(running.settings.broker_url, "notify", str(event.id)) == 1
    assert wait_for(lambda: busapp.effect_count(running, "flaky") == 1)
    assert parked(running) == []
