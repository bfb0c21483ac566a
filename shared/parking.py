"""The operator's view of parked messages: list them without consuming, replay one or all.

A parked message sits in `<service>.parked` with the headers the worker set (`x-reason`,
`x-original-queue`, `x-attempts`, `x-parked-at`) or, when RabbitMQ itself parked it after too many
deliveries (a worker that kept dying mid-handler), with its `x-death` header. Replay publishes it
through `top100.retry` with the key `replay.<original queue>`, so it lands back in its own queue only
(not in every queue bound to the event's routing key), with its attempt count reset.

Listing reads every message without acking it and then closes the channel, which puts them all back
(RabbitMQ requeues unacked messages; kombu's embedded transport restores them too). Works on both
transports; on the embedded one the order of the parked queue may change after a listing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import kombu

from shared import broker, clock, topology

log = logging.getLogger(__name__)

#: At most this many messages are read per listing or replay (a safety valve, not a page size).
LIMIT = 10_000
_ROUTING_HEADERS = (
    "x-attempt",
    "x-attempts",
    "x-reason",
    "x-parked-at",
    "x-original-queue",
    "x-death",
    "x-last-error",
    "x-delivery-count",
    "x-first-death-exchange",
    "x-first-death-queue",
    "x-first-death-reason",
)


@dataclass(frozen=True)
class ParkedMessage:
    id: str
    service: str
    original_queue: str | None
    reason: str
    attempts: int
    parked_at: str | None
    type: str | None
    region: str | None


def _services(service: str | None) -> list[str]:
    if service is None:
        return list(topology.SUBSCRIPTIONS)
    if service not in topology.SUBSCRIPTIONS:
        raise ValueError(f"unknown service {service!r}; expected one of {', '.join(topology.SUBSCRIPTIONS)}")
    return [service]


def _first_death(headers: dict[str, Any]) -> dict[str, Any]:
    deaths = headers.get("x-death") or []
    return deaths[0] if deaths and isinstance(deaths[0], dict) else {}


def _describe(service: str, message: kombu.Message) -> ParkedMessage:
    headers = dict(message.headers or {})
    death = _first_death(headers)
    body = message.body
    try:
        raw = json.loads(body)
    except (TypeError, ValueError):
        raw = None
    raw = raw if isinstance(raw, dict) else {}
    reason = headers.get("x-reason")
    if reason is None:
        reason = f"dead-lettered by the broker: {death.get('reason', 'unknown')} (delivery limit reached)"
    return ParkedMessage(
        id=str(message.properties.get("message_id") or ""),
        service=service,
        original_queue=headers.get("x-original-queue") or death.get("queue"),
        reason=str(reason),
        attempts=int(headers.get("x-attempts") or death.get("count") or 0),
        parked_at=headers.get("x-parked-at") or (str(death["time"]) if death.get("time") else None),
        type=raw.get("type") if isinstance(raw.get("type"), str) else None,
        region=raw.get("region") if isinstance(raw.get("region"), str) else None,
    )


def _fetch_all(channel: Any, service: str) -> list[kombu.Message]:
    """Every message of the parking queue, unacked (they return to the queue when the channel closes)."""
    broker.declare_exchanges(channel)
    spec = next(s for s in topology.support_queues(service, ()) if s.name == topology.parking_queue(service))
    broker.declare_specs(channel, [spec])
    queue = kombu.Queue(spec.name, no_declare=True)(channel)
    messages = []
    while len(messages) < LIMIT:
        message = queue.get(no_ack=False)
        if message is None:
            break
        messages.append(message)
    return messages


def _queue_exists(conn: kombu.Connection, name: str) -> bool:
    """On RabbitMQ, whether `name` exists (a passive declare, on a channel of its own)."""
    if broker.is_embedded_connection(conn):
        return True
    channel = conn.channel()
    try:
        channel.queue_declare(queue=name, passive=True)
        return True
    except conn.channel_errors:
        return False
    finally:
        try:
            channel.close()
        except Exception:
            log.debug("closing the probe channel failed", exc_info=True)


def list_parked(broker_url: str, service: str | None = None) -> list[ParkedMessage]:
    """The parked messages of `service` (all services by default), oldest first; consumes nothing."""
    found: list[ParkedMessage] = []
    with broker.connection(broker_url) as conn:
        for name in _services(service):
            channel = conn.channel()
            try:
                found.extend(_describe(name, message) for message in _fetch_all(channel, name))
            finally:
                channel.close()
    return found


def replay(broker_url: str, service: str, message_id: str | None = None) -> int:
    """Send parked message `message_id` (all of `service`'s when None) back to its own queue."""
    replayed = 0
    with broker.connection(broker_url) as conn:
        for name in _services(service):
            channel = conn.channel()
            try:
                producer = kombu.Producer(channel)
                for message in _fetch_all(channel, name):
                    parked = _describe(name, message)
                    if message_id is not None and parked.id != message_id:
                        continue
                    if not parked.original_queue or not _queue_exists(conn, parked.original_queue):
                        log.error(
                            "parked message %s: its queue %r does not exist; left parked",
                            parked.id,
                            parked.original_queue,
                        )
                        continue
                    headers = {k: v for k, v in (message.headers or {}).items() if k not in _ROUTING_HEADERS}
                    headers.update({"x-attempt": 0, "x-replayed-at": clock.utcnow().isoformat()})
                    body = message.body.encode("utf-8") if isinstance(message.body, str) else message.body
                    producer.publish(
                        body,
                        exchange=topology.RETRY_EXCHANGE,
                        routing_key=topology.replay_routing_key(parked.original_queue),
                        headers=headers,
                        content_type=message.content_type or "application/octet-stream",
                        content_encoding=message.content_encoding or "binary",
                        message_id=parked.id or None,
                        delivery_mode=2,
                        confirm_timeout=broker.CONFIRM_TIMEOUT,
                    )
                    message.ack()
                    replayed += 1
                    log.info("replayed parked message %s to %s", parked.id, parked.original_queue)
            finally:
                channel.close()
    return replayed
