"""`bench/e2e.py --quick` as a test: a small deadline night (24 nominations with 12 MP photos, 8
portal clients, two regions' decisions) on the real RabbitMQ and PostgreSQL ends exact: a candidate,
a settled photo, one receipt email and one SMS per nomination, nothing parked, nothing doubled,
nothing still moving. The figures it prints are the benchmark's; only the end state is asserted
(timings on a shared machine are not a test's business)."""

from __future__ import annotations

import sys

import pytest

from tests.e2e.system import ROOT

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.timeout(900)]


def test_a_quick_deadline_night_ends_exact() -> None:
    sys.path[:0] = [str(ROOT / "bench")]
    import e2e

    [run] = e2e.main(["--quick"])
    assert not run.problems, "\n".join(run.problems)
    assert len(run.state) == e2e.PROFILES["quick"].nominations
