"""Outbox rows are written with the state change and relayed; the inbox admits an event once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from shared import broker, inbox
from shared.envelope import Event
from shared.relay import Relay
from shared.tests import busapp
from shared.tests.bus_helpers import embedded, queue_bodies


def test_emit_writes_the_row_in_the_callers_transaction(tmp_path: Path) -> None:
    runtime = embedded(tmp_path)
    event = busapp.event(marker="kept")
    with pytest.raises(RuntimeError), runtime.db.unit_of_work() as session:
        busapp.emit(session, busapp.event(marker="rolled-back"))
        raise RuntimeError("the operation fails after emitting")
    busapp.emit_events(runtime, [event])
    with runtime.db.unit_of_work() as session:
        rows = session.execute(select(busapp.outbox)).all()
    assert [row.event_id for row in rows] == [str(event.id)]
    assert rows[0].routing_key == "review.candidate_registered.almaty"
    assert Event.from_json(rows[0].body) == event


def test_emit_refuses_an_invalid_payload(tmp_path: Path) -> None:
    runtime = embedded(tmp_path)
    bad = Event(type="review.candidate_registered", version=1, region="almaty", producer="review", payload={})
    with pytest.raises(ValidationError), runtime.db.unit_of_work() as session:
        busapp.emit(session, bad)
    assert busapp.unpublished(runtime) == 0


def test_relay_publishes_in_order_deletes_the_rows_and_the_message_arrives(tmp_path: Path) -> None:
    runtime = embedded(tmp_path)
    url = runtime.settings.broker_url
    with broker.connection(url) as conn:
        broker.declare(conn, "notify", ("almaty", "astana"), ())
    events = [busapp.event(marker=f"m{i}") for i in range(5)] + [
        busapp.event(region="astana", marker="other")
    ]
    busapp.emit_events(runtime, events)
    relay = Relay(runtime.db, url, batch=4)
    assert relay.relay_once() == 4
    assert relay.relay_once() == 2
    assert relay.relay_once() == 0
    relay.close()
    assert busapp.unpublished(runtime) == 0
    almaty = [json.loads(body) for body in queue_bodies(url, "notify.almaty")]
    # kombu's filesystem transport orders by millisecond, not within one: compare as sets.
    assert sorted(item["payload"]["nomination_id"] for item in almaty) == [f"m{i}" for i in range(5)]
    assert almaty[0]["payload"]["candidate_id"] == "Әсел Қайратқызы"
    assert [json.loads(b)["id"] for b in queue_bodies(url, "notify.astana")] == [str(events[-1].id)]


def test_inbox_claims_an_event_once_per_consumer(tmp_path: Path) -> None:
    runtime = embedded(tmp_path)
    with runtime.db.unit_of_work() as session:
        assert inbox.claim(session, "e-1", "notify", "x.y") is True
        assert inbox.claim(session, "e-1", "notify", "x.y") is False
        assert inbox.claim(session, "e-1", "media", "x.y") is True
    with runtime.db.unit_of_work() as session:
        assert inbox.claim(session, "e-1", "notify", "x.y") is False
