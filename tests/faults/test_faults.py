"""The same load twice on RabbitMQ + PostgreSQL: once clean, once with faults; the end states must agree.

Faults (see `tests.faults.faults`): every worker type killed with SIGKILL, the vhost's connections
closed by the broker, the databases' backends terminated, late duplicates and reordered deliveries.
Checks, each reported on its own so that a failing run says everything that went wrong at once:
the load itself was accepted in both runs; the same candidates (review), the same live photo and
derivatives (media, none for the withdrawn), the same messages (notify) and the same progress
(intake) for every student; every message final (a late one, still `queued` or `held` when the
settle bound passes, is named: nomination, template, channel, state); each email and SMS that
notify marked sent on the wire once and nothing else on it (a notify worker killed between a
provider's taking of a message and its commit sends that one again under the same Message-ID or
reference: at most an event's messages per notify kill, reported as `sent_again_after_a_kill`); the
same messages sent per student (a withdrawn student's may have been stopped by the withdrawal in
one run: `tests.faults.messages`); nothing parked; no IIN, phone or email of the load in any
process's output or in a parked message.

Quick run in the default suite; the long one with `./scripts/test tests/faults --full` (or
`TOP100_FULL=1`, or `TOP100_FAULTS_FULL=1` for this run alone). `TOP100_FAULTS_SEED` changes the
load; figures go to stdout (`-s`) and to `faults-report.json` in the test's temporary folder.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from shared import testing
from tests.faults import harness, messages, state
from tests.faults.load import generate

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

SEED = int(os.environ.get("TOP100_FAULTS_SEED", "20261130"))


def full_run() -> bool:
    return testing.full_profile() or os.environ.get("TOP100_FAULTS_FULL") == "1"


def _both(tmp_path: Path, profile: harness.Profile) -> tuple[Any, harness.RunResult, harness.RunResult]:
    """The clean and the fault run side by side (each its own vhost, databases, ports and processes)."""
    load = generate(SEED, profile.nominations)
    results: dict[str, harness.RunResult] = {}
    failures: dict[str, BaseException] = {}

    def one(name: str, faults: bool) -> None:
        try:
            results[name] = harness.run(name, tmp_path / name, load, profile, faults=faults)
        except BaseException as exc:
            failures[name] = exc

    threads = [threading.Thread(target=one, args=(n, f)) for n, f in (("clean", False), ("faulty", True))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, exc in failures.items():
        raise AssertionError(f"the {name} run could not finish: {exc}") from exc
    return load, results["clean"], results["faulty"]


def _figures(
    load: Any, clean: harness.RunResult, faulty: harness.RunResult, problems: list[str]
) -> dict[str, Any]:
    record = faulty.record
    assert record is not None
    return {
        "seed": load.seed,
        "nominations": len(load.students),
        "operations": load.counts(),
        "withdrawn": len(load.withdrawn),
        "events_handled": {run.name: run.handled for run in (clean, faulty)},
        "sent": {
            run.name: {
                "sms": sum(run.sms.values()),
                "emails": sum(run.emails.values()),
                "stopped_by_withdrawal": messages.stopped(run.recorded),
                "pending": len(run.pending),
                "sent_again_after_a_kill": messages.sent_again(
                    messages.left(run.sms, run.emails), run.record.killed["notify"] if run.record else 0
                )[1],
            }
            for run in (clean, faulty)
        },
        "faults": {
            "injected": dict(record.injected),
            "killed": dict(record.killed),
            "restarts": faulty.restarts,
            "connections_closed": record.closed_connections,
            "backends_terminated": record.terminated_backends,
            "duplicated_deliveries": record.duplicated,
            "reordered_deliveries": record.reordered,
            "could_not_inject": record.failures,
        },
        "portal_retries": {run.name: run.outcome.retried for run in (clean, faulty)},
        "seconds": {run.name: {k: round(v, 1) for k, v in run.seconds.items()} for run in (clean, faulty)},
        "problems": problems,
    }


def _check(load: Any, clean: harness.RunResult, faulty: harness.RunResult) -> list[str]:
    problems: list[str] = []
    for run in (clean, faulty):
        if run.outcome.unexpected:
            problems.append(f"{run.name}: intake refused part of the load: {run.outcome.unexpected[:5]}")
        if run.errors:
            problems.append(f"{run.name}: a web server died: {run.errors}")
        if run.parked:
            problems.append(f"{run.name}: {run.parked} message(s) parked:\n{run.parked_lines[:3000]}")
        if run.findings:
            shown = "\n  ".join(str(f) for f in run.findings[:15])
            problems.append(f"{run.name}: personal data in logs ({len(run.findings)} hits):\n  {shown}")
        if run.stale:
            shown = "\n  ".join(run.stale[:15])
            problems.append(f"{run.name}: consumers disagree with intake ({len(run.stale)}):\n  {shown}")
        if run.pending:
            shown = "\n  ".join(message.describe() for message in run.pending[:15])
            problems.append(
                f"{run.name}: {len(run.pending)} message(s) still pending after waiting"
                f" {run.seconds.get('quiet', 0):.0f}s:\n  {shown}"
            )
        if run.unmatched:
            shown = "\n  ".join(run.unmatched[:15])
            problems.append(f"{run.name}: notify's record and the wire disagree:\n  {shown}")
        kills = run.record.killed["notify"] if run.record else 0
        twice, _ = messages.sent_again(messages.left(run.sms, run.emails), kills)
        problems += [f"{run.name}: {problem}" for problem in twice]
    if set(clean.outcome.ids) != set(faulty.outcome.ids):
        problems.append("the two runs accepted different nominations")
    differences = state.diff(clean.state, faulty.state)
    if differences:
        parts = Counter(line.split(" ", 2)[1] for line in differences)
        shown = "\n  ".join(line[:600] for line in differences[:20])
        problems.append(f"end states differ ({len(differences)}: {dict(parts)}):\n  {shown}")
    sent = messages.compare(clean.recorded, faulty.recorded, load.withdrawn)
    if sent:
        shown = "\n  ".join(sent[:15])
        problems.append(f"the runs sent different messages ({len(sent)}):\n  {shown}")
    record = faulty.record
    assert record is not None
    if record.failures:
        problems.append(f"faults that could not be injected: {record.failures}")
    if set(record.killed) != {"intake", "review", "media", "notify"}:
        problems.append(f"not every worker type was killed: {dict(record.killed)}")
    return problems


def _prove(tmp_path: Path, profile: harness.Profile) -> None:
    load, clean, faulty = _both(tmp_path, profile)
    problems = _check(load, clean, faulty)
    figures = _figures(load, clean, faulty, problems)
    report = json.dumps(figures, ensure_ascii=False, indent=2)
    (tmp_path / "faults-report.json").write_text(report, encoding="utf-8")
    print(report)
    assert not problems, "\n\n".join(problems)


@pytest.mark.timeout(900)
def test_quick_fault_run_ends_as_the_clean_run(tmp_path: Path) -> None:
    if full_run():
        pytest.skip("--full runs the long fault run instead")
    _prove(tmp_path, harness.QUICK)


@pytest.mark.timeout(3600)
def test_full_fault_run_ends_as_the_clean_run(tmp_path: Path) -> None:
    if not full_run():
        pytest.skip("the long fault run: ./scripts/test tests/faults --full (or TOP100_FULL=1)")
    _prove(tmp_path, harness.FULL)
