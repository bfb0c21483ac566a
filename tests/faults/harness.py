"""One run of a load on a fresh system, with or without the fault driver, and what it ended with."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shared import testing
from tests.faults import messages, state
from tests.faults.cluster import running_system
from tests.faults.faults import Driver, Record
from tests.faults.load import REGIONS, Load, Outcome, Portal


@dataclass(frozen=True)
class Profile:
    name: str
    nominations: int
    faults: int
    interval: float
    #: Seconds the run may take, after the load, for outboxes, queues and workers to come to rest: on
    #: two cores shared with other work (load average 30), a clean quick run took more than 240 s,
    #: media's derivatives and each look at the broker's queues (a `rabbitmqctl`) slowed alike.
    quiet_timeout: float
    #: Seconds the run waits, once quiet, for every message to be final (sent, delivered, failed).
    settle_bound: float


QUICK = Profile("quick", nominations=60, faults=10, interval=3.0, quiet_timeout=420, settle_bound=120)
FULL = Profile("full", nominations=300, faults=60, interval=2.5, quiet_timeout=600, settle_bound=300)


@dataclass
class RunResult:
    name: str
    outcome: Outcome
    state: dict[str, dict[str, Any]]
    sms: Any
    emails: Any
    parked: int
    parked_lines: str
    findings: list[str]
    stale: list[str]
    errors: list[str]
    restarts: dict[str, int]
    record: Record | None
    handled: dict[str, int]
    #: Every message notify recorded, as the run ended.
    recorded: list[messages.Message] = field(default_factory=list)
    #: The ones still `queued` or `held` when the settle bound passed.
    pending: list[messages.Message] = field(default_factory=list)
    #: Where notify's record and what left the system disagree.
    unmatched: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def run(name: str, workdir: Path, load: Load, profile: Profile, *, faults: bool) -> RunResult:
    seconds: dict[str, float] = {}
    started = time.monotonic()
    with running_system(name, workdir) as system:
        system.prepare(load.colleges_csv(), REGIONS)
        if faults:
            system.declare_tap()
        system.declare_wait_tap()
        system.start()
        seconds["setup"] = time.monotonic() - started
        driver = None
        if faults:
            driver = Driver(system, load.seed, REGIONS, interval=profile.interval, limit=profile.faults)
            driver.start()
        outcome = Portal(system.url("intake"), system.keys).run(load)
        seconds["load"] = outcome.seconds
        record = None
        if driver is not None:
            driver.join(timeout=profile.faults * profile.interval * 2 + 120)
            record = driver.stop()
            system.drop_tap()
        seconds["quiet"], pending = messages.settle(
            lambda: messages.recorded(system, outcome.ids),
            lambda: system.wait_quiet(profile.quiet_timeout),
            profile.settle_bound,
        )
        end = state.snapshot(system, outcome.ids)
        stale = state.stale(system, outcome.ids)
        recorded = messages.recorded(system, outcome.ids)
        sms, emails = messages.sends(system)
        parked, parked_lines = system.parked()
        values = [
            *(s.iin for s in load.students.values()),
            *(s.phone for s in load.students.values()),
            *_patched_phones(load),
            *(s.email for s in load.students.values()),
        ]
        texts = [(path.name, path.read_text(encoding="utf-8", errors="replace")) for path in system.logs()]
        texts += [("top100 parked list", parked_lines), ("headers on top100.wait", system.retry_headers())]
        findings = [
            f"{name}: {len(found)} value(s) of the load, e.g. {found[0][:4]}…"
            for name, text in texts
            if (found := testing.personal_data_in(text, values))
        ]
        seconds["total"] = time.monotonic() - started
        return RunResult(
            name,
            outcome,
            end,
            sms,
            emails,
            parked,
            parked_lines,
            findings,
            stale,
            list(system.errors),
            dict(system.restarts),
            record,
            system.inbox_rows(),
            recorded,
            pending,
            messages.unmatched(recorded, messages.left(sms, emails)),
            seconds,
        )


def _patched_phones(load: Load) -> list[str]:
    return [
        op.patch["student"]["phone"]
        for op in load.operations
        if op.patch and "phone" in op.patch.get("student", {})
    ]
