"""The whole request body is read before the request takes a database connection, so a client that
sends its body slowly holds a web worker but never one of the pool's connections.

Observed on the real engine: its pool's `checkout` event, against the moment the (test) WSGI input
hands out the body's last byte.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

from services.intake.tests import factories
from shared.runtime import Runtime


class Trickle(io.BytesIO):
    """A WSGI input giving the body at most 512 bytes per read, as a slow client's arrives, and
    noting in `log` when it hands out the last of them."""

    def __init__(self, data: bytes, log: list[str]) -> None:
        super().__init__(data)
        self._size, self._log = len(data), log

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(512 if size is None or size < 0 else min(size, 512))
        if chunk and self.tell() == self._size:
            self._log.append("body read")
        return chunk

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def, override]
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@pytest.fixture
def log(runtime: Runtime) -> Iterator[list[str]]:
    entries: list[str] = []

    def checkout(*_args: object) -> None:
        entries.append("connection")

    event.listen(runtime.db.engine, "checkout", checkout)
    yield entries
    event.remove(runtime.db.engine, "checkout", checkout)


def _send(
    client: FlaskClient, method: str, path: str, body: bytes, content_type: str, auth: dict, log: list[str]
):  # type: ignore[no-untyped-def]
    log.clear()
    return client.open(
        path,
        method=method,
        input_stream=Trickle(body, log),
        content_length=len(body),
        content_type=content_type,
        headers=auth,
    )


def _multipart(doc: dict, photo: bytes) -> tuple[bytes, str]:
    boundary = "slowclientboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="nomination"; filename="n.json"\r\n'
        f"Content-Type: application/json\r\n\r\n".encode()
        + json.dumps(doc).encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n".encode()
        + photo,
    ]
    return b"\r\n".join(
        parts
    ) + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_a_multipart_submission_is_read_whole_before_the_key_check(
    client: FlaskClient, auth: dict, log: list[str]
) -> None:
    body, content_type = _multipart(factories.nomination(), factories.jpeg())
    response = _send(client, "POST", "/api/v1/nominations", body, content_type, auth, log)
    assert response.status_code == 201, response.json
    assert log[0] == "body read" and "connection" in log


def test_json_bodies_and_photos_are_read_whole_before_the_key_check(
    client: FlaskClient, auth: dict, log: list[str]
) -> None:
    doc = json.dumps(factories.nomination()).encode()
    response = _send(client, "POST", "/api/v1/nominations", doc, "application/json", auth, log)
    assert response.status_code == 201, response.json
    assert log[0] == "body read"
    path = f"/api/v1/nominations/{response.json['id']}"
    patch = json.dumps({"student": {"specialty": "Бағдарламалық инженерия"}}).encode()
    assert _send(client, "PATCH", path, patch, "application/merge-patch+json", auth, log).status_code == 200
    assert log[0] == "body read"
    assert _send(client, "PUT", path + "/photo", factories.jpeg(), "image/jpeg", auth, log).status_code == 200
    assert log[0] == "body read"
