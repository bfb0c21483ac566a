"""Freed memory is reused by the next allocation instead of page-faulted in again."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# 100 requests, each holding four 1 MB buffers at once (the body as received, the photo, copies)
# and freeing them at the end; prints the page faults after the first request.
PROBE = """
import resource, sys
from shared.memory import retain_freed_memory
if sys.argv[1] == "retain":
    assert retain_freed_memory()
def request():
    buffers = [bytearray(1_000_000) for _ in range(4)]
    del buffers
request()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(100):
    request()
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, mode], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(out.stdout)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt thresholds are glibc's")
def test_a_freed_request_buffer_is_reused_not_faulted_in_again() -> None:
    default, retained = _faults("default"), _faults("retain")
    assert default > 100 * 500  # most of ~980 pages of 4 KiB a request, faulted in every time
    assert retained < 100


@pytest.mark.parametrize("entry", ["deploy/gunicorn.conf.py", "services/cli.py"])
def test_web_and_event_worker_processes_retain_freed_memory(entry: str) -> None:
    assert "retain_freed_memory()" in (ROOT / entry).read_text(encoding="utf-8")
