"""Does intake's multipart parser (python-multipart behind werkzeug's form parser) still pay?

    .venv/bin/python bench/multipart.py [--rounds 5] [--n 300] [--photo-kb 1024]

`services/intake/api/multipart.py` overrides a private method of werkzeug's `FormDataParser`; the
override stays only while it is measurably cheaper than werkzeug's own parser. Both parse the same
submission (a nomination JSON part and a photo part) from a WSGI environ, in alternating rounds, in
this one process; printed: CPU microseconds per parse for each, per round and as medians, and their
ratio.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from werkzeug.formparser import FormDataParser
from werkzeug.wrappers import Request

from services.intake.api.multipart import MultipartFormParser

BOUNDARY = "top100benchboundary"


def submission(photo_kb: int) -> bytes:
    """A multipart body as a portal sends it: the nomination's JSON and a photo of `photo_kb` KiB."""
    nomination = json.dumps({"college_code": "ALM-001", "year": 2026, "student": {"last_name": "Әбдіқадыр"}})
    photo = os.urandom(photo_kb * 1024)
    return b"".join(
        [
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="nomination"\r\n'
            "Content-Type: application/json\r\n\r\n".encode(),
            nomination.encode(),
            f'\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="photo"; filename="p.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode(),
            photo,
            f"\r\n--{BOUNDARY}--\r\n".encode(),
        ]
    )


def parse_cpu_us(parser: type[FormDataParser], body: bytes, n: int) -> float:
    """CPU microseconds per parse of `body` into form and files by `parser`."""

    class Parsing(Request):
        form_data_parser_class = parser
        max_form_memory_size = 16 * 1024 * 1024

    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "bench",
        "SERVER_PORT": "80",
    }
    started = time.process_time()
    for _ in range(n):
        request = Parsing(dict(environ, **{"wsgi.input": io.BytesIO(body)}))
        assert request.files["photo"].stream.read(1) and request.form["nomination"]
    return (time.process_time() - started) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--n", type=int, default=300, help="parses per side and round")
    parser.add_argument("--photo-kb", type=int, default=1024)
    args = parser.parse_args()
    body = submission(args.photo_kb)
    ours, theirs = [], []
    for round_ in range(1, args.rounds + 1):
        theirs.append(parse_cpu_us(FormDataParser, body, args.n))
        ours.append(parse_cpu_us(MultipartFormParser, body, args.n))
        ratio = theirs[-1] / ours[-1]
        print(f"round {round_}: werkzeug {theirs[-1]:8.0f} µs   ours {ours[-1]:8.0f} µs   ratio {ratio:.1f}")
    a, b = statistics.median(theirs), statistics.median(ours)
    print(f"{len(body) // 1024} KiB submission, medians of {args.rounds} alternating rounds:")
    print(f"werkzeug's parser {a:.0f} µs CPU a parse; ours (python-multipart) {b:.0f} µs; ratio {a / b:.1f}")


if __name__ == "__main__":
    main()
