"""A service's event worker: consumes its region queues, handles each event once, never loses one.

- Manual ack only after `shared.handling.handle` returned, i.e. after the handler's transaction
  (effect + inbox row) committed. A crash before that means redelivery; after it, a duplicate the
  inbox drops.
- A message no retry can fix (not JSON, a malformed envelope, an unknown type or version, no handler,
  an invalid payload) is parked at once with the reason and acked: it never blocks the queue.
- A handler that raises is retried with growing delays (`settings.retry_delays`, a second to an hour
  by default, each with jitter: see `shared.topology`), then parked. On RabbitMQ the delay is a TTL
  wait queue (`top100.wait` -> dead-letter -> `top100.retry` -> the original queue only) and the
  attempt travels in the `x-attempt` header; on the embedded transport, which has no TTL, the worker
  holds the message unacked and retries it itself when it is due. A held message takes one of the
  channel's prefetch slots, so there only the first `EMBEDDED_RETRIES` delays are used (a minute
  or so): ten messages waiting hours for their retries would stop the demo's worker for hours.
- Retries and parking are published on a connection of their own. On the consuming connection the
  wait for the publish's confirm would read the socket, and py-amqp hands every delivery it reads
  to its consumer at once: the worker would handle the next message inside the retry of the
  previous one, nested as deep as the prefetch (seen 10 levels deep).
- The service's own database unreachable is not the message's fault: the message goes back to its
  queue without counting an attempt, consuming stops, and the worker asks the database again with a
  growing pause until it answers, then consumes again. So a database restart parks nothing.
- A handler has `settings.handler_timeout` seconds: PostgreSQL cancels its statements after that
  (`shared.handling`), and a watchdog thread ends the process (exit status 70) when a handler is
  still running a little later, stuck outside the database (a socket without a timeout, a loop). A
  Python thread cannot be stopped from outside, and one stuck handler would stall every region
  queue of the worker, so the process goes; the orchestrator starts a new one, the broker redelivers
  the unacked message, and one that hangs every time is parked by the broker after its delivery
  limit. The watchdog needs the GIL only every second, which a handler blocked in I/O, in a C
  extension or in Python code (switched every 5 ms) leaves it.
- Failures are logged, and put in the `x-last-error` / `x-reason` headers, as the exception's type,
  SQLSTATE and constraint only (`shared.handling.failure_summary`): an exception's text may carry
  personal data, and those headers stay on messages in the wait and parking queues.
- Parked messages go to `top100.parking` with routing key = service and the headers `x-reason`,
  `x-original-queue`, `x-attempts`, `x-parked-at` (see `shared.parking`).
- The broker may go away: `kombu.mixins.ConsumerMixin` reconnects (its pauses grow to 30 s; a stop
  asked for while the broker is away is noticed at the next of them). Its `ConsumerProducerMixin`
  is not used: its producer connection inherits the consumer's heartbeat, which nobody answers
  while the connection sits idle between retries, so the broker would drop it every minute.
"""

from __future__ import annotations

import faulthandler
import heapq
import itertools
import logging
import os
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

import kombu
from kombu.mixins import ConsumerMixin
from marshmallow import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from shared import broker, clock, events, topology
from shared.envelope import Event
from shared.handling import Handler, failure_summary, handle
from shared.logs import reset_correlation_id, set_correlation_id
from shared.relay import Relay
from shared.runtime import Runtime

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
DRAIN_TIMEOUT = 0.5
#: A handler still running this long after its time limit ends the process.
WATCHDOG_GRACE = 5.0
EXIT_STUCK = 70  # EX_SOFTWARE
#: Retries on the embedded transport (see the module's docstring).
EMBEDDED_RETRIES = 3
#: The first pause before asking an unreachable database again (it doubles up to MAX_BACKOFF).
PROBE_PAUSE = 0.5


def _body_bytes(message: kombu.Message) -> bytes:
    body = message.body
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def _from_database(exc: BaseException) -> bool:
    """Whether `exc` (or what it was raised from) is a database error."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, SQLAlchemyError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class _Stopping(Exception):
    """Raised out of kombu's reconnect loop when a stop was asked for while the broker is away."""


class _Watchdog:
    """Ends the process when one handler runs past its limit (see the module's docstring)."""

    def __init__(self, limit: float, stop: threading.Event) -> None:
        self.limit = limit
        self.stop = stop
        self._since: float | None = None
        self._what = ""

    @contextmanager
    def watching(self, what: str) -> Iterator[None]:
        self._what, self._since = what, time.monotonic()
        try:
            yield
        finally:
            self._since = None

    def run(self) -> None:
        while not self.stop.wait(1.0):
            since = self._since
            if since is not None and time.monotonic() - since > self.limit + WATCHDOG_GRACE:
                log.critical(
                    "handler of %s still running after %.0fs (limit %.0fs): exiting, so that a new "
                    "process takes over and the broker redelivers the message",
                    self._what,
                    time.monotonic() - since,
                    self.limit,
                )
                faulthandler.dump_traceback(all_threads=True)  # where it hangs: code locations only
                os._exit(EXIT_STUCK)


#: Work a service's worker does on a clock rather than on an event: every so many seconds, a function
#: of the runtime (notify sends what a dead worker left queued). Run between deliveries, never
#: inside one, and a chore that fails is logged by its type and tried again at its next turn.
Chore = tuple[float, Callable[[Runtime], None]]


class Worker(ConsumerMixin):
    """The consumers of one service's region queues, on one connection kombu keeps up."""

    def __init__(
        self,
        runtime: Runtime,
        handlers: Mapping[str, Handler],
        regions: tuple[str, ...],
        prefetch: int,
        stop: threading.Event,
        chores: Sequence[Chore] = (),
        lanes: tuple[str, ...] = topology.LANES,
    ) -> None:
        self.runtime = runtime
        self.lanes = lanes
        self.chores = list(chores)
        self._chores_due = [0.0] * len(self.chores)  # each runs once the worker consumes, then every N s
        self.handlers = handlers
        self.regions = regions
        self.prefetch = prefetch
        self.stop = stop
        self.settings = runtime.settings
        self.service = runtime.settings.service
        self.embedded = broker.is_embedded(runtime.settings.broker_url)
        self.connection = broker.connection(runtime.settings.broker_url)
        self.watchdog = _Watchdog(runtime.settings.handler_timeout, stop)
        self._publisher: kombu.Producer | None = None
        self._consumers: list[kombu.Consumer] = []
        self._due: list[tuple[float, int, kombu.Message, str, int]] = []  # embedded retries
        self._order = itertools.count()
        self._database_down = False  # set by a delivery; consuming pauses at the next iteration
        self._paused = False
        self._probe_at = 0.0
        self._probe_pause = PROBE_PAUSE

    @property
    def should_stop(self) -> bool:  # type: ignore[override]
        return self.stop.is_set()

    # -- ConsumerMixin's hooks -----------------------------------------------------------------
    def get_consumers(self, Consumer: Any, channel: Any) -> list[kombu.Consumer]:
        names = broker.declare(channel, self.service, self.regions, self.settings.retry_delays, self.lanes)
        log.info("worker of %s consuming %d queues", self.service, len(names))
        return [
            Consumer(
                queues=[kombu.Queue(name, no_declare=True)],
                no_ack=False,
                prefetch_count=self.prefetch,
                on_message=partial(self._on_message, name),
            )
            for name in names
        ]

    def on_connection_revived(self) -> None:
        self._due.clear()  # unacked on the lost channel: the broker has them again

    def on_connection_error(self, exc: Exception, interval: float) -> None:
        if self.stop.is_set():
            raise _Stopping from exc
        log.warning(
            "worker of %s cannot reach the broker (%s); trying again in %.0fs",
            self.service,
            type(exc).__name__,
            interval,
        )

    def on_consume_ready(
        self, connection: Any, channel: Any, consumers: list[kombu.Consumer], **_: Any
    ) -> None:
        self._consumers = consumers
        self._paused = False
        self._database_down = not self._database_answers()

    def on_iteration(self) -> None:
        if self._database_down:
            self._wait_for_database()
        else:
            self._retry_due()
            self._run_chores()

    def _run_chores(self) -> None:
        now = time.monotonic()
        for index, (every, chore) in enumerate(self.chores):
            if now < self._chores_due[index]:
                continue
            self._chores_due[index] = now + every
            try:
                with self.watchdog.watching(f"chore {chore.__name__}"):
                    chore(self.runtime)
            except Exception as exc:
                log.warning("chore %s of %s failed: %s", chore.__name__, self.service, failure_summary(exc))

    # -- one message ---------------------------------------------------------------------------
    def _on_message(self, queue: str, message: kombu.Message) -> None:
        if self._database_down:  # delivered before consuming paused: back to the queue, no attempt
            message.requeue()
            return
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
                with self.watchdog.watching(f"{event.type} {event.id}"):
                    handled = handle(self.runtime, self.handlers, self.service, event)
            except (events.UnknownEvent, ValidationError) as exc:
                self._park(message, queue, f"{type(exc).__name__}: {exc}", attempt)
                return
            except Exception as exc:
                if _from_database(exc) and not self._database_answers():
                    self._database_lost(message, event, exc)
                else:
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
        delays = (
            self.settings.retry_delays[:EMBEDDED_RETRIES] if self.embedded else self.settings.retry_delays
        )
        summary = failure_summary(exc)
        where = {
            "event_id": str(event.id),
            "queue": queue,
            "stack": "".join(traceback.format_tb(exc.__traceback__)),
        }
        if attempt >= len(delays):
            log.error(
                "handler of %s %s failed on its last attempt: %s; parking",
                event.type,
                event.id,
                summary,
                extra=where,
            )
            self._park(message, queue, f"handler failed {attempt + 1} times: {summary}", attempt + 1)
            return
        wait = topology.pick_wait(delays[attempt])
        log.warning(
            "handler of %s %s failed (attempt %d): %s; retrying in %ss",
            event.type,
            event.id,
            attempt + 1,
            summary,
            wait,
            extra=where,
        )
        if self.embedded:
            entry = (time.monotonic() + wait, next(self._order), message, queue, attempt + 1)
            heapq.heappush(self._due, entry)
            return
        headers = dict(message.headers or {})
        headers.update({"x-attempt": attempt + 1, "x-last-error": summary})
        self._republish(message, topology.WAIT_EXCHANGE, topology.wait_routing_key(queue, wait), headers)
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
        """Publish a copy (confirmed on RabbitMQ) before the original is acked, on our own connection."""
        if self._publisher is None:
            self._publisher = kombu.Producer(broker.connection(self.settings.broker_url, heartbeat=0))
        body = _body_bytes(message)
        try:
            body.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "binary"
        self._publisher.publish(
            body,
            exchange=exchange,
            routing_key=routing_key,
            headers=headers,
            content_type=message.content_type or "application/octet-stream",
            content_encoding=encoding,
            message_id=message.properties.get("message_id") or str(uuid.uuid4()),
            delivery_mode=2,
            confirm_timeout=broker.CONFIRM_TIMEOUT,
            retry=True,  # once, on a fresh connection, if the broker dropped ours while it was idle
            retry_policy={"max_retries": 1, "interval_start": 0},
        )

    def _retry_due(self) -> None:
        while self._due and self._due[0][0] <= time.monotonic():
            _, _, message, queue, attempt = heapq.heappop(self._due)
            self._process(message, queue, attempt)

    # -- the service's database ----------------------------------------------------------------
    def _database_answers(self) -> bool:
        try:
            self.runtime.db.ping()
        except SQLAlchemyError:
            return False
        return True

    def _database_lost(self, message: kombu.Message, event: Event, exc: Exception) -> None:
        log.warning(
            "the database of %s is unreachable (%s): %s %s goes back to its queue, no attempt counted; "
            "consuming pauses until the database answers",
            self.service,
            failure_summary(exc),
            event.type,
            event.id,
        )
        self._database_down = True
        message.requeue()

    def _wait_for_database(self) -> None:
        """Pause consuming (outside any delivery), then ask the database with a growing pause."""
        now = time.monotonic()
        if not self._paused:
            for consumer in self._consumers:
                consumer.cancel()
            while self._due:  # embedded retries held in memory: back to their queue too
                heapq.heappop(self._due)[2].requeue()
            self._paused, self._probe_pause, self._probe_at = True, PROBE_PAUSE, now + PROBE_PAUSE
            return
        if now < self._probe_at:
            return
        if not self._database_answers():
            self._probe_pause = min(self._probe_pause * 2, MAX_BACKOFF)
            self._probe_at = now + self._probe_pause
            return
        self._database_down = self._paused = False
        for consumer in self._consumers:
            consumer.consume()
        log.warning("the database of %s answers again; consuming", self.service)

    def close(self) -> None:
        if self._publisher is not None:
            self._publisher.connection.release()
            self._publisher = None


def run_worker(
    runtime: Runtime,
    handlers: Mapping[str, Handler],
    regions: tuple[str, ...],
    *,
    stop: threading.Event | None = None,
    with_relay: bool = True,
    prefetch: int = 10,
    chores: Sequence[Chore] = (),
    lanes: tuple[str, ...] = topology.LANES,
) -> None:
    """Consume the queues of `lanes` (`<service>.<region>`, `<service>.photos.<region>`) for `regions`
    until `stop` is set (and relay the outbox), doing the service's `chores` between deliveries."""
    stop = stop or threading.Event()
    settings = runtime.settings
    relay_thread: threading.Thread | None = None
    if with_relay:
        relay = Relay(runtime.db, settings.broker_url, batch=settings.relay_batch)
        relay_thread = threading.Thread(
            target=relay.run, args=(stop,), name=f"{settings.service}-relay", daemon=True
        )
        relay_thread.start()
    worker = Worker(runtime, handlers, tuple(regions), prefetch, stop, chores, lanes)
    threading.Thread(target=worker.watchdog.run, name=f"{settings.service}-watchdog", daemon=True).start()
    try:
        while not stop.is_set():
            try:
                worker.run(safety_interval=DRAIN_TIMEOUT)  # reconnects after broker errors itself
            except _Stopping:
                break
            except Exception:  # anything else: start consuming afresh rather than die
                log.exception("worker of %s failed; consuming again in %.0fs", settings.service, MAX_BACKOFF)
                stop.wait(MAX_BACKOFF)
    finally:
        stop.set()
        worker.close()
        if relay_thread is not None:
            relay_thread.join(timeout=15)
        log.info("worker of %s stopped", settings.service)
