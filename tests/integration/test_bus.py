"""The bus on real RabbitMQ and PostgreSQL, with workers and relays as real processes.

What is on the broker is checked with pika, an AMQP client independent of our kombu code.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pika
import pytest
from sqlalchemy import select

from shared import broker, parking, testing
from shared.pika_confirms import pika_parameters
from shared.runtime import Runtime
from shared.testing import rabbitmqctl
from shared.tests import busapp
from shared.tests.bus_helpers import wait_for

pytestmark = pytest.mark.integration


def runtime(tmp_path: Path, pg_url: str, amqp_url: str) -> Runtime:
    return busapp.build(pg_url, amqp_url, tmp_path, (1, 1))


def declare_topology(amqp_url: str) -> None:
    with broker.connection(amqp_url) as conn:
        broker.declare_all(conn, (1, 1))


def depth(amqp_url: str, queue: str) -> int:
    """Ready messages in `queue`, as RabbitMQ reports them to an independent client (0: no queue yet)."""
    with pika.BlockingConnection(pika_parameters(amqp_url)) as conn:
        try:
            return conn.channel().queue_declare(queue, passive=True).method.message_count
        except pika.exceptions.ChannelClosedByBroker:
            return 0


def peek(amqp_url: str, queue: str) -> list[tuple[pika.BasicProperties, bytes]]:
    """Every message of `queue`, left in it (read unacked, requeued when the channel closes)."""
    found = []
    with pika.BlockingConnection(pika_parameters(amqp_url)) as conn:
        channel = conn.channel()
        while True:
            method, properties, body = channel.basic_get(queue, auto_ack=False)
            if method is None:
                break
            found.append((properties, body))
    return found


def publish_pika(amqp_url: str, routing_key: str, body: bytes, message_id: str) -> None:
    with pika.BlockingConnection(pika_parameters(amqp_url)) as conn:
        channel = conn.channel()
        channel.confirm_delivery()
        channel.basic_publish(
            "top100.events",
            routing_key,
            body,
            mandatory=True,
            properties=pika.BasicProperties(
                delivery_mode=2, message_id=message_id, content_type="application/json"
            ),
        )


def test_a_worker_killed_mid_handler_is_redelivered_and_the_effect_happens_once(
    tmp_path: Path, pg_url: str, amqp_url: str, spawn
) -> None:
    rt = runtime(tmp_path, pg_url, amqp_url)
    flag = tmp_path / "in-handler"
    worker = spawn("worker")
    busapp.emit_events(rt, [busapp.event(f"sleep_once:{flag}:60", marker="killed")])
    assert wait_for(flag.exists, 30), worker.output()
    os.kill(worker.popen.pid, signal.SIGKILL)
    worker.popen.wait(10)
    assert busapp.effect_count(rt, "killed") == 0  # the handler's transaction never committed

    again = spawn("worker")
    assert wait_for(lambda: busapp.effect_count(rt, "killed") == 1, 30), again.output()
    assert wait_for(lambda: depth(amqp_url, "notify.almaty") == 0)
    time.sleep(1.0)
    assert busapp.effect_count(rt, "killed") == 1
    assert again.stop() == 0, again.output()  # SIGTERM: a clean stop


def test_a_relay_that_dies_between_publish_and_delete_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, pg_url: str, amqp_url: str, spawn
) -> None:
    rt = runtime(tmp_path, pg_url, amqp_url)
    declare_topology(amqp_url)
    events = [busapp.event(marker=f"relay-{i}") for i in range(5)]
    busapp.emit_events(rt, events)  # committed while no relay runs
    assert busapp.unpublished(rt) == 5 and depth(amqp_url, "notify.almaty") == 0

    relay = spawn("relay", TOP100_FAULT="relay_exit_after_publish")
    assert relay.popen.wait(30) == 1, relay.output()
    assert busapp.unpublished(rt) == 5  # confirmed by the broker, never marked
    on_broker = peek(amqp_url, "notify.almaty")
    assert sorted(p.message_id for p, _ in on_broker) == sorted(str(e.id) for e in events)
    assert all(p.delivery_mode == 2 and p.content_type == "application/json" for p, _ in on_broker)
    assert json.loads(on_broker[0][1])["payload"]["candidate_id"] == "Әсел Қайратқызы"

    worker = spawn("worker")  # its relay publishes all five again: duplicates for the inbox
    assert wait_for(lambda: busapp.unpublished(rt) == 0, 30), worker.output()
    assert wait_for(lambda: all(busapp.effect_count(rt, f"relay-{i}") == 1 for i in range(5)), 30)
    assert wait_for(lambda: depth(amqp_url, "notify.almaty") == 0)
    time.sleep(1.0)
    assert [busapp.effect_count(rt, f"relay-{i}") for i in range(5)] == [1] * 5
    assert "duplicate dropped" in worker.output()


def test_a_message_that_always_fails_is_parked_after_its_retries_and_replay_brings_it_back(
    tmp_path: Path, pg_url: str, amqp_url: str, spawn
) -> None:
    rt = runtime(tmp_path, pg_url, amqp_url)
    fixed = tmp_path / "fixed"
    event = busapp.event(f"fail_unless:{fixed}", marker="flaky")
    worker = spawn("worker")
    busapp.emit_events(rt, [event])
    assert wait_for(lambda: depth(amqp_url, "notify.parked") == 1, 40), worker.output()
    [(properties, body)] = peek(amqp_url, "notify.parked")
    assert properties.message_id == str(event.id)
    assert properties.headers["x-original-queue"] == "notify.almaty"
    assert properties.headers["x-attempts"] == 3
    assert properties.headers["x-reason"] == "handler failed 3 times: RuntimeError"
    assert properties.headers["x-last-error"] == "RuntimeError"
    assert json.loads(body)["id"] == str(event.id)
    assert worker.output().count("retrying in 1s") == 2  # through notify.wait.1s twice (no jitter below 1s)

    [listed] = parking.list_parked(amqp_url, "notify")
    assert (listed.id, listed.attempts, listed.type, listed.region) == (
        str(event.id),
        3,
        busapp.EVENT_TYPE,
        "almaty",
    )
    assert depth(amqp_url, "notify.parked") == 1  # listing consumed nothing
    assert busapp.effect_count(rt, "flaky") == 0

    fixed.write_text("fixed")
    assert parking.replay(amqp_url, "notify", str(event.id)) == 1
    assert wait_for(lambda: busapp.effect_count(rt, "flaky") == 1, 30), worker.output()
    assert depth(amqp_url, "notify.parked") == 0
    assert depth(amqp_url, "media.almaty") == 1  # the replay went to notify's queue only, not to media's


def test_malformed_messages_are_parked_with_their_reason_and_the_good_one_behind_is_handled(
    tmp_path: Path, pg_url: str, amqp_url: str, spawn
) -> None:
    rt = runtime(tmp_path, pg_url, amqp_url)
    declare_topology(amqp_url)
    publish_pika(amqp_url, "review.garbage.almaty", b"\xff not json {", "junk-1")
    unknown = busapp.event(marker="unknown").to_json().replace(busapp.EVENT_TYPE, "review.never_heard_of")
    publish_pika(amqp_url, "review.never_heard_of.almaty", unknown.encode(), "unknown-1")
    good = busapp.event(marker="good")
    publish_pika(amqp_url, good.routing_key, good.to_json().encode(), str(good.id))
    worker = spawn("worker")
    assert wait_for(lambda: busapp.effect_count(rt, "good") == 1, 30), worker.output()
    assert wait_for(lambda: depth(amqp_url, "notify.parked") == 2, 30), worker.output()
    reasons = {p.message_id: p.headers["x-reason"] for p, _ in peek(amqp_url, "notify.parked")}
    assert "malformed envelope" in reasons["junk-1"]
    assert "no handler for review.never_heard_of" in reasons["unknown-1"]
    assert [body for p, body in peek(amqp_url, "notify.parked") if p.message_id == "junk-1"] == [
        b"\xff not json {"
    ]
    assert worker.popen.poll() is None  # still running


def test_worker_and_relay_reconnect_after_the_broker_drops_their_connections(
    tmp_path: Path, pg_url: str, amqp_url: str, spawn
) -> None:
    rt = runtime(tmp_path, pg_url, amqp_url)
    worker = spawn("worker")
    busapp.emit_events(rt, [busapp.event(marker="before")])
    assert wait_for(lambda: busapp.effect_count(rt, "before") == 1, 30), worker.output()
    vhost = amqp_url.rsplit("/", 1)[1]
    rabbitmqctl("close_all_connections", "--vhost", vhost, "test: broker went away")
    busapp.emit_events(rt, [busapp.event(marker="after")])
    assert wait_for(lambda: busapp.effect_count(rt, "after") == 1, 60), worker.output()
    assert busapp.unpublished(rt) == 0
    assert worker.output().count("worker of notify consuming") == 2  # connected, lost, connected again


def test_two_relays_on_one_outbox_publish_each_event_once(tmp_path: Path, pg_url: str, amqp_url: str) -> None:
    import threading

    from shared.relay import Relay

    rt = runtime(tmp_path, pg_url, amqp_url)
    declare_topology(amqp_url)
    n = 3000
    for start in range(0, n, 500):
        busapp.emit_events(rt, [busapp.event(marker=f"two-{i}") for i in range(start, start + 500)])
    relays = [Relay(rt.db, amqp_url, batch=200) for _ in range(2)]
    counts = [0, 0]

    def drain(index: int) -> None:
        while (count := relays[index].relay_all()) > 0:
            counts[index] += count

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for relay in relays:
        relay.close()
    assert sum(counts) == n and busapp.unpublished(rt) == 0
    assert all(counts), counts  # both took part (SKIP LOCKED let them share the work)
    assert wait_for(lambda: depth(amqp_url, "notify.almaty") == n)  # no event published twice
    time.sleep(0.5)
    assert depth(amqp_url, "notify.almaty") == n


def test_an_unroutable_event_stays_in_the_outbox_whole(tmp_path: Path, pg_url: str, amqp_url: str) -> None:
    from shared.envelope import Event
    from shared.relay import Relay

    rt = runtime(tmp_path, pg_url, amqp_url)
    nobody_follows = Event(  # every service binds only the 20 regions' keys
        type="media.photo_rejected",
        version=1,
        region="atlantis",
        producer="media",
        payload={"nomination_id": "n1", "reason": "missing"},
    )
    routable = busapp.event(marker="routable")
    busapp.emit_events(rt, [nobody_follows, routable])
    relay = Relay(rt.db, amqp_url)
    assert relay.relay_once() == 1  # the routable one only
    relay.close()
    assert busapp.unpublished(rt) == 1
    with rt.db.unit_of_work() as session:  # put back as it was: same id, body and time
        (row,) = session.execute(select(busapp.outbox)).all()
    assert (row.event_id, row.body) == (str(nobody_follows.id), nobody_follows.to_json())
    assert row.created_at is not None and row.id == 1
    assert [p.message_id for p, _ in peek(amqp_url, "notify.almaty")] == [str(routable.id)]


def test_the_worker_never_handles_a_message_inside_the_republishing_of_another(
    tmp_path: Path, pg_url: str, amqp_url: str, spawn
) -> None:
    """Retries are published while more deliveries stream in: none may be handled inside that wait."""
    runtime(tmp_path, pg_url, amqp_url)  # the test service's tables
    depths = tmp_path / "depths"
    declare_topology(amqp_url)
    events = [busapp.event(f"depth_fail:{depths}", marker=f"depth-{i}") for i in range(40)]
    for item in events:
        publish_pika(amqp_url, item.routing_key, item.to_json().encode(), str(item.id))
    worker = spawn("worker", "--no-relay")
    assert wait_for(lambda: depth(amqp_url, "notify.parked") == 40, 90), worker.output()
    recorded = [int(line) for line in depths.read_text().split()]
    assert len(recorded) == 40 * 3
    assert max(recorded) == 1, f"the worker re-entered itself {max(recorded)} levels deep"


def publish_events(amqp_url: str, events: list) -> None:  # type: ignore[type-arg]
    for item in events:
        publish_pika(amqp_url, item.routing_key, item.to_json().encode(), str(item.id))


def test_a_database_outage_longer_than_every_retry_parks_nothing_and_loses_nothing(
    tmp_path: Path, pg_url: str, amqp_url: str, spawn
) -> None:
    rt = runtime(tmp_path, pg_url, amqp_url)
    declare_topology(amqp_url)
    worker = spawn("worker", "--no-relay")  # retries after 1 s and 1 s, then parking
    publish_events(amqp_url, [busapp.event(marker="before")])
    assert wait_for(lambda: busapp.effect_count(rt, "before") == 1, 30), worker.output()
    database = pg_url.rsplit("/", 1)[1]
    rt.db.dispose()
    testing.postgres_admin(f"ALTER DATABASE {database} ALLOW_CONNECTIONS false")
    try:
        testing.postgres_admin(
            f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"
        )
        publish_events(amqp_url, [busapp.event(marker=f"outage-{i}") for i in range(5)])
        time.sleep(10)  # five times every retry's wait
        assert depth(amqp_url, "notify.parked") == 0, worker.output()
    finally:
        testing.postgres_admin(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true")
    assert wait_for(lambda: all(busapp.effect_count(rt, f"outage-{i}") == 1 for i in range(5)), 60), (
        worker.output()
    )
    assert depth(amqp_url, "notify.parked") == 0 and depth(amqp_url, "notify.almaty") == 0
    assert "consuming pauses until the database answers" in worker.output()
    assert worker.popen.poll() is None


def test_no_personal_data_of_a_failing_handler_reaches_the_logs_or_the_headers(
    tmp_path: Path, pg_url: str, amqp_url: str, spawn
) -> None:
    runtime(tmp_path, pg_url, amqp_url)
    declare_topology(amqp_url)
    worker = spawn("worker", "--no-relay")
    publish_events(amqp_url, [busapp.event("leak"), busapp.event("db_leak")])
    assert wait_for(lambda: depth(amqp_url, "notify.parked") == 2, 60), worker.output()
    parked = peek(amqp_url, "notify.parked")
    reasons = sorted(properties.headers["x-reason"] for properties, _ in parked)
    assert reasons == [
        "handler failed 3 times: DataError from psycopg.errors.InvalidTextRepresentation SQLSTATE 22P02",
        "handler failed 3 times: ValueError",
    ]
    seen = worker.output() + repr([properties.headers for properties, _ in parked])
    assert "retrying in 1s" in seen and "x-last-error" in seen
    for value in busapp.PERSONAL:
        assert value not in seen


def test_a_message_over_its_delivery_limit_is_parked_by_the_broker(
    tmp_path: Path, pg_url: str, amqp_url: str
) -> None:
    from shared.topology import DELIVERY_LIMIT

    declare_topology(amqp_url)
    item = busapp.event(marker="poison")
    publish_events(amqp_url, [item])
    with pika.BlockingConnection(pika_parameters(amqp_url)) as conn:
        channel = conn.channel()
        for _ in range(DELIVERY_LIMIT + 1):  # a worker that dies in the handler every time
            method, _, _ = channel.basic_get("notify.almaty", auto_ack=False)
            assert method is not None
            channel.basic_nack(method.delivery_tag, requeue=True)
    assert wait_for(lambda: depth(amqp_url, "notify.parked") == 1, 20)
    [listed] = parking.list_parked(amqp_url, "notify")
    assert listed.id == str(item.id) and listed.original_queue == "notify.almaty"
    assert "delivery limit" in listed.reason
    vhost = amqp_url.rsplit("/", 1)[1]
    arguments = rabbitmqctl(
        "-q", "list_queues", "-p", vhost, "name", "arguments", "--no-table-headers"
    ).stdout
    line = next(line for line in arguments.splitlines() if line.startswith("notify.almaty\t"))
    assert "at-least-once" in line and "reject-publish" in line


def test_a_handler_stuck_in_the_database_is_cancelled_and_the_queue_moves_on(
    tmp_path: Path, pg_url: str, amqp_url: str, spawn
) -> None:
    rt = runtime(tmp_path, pg_url, amqp_url)
    declare_topology(amqp_url)
    worker = spawn("worker", "--no-relay", TOP100_HANDLER_TIMEOUT="1")
    publish_events(amqp_url, [busapp.event("pg_sleep:600"), busapp.event(marker="behind")])
    assert wait_for(lambda: busapp.effect_count(rt, "behind") == 1, 30), worker.output()
    assert wait_for(lambda: depth(amqp_url, "notify.parked") == 1, 60), worker.output()
    [(properties, _)] = peek(amqp_url, "notify.parked")
    assert "SQLSTATE 57014" in properties.headers["x-reason"]  # query_canceled: statement_timeout


def test_a_handler_stuck_outside_the_database_ends_the_process_and_its_message_is_redelivered(
    tmp_path: Path, pg_url: str, amqp_url: str, spawn
) -> None:
    runtime(tmp_path, pg_url, amqp_url)
    declare_topology(amqp_url)
    worker = spawn("worker", "--no-relay", TOP100_HANDLER_TIMEOUT="1")
    publish_events(amqp_url, [busapp.event("sleep:600")])
    assert worker.popen.wait(60) == 70, worker.output()  # limit 1 s + grace 5 s, then the watchdog
    assert "still running after" in worker.output()
    assert wait_for(lambda: depth(amqp_url, "notify.almaty") == 1, 20)  # unacked: back for the next process
