"""What notify recorded and what actually left the system, message by message, and when a run is done.

A message is late, not lost, while it is `queued` (its sending failed and the sweep takes it again)
or `held` (quiet hours, a backoff): `settle` waits for every message to reach a final state (`sent`,
`delivered`, `failed`), with a bound, and names the ones still pending when the bound passes. Then
each recorded send is matched with what left: the SMS log's lines (the reference is the message's
id) and the SMTP sink's Message-IDs (`<message id@domain>`). A row marked sent with nothing on the
wire was recorded sent but never handed over; a line on the wire whose row is not marked sent was
handed over but recorded as not sent.

After `nomination.withdrawn` nothing more goes to the student or their coordinator (notify's
contract): a message still waiting then ends `failed` with the error `withdrawn`, and a withdrawal
handled before the submission leaves no message at all. Which of a withdrawn student's messages left
before the withdrawal won is timing (a worker killed between the receipt's email and its SMS, then
the withdrawal handled before the sweep), so `compare` lets a withdrawn student's messages be
missing or stopped in one run and sent in the other; every other student's must agree exactly.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row

from tests.faults.cluster import System, libpq

#: The states a message ends in; `queued` and `held` are still on their way.
FINAL = frozenset({"sent", "delivered", "failed"})
LEFT = frozenset({"sent", "delivered"})
#: The error of a message its nomination's withdrawal stopped (`services.notify.operations.sending`).
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Message:
    """One row of notify's `messages`, by the load's label of its nomination."""

    id: str
    label: str
    template: str
    channel: str
    kind: str
    status: str
    error: str | None = None
    attempts: int = 0
    send_after: Any = None

    @property
    def what(self) -> tuple[str, str, str]:
        """The same message in both runs (ids differ): its template, channel and recipient kind."""
        return self.template, self.channel, self.kind

    def describe(self) -> str:
        """`n0051 nomination_received sms to student: queued (attempts 1, send_after ..., error ...)`."""
        detail = f"attempts {self.attempts}, send_after {self.send_after}, error {self.error}"
        return f"{self.label} {self.template} {self.channel} to {self.kind}: {self.status} ({detail})"


def recorded(system: System, labels: Mapping[str, str]) -> list[Message]:
    """Every message notify recorded, its nomination by label (a message of none by its recipient)."""
    by_id = {nomination_id: label for label, nomination_id in labels.items()}
    sql = (
        "SELECT id, nomination_id, recipient_ref, template, channel, recipient_kind AS kind, status,"
        " error, attempts, send_after FROM messages ORDER BY created_at, id"
    )
    with psycopg.connect(libpq(system.database_urls["notify"]), row_factory=dict_row) as conn:
        rows = conn.execute(sql).fetchall()
    found = []
    for row in rows:
        nomination_id, ref = row.pop("nomination_id"), row.pop("recipient_ref")
        found.append(Message(label=by_id.get(nomination_id) or ref, **row))
    return found


def pending(messages: Iterable[Message]) -> list[Message]:
    return [message for message in messages if message.status not in FINAL]


def settle(
    read: Callable[[], list[Message]], quiet: Callable[[], float], bound: float, pause: float = 1.0
) -> tuple[float, list[Message]]:
    """Once the system is quiet, wait at most `bound` seconds more until every message is final.

    `quiet` waits until nothing moves (outboxes, queues, workers); the bound starts once it first
    returns, so a slow quiet does not eat it. A message marked sent puts its status event in the
    outbox, so the system must be quiet again after the last message settled. Returns the seconds
    waited in all and the messages still pending when the bound passed (none when settled).
    """
    started = time.monotonic()
    before = pending(read())
    quiet()
    settling = time.monotonic()
    while True:
        after = pending(read())
        if not before and not after:
            return time.monotonic() - started, []
        if time.monotonic() - settling > bound:
            return time.monotonic() - started, after
        before = after
        time.sleep(pause)
        quiet()


def sends(system: System) -> tuple[Counter[str], Counter[str]]:
    """What left the system: SMS log lines by reference (the message's id), emails by Message-ID."""
    sms: Counter[str] = Counter()
    log = system.data_dir / "sms" / "outbox.log"
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3:
                sms[parts[2]] += 1
    return sms, Counter(system.smtp.message_ids) if system.smtp else Counter()


def left(sms: Mapping[str, int], emails: Mapping[str, int]) -> Counter[str]:
    """Message ids as they left: an SMS's reference, an email's Message-ID `<id@domain>` unwrapped."""
    found: Counter[str] = Counter(sms)
    for message_id, count in emails.items():
        found[message_id.strip().strip("<>").split("@", 1)[0]] += count
    return found


def unmatched(messages: Iterable[Message], wire: Mapping[str, int]) -> list[str]:
    """Where notify's record and the wire disagree (each message once on the wire iff marked sent)."""
    problems = []
    known = set()
    for message in messages:
        known.add(message.id)
        times = wire.get(message.id, 0)
        if message.status in LEFT and times == 0:
            problems.append(f"recorded sent, never handed over: {message.describe()}")
        elif message.status not in LEFT and times:
            problems.append(f"handed over {times}x, recorded as not sent: {message.describe()}")
    strangers = sorted(set(wire) - known)
    if strangers:
        problems.append(f"{len(strangers)} message(s) on the wire notify has no row of: {strangers[:5]}")
    return problems


#: Messages a notify worker has in hand at once on an event's path: an event's messages go out
#: together (`NOTIFY_EVENT_LANES`, 3: a receipt's student email and SMS and coordinator email).
IN_HAND = 3


def sent_again(wire: Mapping[str, int], notify_kills: int) -> tuple[list[str], list[str]]:
    """Messages on the wire more than once: (problems, the ones a killed notify worker explains).

    Notify commits each message as its provider takes it, so a worker killed between the taking and
    the commit leaves that message `queued`, and the next worker sends it again under the same
    Message-ID or SMS reference (a receiver or gateway drops the copy by it). Those are the messages
    in hand: at most `IN_HAND` per kill, each once per kill; anything beyond (more copies, more
    messages than the kills explain, or any in a run without a kill) is a message sent twice.
    """
    again = sorted((key, times) for key, times in wire.items() if times > 1)
    extra = sum(times - 1 for _, times in again)
    shown = [f"{key} x{times}" for key, times in again]
    if extra > notify_kills * IN_HAND or any(times - 1 > notify_kills for _, times in again):
        return [
            f"{len(again)} message(s) sent more than once, {notify_kills} notify kill(s): {shown[:5]}"
        ], []
    return [], shown


def compare(clean: list[Message], faulty: list[Message], withdrawn: set[str]) -> list[str]:
    """Per nomination, the messages that left in one run and not in the other.

    A withdrawn student's message sent in one run may, in the other, have been stopped by the
    withdrawal (`failed`, `withdrawn`) or never recorded (the withdrawal handled first); any other
    difference (failed for another reason, sent twice as often, sent to someone else) is one.
    """
    runs = {"clean": clean, "faulty": faulty}
    sent = {name: _sent_by_label(rows) for name, rows in runs.items()}
    problems = []
    for label in sorted(set(sent["clean"]) | set(sent["faulty"])):
        for name, other in (("clean", "faulty"), ("faulty", "clean")):
            extra = sent[name].get(label, Counter()) - sent[other].get(label, Counter())
            if label in withdrawn:
                extra = Counter(
                    {what: n for what, n in extra.items() if not _stopped(runs[other], label, what)}
                )
            if extra:
                problems.append(f"{label}: only the {name} run sent {sorted(extra.elements())}")
    return problems


def stopped(messages: Iterable[Message]) -> int:
    """How many messages a withdrawal stopped before they left."""
    return sum(1 for message in messages if message.status == "failed" and message.error == WITHDRAWN)


def _stopped(messages: Iterable[Message], label: str, what: tuple[str, str, str]) -> bool:
    """Whether every message `what` of `label` (if any was recorded) was stopped by the withdrawal."""
    return all(
        message.status == "failed" and message.error == WITHDRAWN
        for message in messages
        if message.label == label and message.what == what
    )


def _sent_by_label(messages: Iterable[Message]) -> dict[str, Counter[tuple[str, str, str]]]:
    found: dict[str, Counter[tuple[str, str, str]]] = {}
    for message in messages:
        if message.status in LEFT:
            found.setdefault(message.label, Counter())[message.what] += 1
    return found
