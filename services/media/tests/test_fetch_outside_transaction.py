"""A photo is downloaded and decoded while media holds no database connection: a slow intake or S3
keeps no connection of the pool (nor a transaction, nor the nomination's row lock) waiting.

The photo is served by a deliberately slow local server that looks at the runtime's connection pool
(SQLAlchemy's checkout and checkin events) while each request is in progress. A redelivered event,
or the same photo under a new event id, is not downloaded again, and is applied once.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from services.media.handlers import HANDLERS
from services.media.models import Asset, outbox
from services.media.tests.factories import jpeg, submitted
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime

#: Seconds the server waits before it answers: long enough to be seen, short enough for the suite.
DELAY = 0.4


class Pool:
    """How many of the engine's connections are checked out now (the pool's own events)."""

    def __init__(self, runtime: Runtime) -> None:
        self.out = 0
        self._lock = threading.Lock()
        sa_event.listen(runtime.db.engine, "checkout", self._checkout)
        sa_event.listen(runtime.db.engine, "checkin", self._checkin)

    def _checkout(self, *_args: Any) -> None:
        with self._lock:
            self.out += 1

    def _checkin(self, *_args: Any) -> None:
        with self._lock:
            self.out -= 1


class SlowPhotos:
    """One photo behind a slow link; each request notes the connections checked out while it waits."""

    def __init__(self, data: bytes, pool: Pool) -> None:
        self.data, self.pool = data, pool
        self.seen: list[tuple[int, int]] = []  # (checked out when asked, checked out before answering)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                asked = owner.pool.out
                time.sleep(DELAY)
                owner.seen.append((asked, owner.pool.out))
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Length", str(len(owner.data)))
                self.end_headers()
                self.wfile.write(owner.data)

            def log_message(self, *args: object) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def photo(self) -> dict[str, Any]:
        return {
            "key": "photos/nom-0001/original.jpg",
            "url": f"http://127.0.0.1:{self.server.server_address[1]}/photos/nom-0001/original.jpg",
            "sha256": hashlib.sha256(self.data).hexdigest(),
            "content_type": "image/jpeg",
            "width": 1,
            "height": 1,
        }


@pytest.fixture(params=["sqlite", "postgres"])
def any_runtime(request: pytest.FixtureRequest) -> Runtime:
    return request.getfixturevalue("runtime" if request.param == "sqlite" else "pg_runtime")


@pytest.fixture
def slow(any_runtime: Runtime) -> Iterator[SlowPhotos]:
    server = SlowPhotos(jpeg(1600, 1200), Pool(any_runtime))
    yield server
    server.server.shutdown()


def _processed(runtime: Runtime) -> tuple[list[Asset], int]:
    with runtime.db.unit_of_work() as session:
        assets = list(session.scalars(select(Asset)))
        announced = [row for row in session.execute(select(outbox)) if "media.photo_processed" in row.body]
        return assets, len(announced)


def test_the_photo_downloads_while_no_connection_is_checked_out(
    any_runtime: Runtime, slow: SlowPhotos, tmp_path: Path
) -> None:
    submission = submitted(slow.photo())
    started = time.monotonic()
    assert handle(any_runtime, HANDLERS, "media", submission) is True
    assert time.monotonic() - started >= DELAY  # the slow server was really asked

    assert slow.seen == [(0, 0)]  # not one connection (so no transaction, no lock) during the download
    [asset], announced = _processed(any_runtime)
    assert (asset.status, asset.width, asset.height, announced) == ("processed", 1600, 1200, 1)
    assert slow.pool.out == 0


def test_a_redelivered_event_is_neither_downloaded_nor_applied_again(
    any_runtime: Runtime, slow: SlowPhotos
) -> None:
    submission = submitted(slow.photo())
    assert handle(any_runtime, HANDLERS, "media", submission) is True
    assert handle(any_runtime, HANDLERS, "media", submission) is False  # the inbox, before the fetch
    again = Event(
        type=submission.type, version=1, region="almaty", producer="intake", payload=submission.payload
    )  # the same photo under a new event id (a relay that published twice from a restored backup)
    assert handle(any_runtime, HANDLERS, "media", again) is True

    assert len(slow.seen) == 1
    [asset], announced = _processed(any_runtime)
    assert (asset.status, announced) == ("processed", 1)
