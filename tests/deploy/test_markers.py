"""The suite's marks select what they name: `-m browser` runs the browser tests, `-m "not browser"`
none of them (the mark is added by tests/browser/conftest.py to every test of that folder)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _collected(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    return [line for line in done.stdout.splitlines() if "::" in line]


def test_the_browser_mark_selects_every_browser_test_and_nothing_else() -> None:
    selected = _collected("-m", "browser", "tests/browser", "tests/deploy/test_markers.py")
    assert selected, "`-m browser` selected no browser test"
    assert all(line.startswith("tests/browser/") for line in selected)
    assert not _collected("-m", "not browser", "tests/browser")
