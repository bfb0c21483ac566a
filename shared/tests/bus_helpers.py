"""Helpers of the bus tests: an embedded broker and a runtime of the test service in a tmp folder."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import kombu

from shared import broker
from shared.runtime import Runtime
from shared.tests import busapp


def embedded(tmp_path: Path, delays: tuple[int, ...] = (0, 0)) -> Runtime:
    """The test service on SQLite with the filesystem broker, both under `tmp_path`."""
    return busapp.build(
        f"sqlite:///{tmp_path / 'busapp.sqlite3'}", f"filesystem://{tmp_path / 'broker'}", tmp_path, delays
    )


def publish_raw(url: str, routing_key: str, body: bytes | str, **properties: object) -> None:
    """Put a message on `top100.events` the way any client could (not through our relay)."""
    with broker.connection(url) as conn:
        broker.declare_exchanges(conn)
        kombu.Producer(conn.default_channel).publish(
            body,
            exchange="top100.events",
            routing_key=routing_key,
            content_type=properties.pop("content_type", "application/json"),
            content_encoding=properties.pop("content_encoding", "utf-8"),
            **properties,
        )


def queue_bodies(url: str, queue: str) -> list[bytes]:
    """Read (and take) every message of `queue`."""
    out = []
    with broker.connection(url) as conn:
        bound = kombu.Queue(queue, no_declare=True)(conn.default_channel)
        while (message := bound.get(no_ack=False)) is not None:
            body = message.body
            out.append(body.encode() if isinstance(body, str) else body)
            message.ack()
    return out


def wait_for(condition: Callable[[], bool], timeout: float = 20.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


class CountingProxy:
    """A TCP forwarder on 127.0.0.1 to `target` that counts the connections made through it."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.accepted = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            self.accepted += 1
            upstream = socket.create_connection(self.target)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                end.close()

    def close(self) -> None:
        self.listener.close()
