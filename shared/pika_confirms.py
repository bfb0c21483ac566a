"""Asynchronous, batched publisher confirms with pika, driven from synchronous code (the relay).

A pika `SelectConnection` is callback based; this wrapper runs its ioloop only until what the caller
waits for has happened (the channel is open, every ack/nack/return of a batch has arrived) or a
timeout passes. While the relay idles it keeps running the ioloop, so heartbeats stay answered.

Measured on RabbitMQ 3.10: an unroutable message is still acked unless published with
`mandatory=True` (then a basic.return precedes its ack); without heartbeats and socket timeouts a
publisher hangs forever on a broker that went away.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from itertools import takewhile
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import pika
from pika.adapters.select_connection import SelectConnection

from shared.topology import EVENTS_EXCHANGE

log = logging.getLogger(__name__)

HEARTBEAT = 30
CONNECT_TIMEOUT = 10.0


class Outgoing(Protocol):
    event_id: str
    routing_key: str
    body: str


class PublisherError(ConnectionError):
    """The broker connection failed or closed; the relay reconnects."""


def pika_parameters(url: str, heartbeat: int = HEARTBEAT) -> pika.URLParameters:
    """pika parameters from a kombu-style AMQP URL (`pyamqp://`, `//` for the default vhost)."""
    parts = urlsplit(url)
    scheme = "amqps" if parts.scheme == "amqps" else "amqp"
    path = parts.path
    if path in ("", "/", "//"):
        path = "/%2F"
    params = pika.URLParameters(urlunsplit((scheme, parts.netloc, path, "", "")))
    params.heartbeat = heartbeat
    params.socket_timeout = CONNECT_TIMEOUT
    params.stack_timeout = CONNECT_TIMEOUT + 5
    params.blocked_connection_timeout = 60
    params.connection_attempts = 1
    return params


class _CorkedConnection(SelectConnection):
    """A SelectConnection that can hold outgoing frames and write them in one go.

    pika writes every frame (method, header, body: three per message) with a send() of its own; for
    a batch of hundreds of messages that was the relay's largest cost. While corked, the frames are
    collected and written as one buffer. (`_adapter_emit_data` is pika 1.x's single output point.)
    """

    _corked: list[bytes] | None = None

    def _adapter_emit_data(self, data: bytes) -> None:
        if self._corked is not None:
            self._corked.append(data)
        else:
            super()._adapter_emit_data(data)

    def cork(self) -> None:
        self._corked = []

    def uncork(self) -> None:
        buffered, self._corked = self._corked, None
        if buffered:
            super()._adapter_emit_data(b"".join(buffered))


class ConfirmingPublisher:
    """One connection and one confirm-mode channel; `publish_batch` returns what was confirmed."""

    def __init__(self, url: str, timeout: float = 30.0, exchange: str = EVENTS_EXCHANGE) -> None:
        self.params = pika_parameters(url)
        self.timeout = timeout
        self.exchange = exchange
        self._conn: _CorkedConnection | None = None
        self._channel: Any = None
        self._error: str | None = None
        self._ready = False
        self._done: Callable[[], bool] | None = None
        self._tag = 0
        self._pending: dict[int, str] = {}
        self._acked: set[str] = set()
        self._nacked: set[str] = set()
        self._returned: set[str] = set()

    # -- the ioloop, run synchronously ---------------------------------------------------------
    def _check(self) -> None:
        if self._conn is not None and (self._error or (self._done is not None and self._done())):
            self._conn.ioloop.stop()

    def _run_until(self, done: Callable[[], bool], timeout: float) -> bool:
        assert self._conn is not None
        loop = self._conn.ioloop
        self._done = done
        timer = loop.call_later(timeout, loop.stop)
        try:
            if not done() and not self._error:
                loop.start()
        finally:
            loop.remove_timeout(timer)
            self._done = None
        if self._error:
            raise PublisherError(self._error)
        return done()

    # -- callbacks -----------------------------------------------------------------------------
    def _on_open(self, conn: SelectConnection) -> None:
        conn.channel(on_open_callback=self._on_channel)

    def _on_open_error(self, _conn: SelectConnection, error: Exception | str) -> None:
        self._error = f"cannot connect to RabbitMQ: {error}"
        self._check()

    def _on_closed(self, _conn: SelectConnection, reason: Exception) -> None:
        self._error = self._error or f"RabbitMQ connection closed: {reason}"
        self._ready = False
        self._check()

    def _on_channel(self, channel: Any) -> None:
        self._channel = channel
        channel.add_on_close_callback(self._on_channel_closed)
        channel.add_on_return_callback(self._on_return)
        channel.confirm_delivery(ack_nack_callback=self._on_confirm, callback=self._on_confirm_ok)

    def _on_confirm_ok(self, _frame: Any) -> None:
        self._ready = True
        self._check()

    def _on_channel_closed(self, _channel: Any, reason: Exception) -> None:
        self._error = self._error or f"RabbitMQ channel closed: {reason}"
        self._ready = False
        self._check()

    def _on_return(self, _channel: Any, _method: Any, properties: Any, _body: bytes) -> None:
        if properties.message_id:
            self._returned.add(properties.message_id)

    def _on_confirm(self, frame: Any) -> None:
        method = frame.method
        target = self._acked if isinstance(method, pika.spec.Basic.Ack) else self._nacked
        # Tags enter `_pending` in increasing order, so the ones a multiple ack covers are at its
        # front: stop at the first later one instead of scanning every message in flight.
        tags = (
            list(takewhile(lambda tag: tag <= method.delivery_tag, self._pending))
            if method.multiple
            else [method.delivery_tag]
        )
        for tag in tags:
            event_id = self._pending.pop(tag, None)
            if event_id is not None:
                target.add(event_id)
        self._check()

    # -- the synchronous interface -------------------------------------------------------------
    def connect(self) -> None:
        self._error = None
        self._ready = False
        self._tag = 0
        self._pending.clear()  # anything unconfirmed on an earlier connection stays unconfirmed
        self._conn = _CorkedConnection(
            self.params,
            on_open_callback=self._on_open,
            on_open_error_callback=self._on_open_error,
            on_close_callback=self._on_closed,
        )
        if not self._run_until(lambda: self._ready, CONNECT_TIMEOUT + 5):
            self.close()
            raise PublisherError("timed out opening a confirm-mode channel on RabbitMQ")

    def publish(self, messages: Iterable[Outgoing]) -> list[str]:
        """Publish without waiting (persistent, mandatory, message_id = event id); returns the ids."""
        if self._conn is None or not self._ready:
            self.connect()
        ids = []
        self._conn.cork()
        try:
            for message in messages:
                self._tag += 1
                self._pending[self._tag] = message.event_id
                ids.append(message.event_id)
                self._channel.basic_publish(
                    self.exchange,
                    message.routing_key,
                    message.body.encode("utf-8"),
                    properties=pika.BasicProperties(
                        content_type="application/json",
                        content_encoding="utf-8",
                        delivery_mode=2,
                        message_id=message.event_id,
                    ),
                    mandatory=True,
                )
        finally:
            self._conn.uncork()
        return ids

    def wait(self, ids: list[str]) -> tuple[set[str], set[str]]:
        """Run the ioloop until every one of `ids` is acked or nacked, or the timeout passes.

        Returns (confirmed ids, returned-unroutable ids); nacked and unconfirmed ones are in neither
        set, so the caller leaves them in the outbox for the next round.
        """
        wanted = set(ids)
        started = time.monotonic()
        if self._conn is not None:
            self._run_until(lambda: wanted.isdisjoint(self._pending.values()), self.timeout)
        unconfirmed = wanted.intersection(self._pending.values())
        if unconfirmed:
            log.warning(
                "%d publishes unconfirmed after %.0fs; they stay in the outbox",
                len(unconfirmed),
                time.monotonic() - started,
            )
            self.close()  # delivery tags of a half-confirmed channel cannot be trusted any more
        nacked = wanted & self._nacked
        if nacked:
            log.warning("broker nacked %d events; they stay in the outbox", len(nacked))
        returned = wanted & self._returned
        confirmed = (wanted & self._acked) - returned
        self._acked -= wanted
        self._nacked -= wanted
        self._returned -= wanted
        return confirmed, returned

    def publish_batch(self, messages: Iterable[Outgoing]) -> tuple[set[str], set[str]]:
        """Publish all and wait for their confirms: (confirmed ids, returned-unroutable ids)."""
        return self.wait(self.publish(messages))

    def idle(self, seconds: float) -> None:
        """Wait while answering heartbeats (the ioloop runs)."""
        if self._conn is None or not self._ready:
            time.sleep(seconds)
            return
        self._run_until(lambda: False, seconds)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        self._ready = False
        self._tag = 0
        self._pending.clear()
        if conn is None:
            return
        try:
            if conn.is_open:
                conn.close()
                self._conn = conn
                self._run_until(lambda: conn.is_closed, 5)
        except Exception:
            log.debug("closing the pika connection failed", exc_info=True)
        finally:
            self._conn = None
            self._error = None
