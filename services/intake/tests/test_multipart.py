"""The intake's multipart parser (python-multipart) gives the views exactly what werkzeug's own gives."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.intake.app import IntakeRequest

BOUNDARY = "----portalBoundary7MA4YWxkTrZu0gW"
NOMINATION = '{"student": {"last_name": "Әбілқайырова", "first_name": "Гүлнұр", "patronymic": "Һәкімқызы"}}'


def part(headers: str, content: bytes) -> bytes:
    return f"--{BOUNDARY}\r\n{headers}\r\n\r\n".encode() + content + b"\r\n"


def body(*parts: bytes, preamble: bytes = b"", epilogue: bytes = b"") -> bytes:
    return preamble + b"".join(parts) + f"--{BOUNDARY}--\r\n".encode() + epilogue


def photo_like(size: int) -> bytes:
    """Bytes that look like the boundary's start in places, without being it."""
    noise = bytearray(os.urandom(size))
    for at in range(1000, size - 100, 50_000):
        noise[at : at + 12] = f"\r\n--{BOUNDARY[:8]}".encode()
    return bytes(noise)


def parsed(cls: type[Request], data: bytes, limits: dict[str, int] | None = None) -> dict[str, Any]:
    environ = EnvironBuilder(
        method="POST", data=data, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    ).get_environ()
    request = type("Limited", (cls,), limits or {})(environ)
    return {
        "form": request.form.to_dict(flat=False),
        "files": {
            name: [(f.filename, f.content_type, f.read()) for f in request.files.getlist(name)]
            for name in request.files
        },
    }


NOMINATION_FIELD = part('Content-Disposition: form-data; name="nomination"', NOMINATION.encode())
PHOTO = photo_like(1_000_777)
PHOTO_FILE = part(
    'Content-Disposition: form-data; name="photo"; filename="ph.jpg"\r\nContent-Type: image/jpeg', PHOTO
)

BODIES = {
    "a submission: JSON text part and a photo": body(NOMINATION_FIELD, PHOTO_FILE),
    "the nomination as a file part": body(
        part(
            'Content-Disposition: form-data; name="nomination"; filename="n.json"\r\n'
            "Content-Type: application/json",
            NOMINATION.encode(),
        ),
        PHOTO_FILE,
    ),
    "preamble and epilogue": body(NOMINATION_FIELD, preamble=b"ignore me\r\n", epilogue=b"and me"),
    "an empty text part": body(part('Content-Disposition: form-data; name="note"', b"")),
    "a Kazakh file name (RFC 2231)": body(
        part(
            "Content-Disposition: form-data; name=\"photo\"; filename*=UTF-8''%D3%98%D1%81%D0%B5%D0%BB.jpg",
            b"\xff\xd8\xff\xd9",
        )
    ),
    "a Latin-1 text part": body(
        part(
            'Content-Disposition: form-data; name="note"\r\nContent-Type: text/plain; charset=iso-8859-1',
            "Almaty café".encode("latin-1"),
        )
    ),
    "invalid UTF-8 in a text part": body(
        part('Content-Disposition: form-data; name="note"', b"\xd3\x98\xff")
    ),
    "repeated names": body(
        part('Content-Disposition: form-data; name="tag"', b"one"),
        part('Content-Disposition: form-data; name="tag"', b"two"),
    ),
    "no closing boundary (truncated upload)": body(NOMINATION_FIELD, PHOTO_FILE)[:-2000],
    "a part without Content-Disposition": body(part("Content-Type: text/plain", b"orphan")),
    "no parts at all": b"",
    # werkzeug's client writes an empty file so: the delimiter right after the headers' blank line
    "an empty first part, its delimiter sharing the headers' CRLF": (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    + body(NOMINATION_FIELD),
    "a text part ending with CRLF": body(part('Content-Disposition: form-data; name="note"', b"line\r\n")),
    "an empty last part, its delimiter sharing the headers' CRLF": body(NOMINATION_FIELD)[
        : -len(BOUNDARY) - 6
    ]
    + f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\n'
    f"Content-Type: image/jpeg\r\n\r\n--{BOUNDARY}--\r\n".encode(),
    "a body that never names the boundary": b"just some text\r\n",
}


@pytest.mark.parametrize("case", list(BODIES))
def test_same_form_and_files_as_werkzeug(case: str) -> None:
    ours = parsed(IntakeRequest, BODIES[case])
    assert ours == parsed(Request, BODIES[case])
    if case.startswith("a submission"):
        assert ours["form"]["nomination"] == [NOMINATION]
        assert ours["files"]["photo"] == [("ph.jpg", "image/jpeg", PHOTO)]
    if case.startswith(("an empty last part", "an empty first part")):
        assert ours["form"]["nomination"] == [NOMINATION]
        assert ours["files"]["photo"] == [("p.jpg", "image/jpeg", b"")]


@pytest.mark.parametrize(
    ("limits", "data"),
    [
        ({"max_form_parts": 2}, body(NOMINATION_FIELD, NOMINATION_FIELD, NOMINATION_FIELD)),
        ({"max_form_memory_size": 100}, body(part('Content-Disposition: form-data; name="n"', b"x" * 101))),
    ],
    ids=["too many parts", "a text part over the form memory limit"],
)
def test_the_same_limits_answer_413(limits: dict[str, int], data: bytes) -> None:
    for cls in (Request, IntakeRequest):
        with pytest.raises(RequestEntityTooLarge):
            parsed(cls, data, limits)


def test_the_text_limit_does_not_apply_to_files() -> None:
    """(werkzeug's parser applies it to whatever it holds at once, files included: a quirk, not a rule;
    intake sets both limits to the body limit anyway.)"""
    ours = parsed(IntakeRequest, body(NOMINATION_FIELD, PHOTO_FILE), {"max_form_memory_size": 1000})
    assert ours["files"]["photo"] == [("ph.jpg", "image/jpeg", PHOTO)]
    assert ours["form"]["nomination"] == [NOMINATION]


class _ShortReads(io.BytesIO):
    """A WSGI input that gives at most 1,000 bytes a read, as some servers do."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read(1000 if size is None or size < 0 else min(size, 1000))

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        return super().readinto(memoryview(buffer)[:1000])


def test_a_server_that_reads_short_still_gives_the_whole_body() -> None:
    data = body(NOMINATION_FIELD, PHOTO_FILE)
    environ = EnvironBuilder(
        method="POST",
        input_stream=_ShortReads(data),
        content_length=len(data),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    ).get_environ()
    request = IntakeRequest(environ)
    assert request.form["nomination"] == NOMINATION
    assert request.files["photo"].read() == PHOTO
