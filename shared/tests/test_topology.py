"""The topology routes what it should, where it should: checked by AMQP topic matching rules."""

from __future__ import annotations

import re

import pytest

from shared import topology
from shared.regions import region_codes


def topic_matches(pattern: str, key: str) -> bool:
    """AMQP topic semantics: `*` is exactly one word, `#` zero or more words."""
    words = pattern.split(".")
    parts = []
    for word in words:
        if word == "#":
            parts.append(r"(?:[^.]+(?:\.[^.]+)*)?")
        elif word == "*":
            parts.append(r"[^.]+")
        else:
            parts.append(re.escape(word))
    regex = r"\.".join(parts).replace(r"(?:[^.]+(?:\.[^.]+)*)?\.", r"(?:[^.]+\.)*")
    return re.fullmatch(regex, key) is not None


def routed(exchange: str, key: str, specs: list[topology.QueueSpec]) -> set[str]:
    return {
        spec.name
        for spec in specs
        for ex, pattern in spec.bindings
        if ex == exchange and topic_matches(pattern, key)
    }


def all_specs(delays: tuple[int, ...] = (1, 5, 30)) -> list[topology.QueueSpec]:
    return [
        spec
        for service in topology.SUBSCRIPTIONS
        for spec in topology.service_queues(service) + topology.support_queues(service, delays)
    ]


def test_topic_matcher_itself() -> None:
    assert topic_matches("a.*.c", "a.b.c")
    assert not topic_matches("a.*.c", "a.b.b.c")
    assert topic_matches("#.c", "c") and topic_matches("#.c", "a.b.c")


@pytest.mark.parametrize("service", list(topology.SUBSCRIPTIONS))
def test_every_service_has_a_queue_per_region_bound_for_its_aggregates(service: str) -> None:
    specs = topology.service_queues(service, lanes=("events",))
    assert [spec.name for spec in specs] == [f"{service}.{region}" for region in region_codes()]
    photos = topology.PHOTO_AGGREGATES.get(service, ())
    for spec in specs:
        region = spec.name.split(".", 1)[1]
        for aggregate in topology.SUBSCRIPTIONS[service]:
            binding = (topology.EVENTS_EXCHANGE, f"{aggregate}.*.{region}")
            assert (binding in spec.bindings) is (aggregate not in photos)
            assert (binding in spec.unbindings) is (aggregate in photos)
        assert spec.arguments["x-queue-type"] == "quorum"
        assert spec.arguments["x-dead-letter-exchange"] == topology.PARKING_EXCHANGE


def test_an_event_reaches_each_follower_in_its_region_only() -> None:
    targets = routed(topology.EVENTS_EXCHANGE, "nomination.submitted.almaty", all_specs())
    assert targets == {"review.almaty", "media.photos.almaty", "notify.almaty"}
    assert "review.almaty_region" not in targets
    assert routed(topology.EVENTS_EXCHANGE, "review.candidate_registered.shymkent", all_specs()) == {
        "intake.shymkent",
        "media.shymkent",
        "notify.shymkent",
    }


def test_a_retry_waits_in_its_service_wait_queue_then_returns_to_its_own_queue_only() -> None:
    specs = all_specs()
    key = topology.wait_routing_key("media.almaty", 5)
    assert routed(topology.WAIT_EXCHANGE, key, specs) == {topology.wait_queue("media", 5)}
    wait = next(spec for spec in specs if spec.name == topology.wait_queue("media", 5))
    assert wait.arguments == {"x-message-ttl": 5000, "x-dead-letter-exchange": topology.RETRY_EXCHANGE}
    # dead-lettered with the same key to the retry exchange: back to media.almaty, nowhere else
    assert routed(topology.RETRY_EXCHANGE, key, specs) == {"media.almaty"}


def test_media_s_photo_work_has_a_lane_of_its_own_and_its_retries_come_back_to_it() -> None:
    specs = all_specs()
    photo_lane = topology.service_queues("media", ("almaty",), lanes=("photos",))
    assert [spec.name for spec in photo_lane] == ["media.photos.almaty"]
    for event_type in ("nomination.submitted", "nomination.amended", "nomination.withdrawn"):
        assert "media.photos.almaty" in routed(topology.EVENTS_EXCHANGE, f"{event_type}.almaty", specs)
        assert "media.almaty" not in routed(topology.EVENTS_EXCHANGE, f"{event_type}.almaty", specs)
    for event_type in (
        "candidate.advanced",
        "review.candidate_registered",
        "winners.published",
        "session.ended",
    ):
        assert "media.almaty" in routed(topology.EVENTS_EXCHANGE, f"{event_type}.almaty", specs)
    key = topology.wait_routing_key("media.photos.almaty", 5)
    assert routed(topology.WAIT_EXCHANGE, key, specs) == {topology.wait_queue("media", 5)}
    assert routed(topology.RETRY_EXCHANGE, key, specs) == {"media.photos.almaty"}
    replay = topology.replay_routing_key("media.photos.almaty")
    assert routed(topology.RETRY_EXCHANGE, replay, specs) == {"media.photos.almaty"}
    assert topology.service_queues("review", ("almaty",), lanes=("photos",)) == []


def test_a_replay_goes_back_to_the_original_queue_only() -> None:
    key = topology.replay_routing_key("notify.almaty_region")
    assert routed(topology.RETRY_EXCHANGE, key, all_specs()) == {"notify.almaty_region"}


def test_parking_is_per_service() -> None:
    specs = all_specs()
    for service in topology.SUBSCRIPTIONS:
        assert {s.name for s in specs if (topology.PARKING_EXCHANGE, service) in s.bindings} == {
            topology.parking_queue(service)
        }
        assert topology.service_queues(service)[0].arguments["x-dead-letter-routing-key"] == service


def test_definitions_document_is_complete() -> None:
    document = topology.rabbitmq_definitions((1, 5))
    names = {queue["name"] for queue in document["queues"]}
    waits = len(topology.jittered_waits(1) + topology.jittered_waits(5))  # 1s; 4, 5 and 6s
    assert waits == 4
    photo_lanes = len(region_codes())  # media's
    assert len(names) == len(document["queues"]) == 4 * (len(region_codes()) + waits + 1) + photo_lanes
    assert {exchange["name"] for exchange in document["exchanges"]} == {
        name for name, _ in topology.EXCHANGES
    }
    assert all(binding["destination"] in names for binding in document["bindings"])


def test_retries_wait_their_delay_give_or_take_a_fifth_in_a_few_fixed_queues() -> None:
    assert topology.jittered_waits(600) == (480, 540, 600, 660, 720)
    assert topology.jittered_waits(1) == (1,)
    assert {topology.pick_wait(3600) for _ in range(200)} == set(topology.jittered_waits(3600))
    names = [spec.name for spec in topology.support_queues("notify", (1, 5, 30, 120, 600, 1800, 3600))]
    assert len(names) == len(set(names)) == 1 + 3 + 5 * 5 + 1  # finite: the waits, then parking
    for spec in topology.support_queues("notify", (600,))[:-1]:
        wait = int(spec.name.rsplit(".", 1)[1].rstrip("s"))
        assert spec.arguments["x-message-ttl"] == wait * 1000  # one TTL per queue: expiry in FIFO order
        assert routed(topology.WAIT_EXCHANGE, topology.wait_routing_key("notify.almaty", wait), [spec])


def test_work_queues_dead_letter_at_least_once() -> None:
    for spec in topology.service_queues("media"):
        assert spec.arguments["x-dead-letter-strategy"] == "at-least-once"
        assert spec.arguments["x-overflow"] == "reject-publish"  # what RabbitMQ requires for it
