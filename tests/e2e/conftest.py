"""The embedded system of the end-to-end tests: real processes on a data dir of the test's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.system import RunningSystem, clean_env


@pytest.fixture
def system(tmp_path: Path) -> Iterator[RunningSystem]:
    """`top100 run`'s system, with whatever a test left running killed at the end."""
    running = RunningSystem(clean_env(tmp_path / "data"))
    try:
        yield running
    finally:
        running.kill_leftovers()
