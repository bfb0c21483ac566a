"""The public vote's one-time code: sent by SMS at once (even at night), once per verification, and
neither the code nor the phone kept in clear once it is handed over."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from services.notify.handlers import HANDLERS
from services.notify.models import Message
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime

PHONE = "+77011234567"


def _requested(code: str, expires_at: str, language: str = "kk", verification: str = "v-1") -> Event:
    return Event(
        type="vote.code_requested",
        version=1,
        region="almaty",
        producer="review",
        payload={
            "verification_id": verification,
            "contest_id": "2026-regional-almaty",
            "phone": PHONE,
            "code": code,
            "language": language,
            "expires_at": expires_at,
        },
    )


def _sms_log(runtime: Runtime) -> str:
    path = Path(runtime.settings.data_dir) / "sms" / "outbox.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def _messages(runtime: Runtime) -> list[Message]:
    with runtime.db.unit_of_work() as session:
        return list(session.scalars(select(Message)))


@pytest.mark.parametrize(
    ("language", "words"), [("kk", "дауыс беру коды"), ("ru", "код голосования"), ("en", "voting code")]
)
def test_the_code_reaches_the_phone_in_the_voters_language_and_is_erased_here(
    runtime: Runtime, language: str, words: str
) -> None:
    event = _requested("012345", "2026-09-20T12:10:00+05:00", language)
    assert handle(runtime, HANDLERS, "notify", event) is True
    line = _sms_log(runtime).strip()
    assert PHONE in line and "012345" in line and words in line and "10" in line
    [message] = _messages(runtime)
    assert (message.status, message.template, message.recipient_kind) == ("sent", "vote_code", "voter")
    assert message.body is None and message.recipient == "+7701*****67"
    # Nothing in notify's database holds the code or the number in clear.
    with runtime.db.unit_of_work() as session:
        for table in runtime.db.metadata.sorted_tables:
            for row in session.execute(select(table)):
                assert "012345" not in repr(row) and PHONE not in repr(row), table.name


def test_a_code_at_night_is_sent_at_once_and_once_per_verification(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-09-20T23:30:00+05:00")
    event = _requested("987654", "2026-09-20T23:40:00+05:00")
    assert handle(runtime, HANDLERS, "notify", event) is True
    again = _requested("987654", "2026-09-20T23:40:00+05:00")  # the same verification, another event id
    handle(runtime, HANDLERS, "notify", again)
    assert _sms_log(runtime).count("987654") == 1
    assert [m.status for m in _messages(runtime)] == ["sent"]


def test_a_code_that_arrives_after_it_expired_is_not_sent(runtime: Runtime) -> None:
    event = _requested("111222", "2026-09-20T11:59:00+05:00")
    assert handle(runtime, HANDLERS, "notify", event) is True
    assert "111222" not in _sms_log(runtime)
    assert _messages(runtime) == []


def test_no_status_event_tells_of_a_voters_code(runtime: Runtime) -> None:
    handle(runtime, HANDLERS, "notify", _requested("012345", "2026-09-20T12:10:00+05:00"))
    with runtime.db.unit_of_work() as session:
        outbox = runtime.db.metadata.tables["outbox"]
        bodies = [row.body for row in session.execute(select(outbox))]
    assert not [body for body in bodies if "notification." in body]
