"""A service's event worker: consumes its region queues, handles each event once, never loses one.

- Manual ack only after `shared.handling.handle` returned, i.e. after the handler's transaction
  (effect + inbox row) committed. A crash before that means redelivery; after it, a duplicate the
  inbox drops.
- A message no retry can fix (not JSON, a malformed envelope, an unknown type or version, no handler,
  an invalid payload) is parked at once with the reason and acked: it never blocks the queue.
- A handler that raises is retried with growing delays (`settings.retry_delays`), then parked. On
  RabbitMQ the delay is a TTL wait queue (`top100.wait` -> dead-letter -> `top100.retry` -> the
  original queue only) and the attempt travels in the `x-attempt` header; on the embedded transport,
  which has no TTL, the worker holds the message unacked and retries it itself when it is due.
- Parked messages go to `top100.parking` with routing key = service and the headers `x-reason`,
  `x-original-queue`, `x-attempts`, `x-parked-at` (see `shared.parking`).
- The broker may go away: the worker reconnects with a growing pause; so does its relay thread.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

import kombu
from marshmallow import ValidationError

from shared import broker, clock, events, topology
from shared.envelope import Event
from shared.handling import Handler, handle
from shared.logs import reset_correlation_id, set_correlation_id
from shared.relay import Relay
from shared.runtime import Runtime

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
DRAIN_TIMEOUT = 0.5


def _body_bytes(message: kombu.Message) -> bytes:
    body = message.body
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


class _Consumer:
    """One connection's worth of consuming; rebuilt by `run` after a lost connection."""

    def __init__(
        self, runtime: Runtime, handlers: Mapping[str, Handler], regions: tuple[str, ...], prefetch: int
    ) -> None:
        self.runtime = runtime
        self.handlers = handlers
        self.regions = regions
        self.prefetch = prefetch
        self.settings = runtime.settings
        self.service = runtime.settings.service
        self.embedded = broker.is_embedded(runtime.settings.broker_url)
        self.producer: kombu.Producer | None = None
        self._due: list[tuple[float, int, kombu.Message, str, int]] = []  # embedded retries
        self._order = itertools.count()
        self.connected = False

    # -- one message ---------------------------------------------------------------------------
    def _on_message(self, queue: str, message: kombu.Message) -> None:
        attempt = int((message.headers or {}).get("x-attempt", 0) or 0)
        self._process(message, queue, attempt)

    def _process(self, message: kombu.Message, queue: str, attempt: int) -> None:
        try:
            event = Event.from_json(_body_bytes(message))
        except (ValidationError, ValueError, TypeError) as exc:
            self._park(message, queue, f"malformed envelope: {exc}", attempt)
            return
        token = set_correlation_id(event.correlation_id)
        try:
            try:
                handled = handle(self.runtime, self.handlers, self.service, event)
            except (events.UnknownEvent, ValidationError) as exc:
                self._park(message, queue, f"{type(exc).__name__}: {exc}", attempt)
                return
            except Exception as exc:
                self._failed(message, queue, attempt, exc, event)
                return
            message.ack()
            log.info(
                "%s %s %s",
                "handled" if handled else "duplicate dropped",
                event.type,
                event.id,
                extra={"event_id": str(event.id), "queue": queue},
            )
        finally:
            reset_correlation_id(token)

    def _failed(self, message: kombu.Message, queue: str, attempt: int, exc: Exception, event: Event) -> None:
        delays = self.settings.retry_delays
        if attempt >= len(delays):
            log.exception("handler of %s %s failed on its last attempt; parking", event.type, event.id)
            self._park(message, queue, f"handler failed {attempt + 1} times: {exc!r}", attempt + 1)
            return
        delay = delays[attempt]
        log.warning(
            "handler of %s %s failed (attempt %d): %r; retrying in %ss",
            event.type,
            event.id,
            attempt + 1,
            exc,
            delay,
            extra={"event_id": str(event.id), "queue": queue},
        )
        if self.embedded:
            entry = (time.monotonic() + delay, next(self._order), message, queue, attempt + 1)
            heapq.heappush(self._due, entry)
            return
        headers = dict(message.headers or {})
        headers.update({"x-attempt": attempt + 1, "x-last-error": repr(exc)[:500]})
        self._republish(message, topology.WAIT_EXCHANGE, topology.wait_routing_key(queue, delay), headers)
        message.ack()

    def _park(self, message: kombu.Message, queue: str, reason: str, attempts: int) -> None:
        headers = {k: v for k, v in (message.headers or {}).items() if k not in ("x-attempt", "x-death")}
        headers.update(
            {
                "x-reason": reason[:2000],
                "x-original-queue": queue,
                "x-attempts": attempts,
                "x-parked-at": clock.utcnow().isoformat(),
            }
        )
        self._republish(message, topology.PARKING_EXCHANGE, self.service, headers)
        message.ack()
        log.error(
            "PARKED a message from %s: %s",
            queue,
            reason,
            extra={"message_id": message.properties.get("message_id"), "queue": queue},
        )

    def _republish(
        self, message: kombu.Message, exchange: str, routing_key: str, headers: dict[str, Any]
    ) -> None:
        """Publish a copy (confirmed on RabbitMQ) before the original is acked."""
        assert self.producer is not None
        body = _body_bytes(message)
        try:
            body.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "binary"
        self.producer.publish(
            body,
            exchange=exchange,
            routing_key=routing_key,
            headers=headers,
            content_type=message.content_type or "application/octet-stream",
            content_encoding=encoding,
            message_id=message.properties.get("message_id") or str(uuid.uuid4()),
            delivery_mode=2,
            confirm_timeout=broker.CONFIRM_TIMEOUT,
        )

    def _retry_due(self) -> None:
        while self._due and self._due[0][0] <= time.monotonic():
            _, _, message, queue, attempt = heapq.heappop(self._due)
            self._process(message, queue, attempt)

    # -- one connection ------------------------------------------------------------------------
    def consume(self, stop: threading.Event) -> None:
        with broker.connection(self.settings.broker_url) as conn:
            conn.ensure_connection(max_retries=1)
            channel = conn.channel()
            names = broker.declare(channel, self.service, self.regions, self.settings.retry_delays)
            self.producer = kombu.Producer(channel)
            consumers = [
                kombu.Consumer(
                    channel,
                    [kombu.Queue(name, no_declare=True)],
                    no_ack=False,
                    prefetch_count=self.prefetch,
                    on_message=lambda message, name=name: self._on_message(name, message),
                )
                for name in names
            ]
            for consumer in consumers:
                consumer.consume()
            log.info("worker of %s consuming %s", self.service, ", ".join(names))
            self.connected = True
            try:
                while not stop.is_set():
                    with contextlib.suppress(TimeoutError):  # socket.timeout is TimeoutError
                        conn.drain_events(timeout=DRAIN_TIMEOUT)
                    conn.heartbeat_check()
                    self._retry_due()
            finally:
                self._due.clear()  # unacked: restored to their queue when the channel closes
                for consumer in consumers:
                    try:
                        consumer.cancel()
                    except Exception:
                        log.debug("cancelling a consumer failed", exc_info=True)


def run_worker(
    runtime: Runtime,
    handlers: Mapping[str, Handler],
    regions: tuple[str, ...],
    *,
    stop: threading.Event | None = None,
    with_relay: bool = True,
    prefetch: int = 10,
) -> None:
    """Consume `<service>.<region>` for `regions` until `stop` is set (and relay the outbox)."""
    stop = stop or threading.Event()
    settings = runtime.settings
    relay_thread: threading.Thread | None = None
    if with_relay:
        relay = Relay(runtime.db, settings.broker_url, batch=settings.relay_batch)
        relay_thread = threading.Thread(
            target=relay.run, args=(stop,), name=f"{settings.service}-relay", daemon=True
        )
        relay_thread.start()
    consumer = _Consumer(runtime, handlers, tuple(regions), prefetch)
    backoff = 0.5
    try:
        while not stop.is_set():
            consumer.connected = False
            try:
                consumer.consume(stop)
            except Exception:
                log.exception(
                    "worker of %s lost the broker; reconnecting in %.1fs", settings.service, backoff
                )
                stop.wait(backoff)
                backoff = 0.5 if consumer.connected else min(backoff * 2, MAX_BACKOFF)
    finally:
        stop.set()
        if relay_thread is not None:
            relay_thread.join(timeout=15)
        log.info("worker of %s stopped", settings.service)
