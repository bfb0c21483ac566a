"""The embedded broker: a message file appears whole, so a consumer polling meanwhile never loses it."""

from __future__ import annotations

import threading
from pathlib import Path

import kombu

from shared import broker


def test_messages_published_while_a_consumer_polls_all_arrive_whole(tmp_path: Path) -> None:
    url = f"filesystem://{tmp_path / 'broker'}"
    queue = kombu.Queue("race.almaty", kombu.Exchange("race", type="direct"), routing_key="race")
    received: list[dict] = []
    errors: list[BaseException] = []
    count = 300

    def consume() -> None:
        with broker.connection(url) as conn:
            bound = queue(conn.default_channel)
            bound.declare()
            while len(received) < count:
                try:
                    message = bound.get(no_ack=True)
                except Exception as exc:  # a half-written file surfaces here as a JSON error
                    errors.append(exc)
                    return
                if message is not None:
                    received.append(message.payload)

    with broker.connection(url) as conn:
        queue(conn.default_channel).declare()
        consumer = threading.Thread(target=consume, daemon=True)
        consumer.start()
        producer = kombu.Producer(conn.default_channel)
        for index in range(count):
            producer.publish(
                {"n": index, "name": "Әлия Ғалымқызы"}, exchange=queue.exchange, routing_key="race"
            )
        consumer.join(30)
    assert not errors, errors[0]
    assert sorted(item["n"] for item in received) == list(range(count))
    assert {item["name"] for item in received} == {"Әлия Ғалымқызы"}
    assert not list((tmp_path / "broker" / "data").glob(".*.tmp"))
