"""The newcomer's path: `top100 run` on a fresh data dir, one nomination through all four services."""

from __future__ import annotations

import os
import re
import signal
import time

import pytest
import requests

from tests.e2e.system import (
    KAZAKH_FIRST_NAME,
    KEY_LINE,
    RunningSystem,
    assert_stops_cleanly,
    key_from,
    processes_with_data_dir,
    team_headers,
    walk_one_nomination,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def test_one_nomination_reaches_review_media_and_notify_then_everything_stops(system: RunningSystem) -> None:
    system.start()
    system.wait_healthy()
    output = system.output()
    assert "demo portal key for region almaty" in output
    for service in ("intake", "review", "media", "notify"):
        assert system.url(service) in output
    key = key_from(output.split("demo portal key for region almaty", 1)[1])

    seen = walk_one_nomination(system, key)

    message = seen["mail"][0]
    text = message.get_body(("plain", "html")).get_content()
    assert KAZAKH_FIRST_NAME in text, f"the student's Kazakh name did not survive into the email:\n{text}"
    media_page = requests.get(system.url("media", "/"), headers=team_headers(system), timeout=5)
    assert media_page.status_code == 200
    assert_stops_cleanly(system)


def test_the_demo_key_is_printed_only_on_the_first_run(system: RunningSystem) -> None:
    system.start()
    system.wait_healthy()
    assert "demo portal key for region almaty" in system.output()
    assert_stops_cleanly(system)

    again = RunningSystem(system.env)
    again.stdout_path = again.stdout_path.with_suffix(".again")
    try:
        again.start()
        again.wait_healthy()
        # The key is not shown again; without a terminal the summary still says where it is kept.
        assert "demo portal key for region almaty" not in again.output()
        assert KEY_LINE.findall(again.output()) == []
        assert_stops_cleanly(again)
    finally:
        again.kill_leftovers()


def test_a_crashed_worker_stops_the_whole_run_loudly(system: RunningSystem) -> None:
    system.start()
    system.wait_healthy()
    started = re.search(r"started media-worker \(pid (\d+)\)", system.stderr_path.read_text(encoding="utf-8"))
    pid = int(started.group(1))  # type: ignore[union-attr]
    os.kill(pid, signal.SIGKILL)
    assert system.process is not None
    assert system.process.wait(timeout=60) == 1
    assert "media-worker" in system.output() and "exited unexpectedly" in system.output()
    assert not processes_with_data_dir(system.data_dir), system.diagnostics()


def test_a_killed_supervisor_leaves_no_orphans(system: RunningSystem) -> None:
    """SIGKILL gives `top100 run` no chance to clean up: the kernel's parent-death signal does it."""
    system.start()
    system.wait_healthy()
    assert system.process is not None
    system.process.kill()
    system.process.wait(timeout=10)
    deadline = time.monotonic() + 30
    while processes_with_data_dir(system.data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not processes_with_data_dir(system.data_dir), system.diagnostics()
