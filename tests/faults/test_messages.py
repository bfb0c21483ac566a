"""The fault run's reading of messages: late is not lost, a withdrawal's race is not a loss, and a
message recorded sent but never handed over (or the reverse) is named.

The case that failed a fresh clone's run: seed 20261130, nomination n0051 submitted then withdrawn at
once; in the fault run its receipt's emails left, then the worker lost its database before the SMS,
and the withdrawal was handled before the sweep took the SMS again: `failed`, `withdrawn`, as notify's
contract says. The run compared "distinct SMS sent: clean 60, faulty 59" and failed.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.faults import state
from tests.faults.messages import (
    Message,
    compare,
    left,
    pending,
    sent_again,
    settle,
    stopped,
    unmatched,
)

_ids = itertools.count()


def _message(label: str, channel: str, status: str, **extra: Any) -> Message:
    kind = extra.pop("kind", "student")
    template = extra.pop("template", "nomination_received")
    return Message(f"m{next(_ids)}", label, template, channel, kind, status, **extra)


def _receipt(label: str, sms: str = "sent", error: str | None = None) -> list[Message]:
    return [
        _message(label, "email", "sent"),
        _message(label, "email", "sent", kind="coordinator"),
        _message(label, "sms", sms, error=error),
    ]


def test_an_sms_the_withdrawal_stopped_is_no_loss_for_a_withdrawn_student() -> None:
    clean = _receipt("n0050") + _receipt("n0051")
    faulty = _receipt("n0050") + _receipt("n0051", "failed", "withdrawn")

    assert compare(clean, faulty, {"n0051"}) == []
    assert stopped(faulty) == 1 and stopped(clean) == 0


def test_a_withdrawal_handled_before_the_submission_leaves_no_message_and_no_loss() -> None:
    assert compare(_receipt("n0051"), [], {"n0051"}) == []


def test_the_same_sms_missing_for_a_student_who_did_not_withdraw_is_named() -> None:
    clean = _receipt("n0051")
    faulty = _receipt("n0051", "failed", "withdrawn")

    assert compare(clean, faulty, set()) == [
        "n0051: only the clean run sent [('nomination_received', 'sms', 'student')]"
    ]


def test_a_withdrawn_students_message_failed_for_another_reason_is_named() -> None:
    faulty = _receipt("n0051", "failed", "unexpected: OSError (after 6 attempts)")

    assert compare(_receipt("n0051"), faulty, {"n0051"}) == [
        "n0051: only the clean run sent [('nomination_received', 'sms', 'student')]"
    ]


def test_a_message_only_the_faulty_run_sent_is_named() -> None:
    faulty = [*_receipt("n0007"), _message("n0007", "sms", "sent")]

    assert compare(_receipt("n0007"), faulty, set()) == [
        "n0007: only the faulty run sent [('nomination_received', 'sms', 'student')]"
    ]


def test_a_late_message_is_waited_for_and_not_reported() -> None:
    readings = iter([[_message("n0051", "sms", "queued")]] * 2 + [[_message("n0051", "sms", "sent")]] * 9)
    quiet: list[str] = []

    def wait_quiet() -> float:
        quiet.append("quiet")
        return 0.0

    waited, still = settle(lambda: next(readings), wait_quiet, bound=60, pause=0)

    assert still == [] and waited < 60
    assert len(quiet) == 3  # and quiet again after the last message settled: its status event


def test_a_message_pending_past_the_bound_is_named_with_its_state() -> None:
    held = _message("n0051", "sms", "queued", attempts=1, send_after="2026-09-20 05:00:31+00", error="x")

    waited, still = settle(lambda: [held, _message("n0002", "email", "sent")], lambda: 0.0, 0.05, 0.01)

    assert still == [held] and waited >= 0.05
    assert held.describe() == (
        "n0051 nomination_received sms to student: queued"
        " (attempts 1, send_after 2026-09-20 05:00:31+00, error x)"
    )
    assert pending([held, _message("n0003", "sms", "held")])[1].status == "held"


def test_the_wire_and_the_record_must_agree_message_by_message() -> None:
    sent, lost, unrecorded, stopped_one = (
        _message("n1", "sms", "sent"),
        _message("n2", "sms", "sent"),
        _message("n3", "email", "queued"),
        _message("n4", "sms", "failed", error="withdrawn"),
    )
    wire = left({sent.id: 1}, {f"<{unrecorded.id}@top100.example.kz>": 1, "<stranger@x>": 1})

    problems = unmatched([sent, lost, unrecorded, stopped_one], wire)

    assert problems == [
        f"recorded sent, never handed over: {lost.describe()}",
        f"handed over 1x, recorded as not sent: {unrecorded.describe()}",
        "1 message(s) on the wire notify has no row of: ['stranger']",
    ]


def test_the_end_state_leaves_out_what_a_withdrawal_may_have_stopped_and_nothing_else() -> None:
    def row(status: str, error: str | None = None) -> dict[str, Any]:
        return {"template": "nomination_received", "channel": "sms", "status": status, "error": error}

    withdrawn = {"intake": {"status": "withdrawn"}, "notify": [row("sent"), row("failed", "withdrawn")]}
    withdrawn["notify"].append(row("failed", "not_sendable: not a Kazakhstan mobile number"))
    active = {"intake": {"status": "submitted"}, "notify": [row("sent"), row("failed", "withdrawn")]}

    state._forget_what_a_withdrawal_may_have_stopped(withdrawn)
    state._forget_what_a_withdrawal_may_have_stopped(active)

    assert withdrawn["notify"] == [{"template": "nomination_received", "channel": "sms", "status": "failed"}]
    assert [r["status"] for r in active["notify"]] == ["sent", "failed"]
    assert all("error" not in r for r in active["notify"])


def test_the_bound_starts_once_the_system_is_quiet_so_a_slow_quiet_does_not_use_it_up() -> None:
    queued, sent = _message("n0051", "sms", "queued"), _message("n0051", "sms", "sent")
    readings = iter([[queued], [queued]] + [[sent]] * 9)
    calls: list[float] = []

    def slow_then_quick_quiet() -> float:
        calls.append(0.3 if not calls else 0.0)
        time.sleep(calls[-1])
        return calls[-1]

    waited, still = settle(lambda: next(readings), slow_then_quick_quiet, bound=0.2, pause=0)

    assert still == [] and waited >= 0.3


def test_the_messages_a_killed_notify_worker_had_in_hand_may_go_again_under_their_ids_once_per_kill() -> None:
    wire = left({"s1": 1, "s2": 2, "s3": 2}, {"<e1@top100.kz>": 2, "<e2@top100.kz>": 2})

    assert sent_again(wire, notify_kills=2) == ([], ["e1 x2", "e2 x2", "s2 x2", "s3 x2"])
    problems, _ = sent_again(wire, notify_kills=1)  # four in hand: more than one event's three
    assert problems == [
        "4 message(s) sent more than once, 1 notify kill(s): ['e1 x2', 'e2 x2', 's2 x2', 's3 x2']"
    ]
    assert sent_again(left({"s2": 2, "s3": 2}, {"<e1@top100.kz>": 2}), notify_kills=1)[0] == []
    assert sent_again(left({"s3": 3}, {}), notify_kills=1)[0]  # two copies: more than one kill explains
    assert sent_again(left({"s1": 1}, {}), notify_kills=0) == ([], [])
