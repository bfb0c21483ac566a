"""Review hashes passwords at argon2-cffi's production cost (RFC 9106's low-memory profile).

The test session hashes at the lowest cost to save time (the repository's root `conftest.py`), so the
production cost is checked here, in a fresh interpreter that never loaded that conftest.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION = "$argon2id$v=19$m=65536,t=3,p=4$"


def hash_one() -> str:
    """A password hashed by review's own `hash_password`, wherever its accounts module lives now."""
    for name in ("services.review.operations.accounts", "services.review.accounts"):
        try:
            accounts = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        return str(accounts.hash_password("correct horse battery staple"))
    raise AssertionError("review's accounts module not found")


def test_passwords_are_hashed_at_the_production_cost() -> None:
    program = "from services.review.tests.test_password_cost import hash_one; print(hash_one())"
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip().startswith(PRODUCTION), (done.stdout, done.stderr)


def test_the_test_session_hashes_cheaply_and_still_with_argon2id() -> None:
    assert hash_one().startswith("$argon2id$v=19$m=8,t=1,p=1$")
