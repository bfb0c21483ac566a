"""Where our code overrides a library's private method, that method is still the one we read.

A private method may change in any release without notice, and an override of a changed method
can break quietly (pika no longer routing output through it: the relay merely slower; kombu's
filesystem transport writing files another way: messages lost). So each overridden method, and the
method that calls it where the override depends on being called, is recorded by a digest of its
source, and the library's version range is pinned in pyproject.toml. When an upgrade changes one,
this test names it: read the new source, check the override against it, then record the new digest.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from importlib.metadata import version

import pytest

#: (library method, digest of its source, where we override or rely on it, distribution)
OVERRIDDEN = [
    (
        "pika.adapters.base_connection.BaseConnection._adapter_emit_data",
        "57770a1b8a02455e",
        "shared/pika_confirms.py _CorkedConnection",
        "pika",
    ),
    (
        "pika.connection.Connection._output_marshaled_frames",  # every frame goes out through it
        "856452592c11b774",
        "shared/pika_confirms.py _CorkedConnection",
        "pika",
    ),
    (
        "kombu.transport.filesystem.Channel._put",
        "a88e2ceb3927a99a",
        "shared/broker.py _AtomicChannel",
        "kombu",
    ),
    (
        "kombu.transport.filesystem.Channel._get",  # must keep skipping our hidden `.tmp` files
        "ecaf5682c3d51458",
        "shared/broker.py _AtomicChannel",
        "kombu",
    ),
    (
        "kombu.transport.virtual.Transport.__init__",  # must keep taking `state` from the class
        "15c3eeb81a7640c4",
        "shared/broker.py _FilesystemTransport",
        "kombu",
    ),
    (
        "werkzeug.formparser.FormDataParser._parse_multipart",
        "78294c63b4fdbcaf",
        "services/intake/api/multipart.py MultipartFormParser (bench/multipart.py: it pays)",
        "werkzeug",
    ),
    (
        "werkzeug.formparser.FormDataParser.parse",  # picks `_parse_multipart` for multipart bodies
        "ee2137d085091687",
        "services/intake/api/multipart.py MultipartFormParser (bench/multipart.py: it pays)",
        "werkzeug",
    ),
]


def _resolve(dotted: str) -> object:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            found = getattr(found, attribute)
        return found
    raise ImportError(dotted)


@pytest.mark.parametrize(
    ("dotted", "digest", "ours", "distribution"), OVERRIDDEN, ids=[o[0] for o in OVERRIDDEN]
)
def test_an_overridden_library_method_is_unchanged(
    dotted: str, digest: str, ours: str, distribution: str
) -> None:
    source = inspect.getsource(_resolve(dotted))  # type: ignore[arg-type]
    found = hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]
    assert found == digest, (
        f"{dotted} changed in {distribution} {version(distribution)}: our override in {ours} was written "
        f"against another version. Read the new source, adapt the override, then record {found!r} here."
    )


def test_the_overrides_still_override() -> None:
    """Our classes still define the methods, under the names the libraries call."""
    from services.intake.api.multipart import MultipartFormParser
    from shared.broker import _AtomicChannel
    from shared.pika_confirms import _CorkedConnection

    assert "_adapter_emit_data" in vars(_CorkedConnection)
    assert "_put" in vars(_AtomicChannel)
    assert "_parse_multipart" in vars(MultipartFormParser)
