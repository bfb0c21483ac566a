"""Settings of the whole test session, loaded before any test folder's conftest.

Cheap password hashes in the test process. Review hashes people's passwords with argon2-cffi's
defaults (64 MiB, 3 passes, RFC 9106's low-memory profile): about half a second per hash or check on
the 2-core test machine, and most of review's and the browser tests' time went into making accounts
and signing in. In this process `argon2.PasswordHasher()` without arguments now takes the lowest
cost (1 pass over 8 KiB); the hashes are still argon2id, checked the same way. The production cost
is not lost from the suite: `services/review/tests/test_password_cost.py` checks it in a fresh interpreter,
and every test that starts real processes (`tests/e2e`, `tests/deploy`, `tests/faults`) hashes with
it. The same practice as Django's documented fast hasher for tests.
"""

from __future__ import annotations

import os
from typing import Any

import argon2
import pytest

#: What `PasswordHasher()` costs in this test process; salt and hash keep their production lengths.
TEST_COST = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


class _CheapPasswordHasher(argon2.PasswordHasher):
    """argon2-cffi's hasher at the lowest cost when built without arguments, as ours are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **(kwargs or ({} if args else TEST_COST)))


argon2.PasswordHasher = _CheapPasswordHasher  # type: ignore[misc]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop the migrated template databases this process made (`shared.testing.postgres_runtime`)
    and wait for its scratch vhosts to be deleted (`shared.testing.scratch_vhost`)."""
    from shared import testing

    testing.drop_templates()
    testing.vhosts_deleted()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full",
        action="store_true",
        default=False,
        help="the long profiles: every order of a nomination's events, the long fault run (minutes); "
        "TOP100_FULL=1 does the same",
    )


def pytest_configure(config: pytest.Config) -> None:
    """`--full` becomes `TOP100_FULL=1`, which `shared.testing.full_profile` reads (so processes the
    tests start see it too)."""
    if config.getoption("--full"):
        os.environ["TOP100_FULL"] = "1"
