"""The outbox relay: publishes committed outbox rows and deletes them once confirmed.

A row is deleted only after the broker has confirmed it (RabbitMQ) or kombu has written it
(embedded). A crash at any point therefore loses nothing: before the delete commits, the row goes
out again (a duplicate the consumers' inbox drops); after it, the event is on the broker.

On RabbitMQ the relay uses pika with asynchronous, batched publisher confirms: a whole batch is
published with `mandatory=True` and the ioloop runs until every ack/nack/return of the batch has
arrived. kombu confirms one message per round trip, which is an order of magnitude slower. A
returned (unroutable) message is never deleted: it is logged loudly and tried again with a growing
pause, e.g. until the consuming service has declared its queue. A nack is tried again next round.

Several relays of one service may run against PostgreSQL (`FOR UPDATE SKIP LOCKED`); on SQLite
(embedded) run one per service.

Fault injection (reliability tests only): `TOP100_FAULT=relay_exit_after_publish` makes the process
exit abruptly (`os._exit(1)`) after the broker confirmed a batch and before its rows are deleted.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections import deque
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from datetime import datetime

import kombu
from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.orm import Session

from shared import broker, config, topology
from shared.db import Database
from shared.pika_confirms import ConfirmingPublisher

log = logging.getLogger(__name__)

FAULT_EXIT_AFTER_PUBLISH = "relay_exit_after_publish"
MAX_BACKOFF = 30.0
RETURNED_BACKOFF_MAX = 60.0
#: The pause after the outbox was found drained: events wait at most this long, and a busy outbox is
#: read in full batches rather than a few rows at a time.
IDLE_SECONDS = 0.2
#: Batches in flight at once on PostgreSQL (one confirming while the next is locked and published).
PIPELINE = 2


@dataclass
class _InFlight:
    """A batch published and awaiting its confirms; its rows stay locked by its open transaction."""

    stack: ExitStack
    session: Session
    rows: list[OutboxRow]
    ids: list[str]


@dataclass(frozen=True)
class OutboxRow:
    id: int
    event_id: str
    routing_key: str
    body: str
    created_at: datetime


class _KombuPublisher:
    """The embedded transport: kombu writes each message to the shared folder (no confirms exist)."""

    def __init__(self, url: str) -> None:
        self.conn = broker.connection(url)
        self.conn.ensure_connection(max_retries=1)
        broker.declare_all(self.conn)
        self.producer = kombu.Producer(self.conn.default_channel)

    def publish(self, rows: list[OutboxRow]) -> list[str]:
        for row in rows:
            self.producer.publish(
                row.body.encode("utf-8"),
                exchange=topology.EVENTS_EXCHANGE,
                routing_key=row.routing_key,
                content_type="application/json",
                content_encoding="utf-8",
                message_id=row.event_id,
                delivery_mode=2,
            )
        return [row.event_id for row in rows]

    def wait(self, ids: list[str]) -> tuple[set[str], set[str]]:
        return set(ids), set()  # written to the folder: nothing more to wait for

    def idle(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        self.conn.release()


class Relay:
    """Publishes one service's outbox (the `outbox` table of its database's metadata) to the broker."""

    def __init__(
        self, db: Database, broker_url: str, batch: int = 500, confirm_timeout: float = 30.0
    ) -> None:
        self.db = db
        self.broker_url = broker_url
        self.batch = batch
        self.confirm_timeout = confirm_timeout
        self.table: Table = db.metadata.tables["outbox"]
        self._publisher: ConfirmingPublisher | _KombuPublisher | None = None
        self._returned: dict[str, tuple[float, float]] = {}  # event id -> (retry after, pause)

    # -- broker side ---------------------------------------------------------------------------
    def _connect(self) -> ConfirmingPublisher | _KombuPublisher:
        if self._publisher is None:
            if broker.is_embedded(self.broker_url):
                self._publisher = _KombuPublisher(self.broker_url)
            else:
                publisher = ConfirmingPublisher(self.broker_url, timeout=self.confirm_timeout)
                publisher.connect()
                with broker.connection(self.broker_url) as conn:
                    broker.declare_all(conn)
                self._publisher = publisher
        return self._publisher

    def connect(self) -> None:
        """Connect (and declare the topology) now rather than on the first batch."""
        self._connect()

    def close(self) -> None:
        if self._publisher is not None:
            try:
                self._publisher.close()
            except Exception:
                log.debug("closing the publisher failed", exc_info=True)
            self._publisher = None

    # -- database side -------------------------------------------------------------------------
    def _due(self, rows: list[OutboxRow]) -> list[OutboxRow]:
        now = time.monotonic()
        return [row for row in rows if self._returned.get(row.event_id, (0.0, 0.0))[0] <= now]

    def _columns(self):  # type: ignore[no-untyped-def]
        t = self.table
        return t.c.id, t.c.event_id, t.c.routing_key, t.c.body, t.c.created_at

    def _delete(self, session, rows: list[OutboxRow], confirmed: set[str]) -> int:  # type: ignore[no-untyped-def]
        ids = [row.id for row in rows if row.event_id in confirmed]
        if ids:
            session.execute(delete(self.table).where(self.table.c.id.in_(ids)))
        return len(ids)

    def _settle(self, publisher: ConfirmingPublisher | _KombuPublisher, ids: list[str]) -> set[str]:
        """Wait for the confirms of `ids`; remember the unroutable ones; returns the confirmed ones."""
        confirmed, returned = publisher.wait(ids)
        now = time.monotonic()
        for event_id in returned:
            pause = min(self._returned.get(event_id, (0.0, 0.5))[1] * 2, RETURNED_BACKOFF_MAX)
            self._returned[event_id] = (now + pause, pause)
            log.error(
                "UNROUTABLE event %s returned by the broker: no queue is bound for it; kept in the "
                "outbox and tried again in %.0fs",
                event_id,
                pause,
            )
        for event_id in confirmed:
            self._returned.pop(event_id, None)
        if confirmed and config.fault() == FAULT_EXIT_AFTER_PUBLISH:
            log.warning("fault injection: exiting after the broker confirmed %d events", len(confirmed))
            os._exit(1)
        return confirmed

    def _start(self) -> _InFlight | None:
        """PostgreSQL: claim a batch in a transaction of its own and publish it (no wait).

        One statement locks (SKIP LOCKED, so other relays take other rows) and deletes the batch,
        returning it; the transaction stays open until the confirms arrived, and `_finish` puts back
        what the broker did not confirm before it commits. A crash in between rolls the delete back.
        """
        t = self.table
        now = time.monotonic()
        waiting = [event_id for event_id, (due, _) in self._returned.items() if due > now]
        claim = select(t.c.id)
        if waiting:
            claim = claim.where(t.c.event_id.not_in(waiting))
        claim = claim.order_by(t.c.id).limit(self.batch).with_for_update(skip_locked=True)
        statement = delete(t).where(t.c.id.in_(claim)).returning(*self._columns())
        stack = ExitStack()
        try:
            session = stack.enter_context(self.db.unit_of_work())
            # Losing the delete in a crash only means publishing again (the inbox drops the copy): no fsync.
            session.execute(text("SET LOCAL synchronous_commit = off"))
            rows = sorted((OutboxRow(*r) for r in session.execute(statement).all()), key=lambda row: row.id)
            if not rows:
                stack.close()
                return None
            publisher = self._connect()
            return _InFlight(stack, session, rows, publisher.publish(rows))
        except BaseException:
            stack.__exit__(*sys.exc_info())
            raise

    def _finish(self, step: _InFlight) -> int:
        """Wait for the batch's confirms, put back what was not confirmed, commit."""
        try:
            confirmed = self._settle(self._connect(), step.ids)
            unconfirmed = [row for row in step.rows if row.event_id not in confirmed]
            if unconfirmed:
                step.session.execute(insert(self.table), [asdict(row) for row in unconfirmed])
        except BaseException:
            step.stack.__exit__(*sys.exc_info())
            raise
        step.stack.close()
        return len(step.rows) - len(unconfirmed)

    def relay_once(self) -> int:
        """Publish one batch of outbox rows; returns how many were confirmed and deleted."""
        if self.db.is_postgres:
            step = self._start()
            return 0 if step is None else self._finish(step)
        with self.db.unit_of_work() as session:
            query = select(*self._columns()).order_by(self.table.c.id).limit(self.batch + len(self._returned))
            fetched = session.execute(query).all()
        # SQLite: never hold its single write lock while waiting for the broker.
        rows = self._due([OutboxRow(*r) for r in fetched])[: self.batch]
        if not rows:
            return 0
        publisher = self._connect()
        confirmed = self._settle(publisher, publisher.publish(rows))
        with self.db.unit_of_work() as session:
            return self._delete(session, rows, confirmed)

    def relay_all(self) -> int:
        """Relay until a batch comes back short; returns how many were confirmed and deleted.

        On PostgreSQL, PIPELINE batches are in flight at once: while the broker confirms one, the
        next is locked and published (SKIP LOCKED hides the rows of the batch still in flight), so
        the wait for confirms overlaps the database work.
        """
        if not self.db.is_postgres:
            total = 0
            while (count := self.relay_once()) > 0:
                total += count
                if count < self.batch:
                    break
            return total
        total, more = 0, True
        inflight: deque[_InFlight] = deque()
        try:
            while more or inflight:
                if more:
                    step = self._start()
                    more = step is not None and len(step.rows) >= self.batch
                    if step is not None:
                        inflight.append(step)
                if inflight and (len(inflight) >= PIPELINE or not more):
                    total += self._finish(inflight.popleft())
        except BaseException:
            while inflight:
                inflight.popleft().stack.__exit__(*sys.exc_info())
            raise
        return total

    def pause(self, seconds: float, stop: threading.Event | None = None) -> None:
        """Wait between rounds, answering the broker's heartbeats while connected."""
        if self._publisher is not None:
            self._publisher.idle(seconds)
        elif stop is not None:
            stop.wait(seconds)
        else:
            time.sleep(seconds)

    def run(self, stop: threading.Event, idle: float = IDLE_SECONDS) -> None:
        """Relay until `stop` is set, reconnecting with a growing pause when the broker goes away."""
        backoff = 0.5
        while not stop.is_set():
            try:
                self.relay_all()
                backoff = 0.5
                self.pause(idle, stop)
            except Exception:
                log.exception("relay round failed; reconnecting in %.1fs", backoff)
                self.close()
                stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
        self.close()
