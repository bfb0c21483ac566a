"""What `top100 run` gives a newcomer on the embedded mode: demo data, a portal key, a summary.

The demo reference data is loaded on every run (idempotent); a portal key for Almaty is issued once
per data dir, shown when every service answers, and kept in `<data dir>/demo-key` (mode 0600, like
the data dir's secret key), so a person who started the run without a terminal, or whose screen
scrolled, still finds it. When the logs are JSON lines (no terminal), a last plain line sums up the
addresses and where the key is, so it stands out after the logs of the start.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from shared import config

#: Left in the data dir once the demo key was shown: the key is issued once, like every key.
DEMO_KEY_MARKER = "demo-portal-key.issued"
#: The demo key itself, readable by its owner only.
DEMO_KEY_FILE = "demo-key"

#: Runs one of `top100`'s own commands in this process (`services.cli._invoke`).
Invoke = Callable[..., None]


def seed(root: Path, invoke: Invoke) -> str | None:
    """Load the demo reference data and, until one was shown, issue a demo portal key.

    Both commands' own reports are kept off the console; the key (the last line `keys issue`
    prints) is returned to be shown once every service answers, and `keep` records it only then.
    """
    with contextlib.redirect_stdout(io.StringIO()):
        invoke("refdata", "load")
    if (root / DEMO_KEY_MARKER).exists():
        return None
    with contextlib.redirect_stdout(io.StringIO()) as issued:
        invoke("keys", "issue", "--region", "almaty")
    return issued.getvalue().splitlines()[-1]


def wanted(services: tuple[str, ...]) -> bool:
    """The demo goes only into the embedded default store of intake, never a configured database."""
    return "intake" in services and not config.configured("intake")


def keep(root: Path, key: str) -> Path:
    """Write the shown key to `<root>/demo-key` (0600) and mark it issued; returns the file."""
    path = root / DEMO_KEY_FILE
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an older file of looser mode, too
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    (root / DEMO_KEY_MARKER).touch()
    return path


def summary(root: Path, urls: Mapping[str, str]) -> str:
    """One plain line: every service's address and where the demo key is, if there is one."""
    parts = [f"{service} {url}" for service, url in urls.items()]
    key = root / DEMO_KEY_FILE
    if key.exists():
        parts.append(f"demo portal key in {key}")
    return "ready: " + ", ".join(parts) + "; Ctrl-C stops everything"
