"""What depends on the clock (TOP100_NOW): SMS quiet hours, the calendar's reminders and the daily
digest (each once per recipient and day, cancelled when no longer needed), retention, unsubscribing."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from services.notify.app import create_app
from services.notify.handlers import HANDLERS
from services.notify.models import Message
from services.notify.operations import chores, reminders
from services.notify.operations.providers import delivery_for
from services.notify.operations.sending import send_due
from services.notify.tests.factories import event, from_environment, submitted
from shared import clock, identity
from shared.handling import handle
from shared.runtime import Runtime


def _at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("TOP100_NOW", moment)


def _rows(runtime: Runtime, **where: str) -> list[Message]:
    with runtime.db.unit_of_work() as session:
        query = select(Message).order_by(Message.created_at, Message.recipient_ref)
        for name, value in where.items():
            query = query.where(getattr(Message, name) == value)
        return list(session.scalars(query))


def _person(runtime: Runtime, user_id: str, role: str, scope: str = "almaty", language: str = "ru") -> None:
    payload = {
        "user_id": user_id,
        "generation": 1,
        "email": f"{user_id}@example.kz",
        "name": f"Person {user_id}",
        "role": role,
        "scope": scope,
        "language": language,
        "college": None,
    }
    assert handle(runtime, HANDLERS, "notify", event("user.changed", payload, "review")) is True


def _nomination(runtime: Runtime, nomination_id: str, college: str, coordinator: str | None = None) -> None:
    submission = submitted("kk", nomination_id=nomination_id)
    submission.payload["college_code"] = college
    if coordinator:
        submission.payload["coordinator"] = {"full_name": "Сейітова Гүлнар", "email": coordinator}
    assert handle(runtime, HANDLERS, "notify", submission) is True


def test_an_sms_due_in_the_quiet_hours_is_held_until_eight(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2026-09-20T23:10:00+05:00")
    handle(runtime, HANDLERS, "notify", submitted())
    [email] = _rows(runtime, channel="email")
    [sms] = _rows(runtime, channel="sms")
    assert email.status == "sent"
    assert sms.status == "held"
    assert sms.send_after.astimezone(clock.KAZAKHSTAN).isoformat() == "2026-09-21T08:00:00+05:00"
    delivery = delivery_for(runtime.settings)
    _at(monkeypatch, "2026-09-21T07:59:00+05:00")
    send_due(runtime.db, delivery)
    assert _rows(runtime, channel="sms")[0].status == "held"
    _at(monkeypatch, "2026-09-21T08:00:00+05:00")
    send_due(runtime.db, delivery)
    assert _rows(runtime, channel="sms")[0].status == "sent"
    log = (runtime.settings.data_dir / "sms" / "outbox.log").read_text(encoding="utf-8").splitlines()
    assert len(log) == 1 and log[0].startswith("2026-09-21T03:00:00")


def test_a_decision_at_night_is_held_too(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    handle(runtime, HANDLERS, "notify", submitted())
    _at(monkeypatch, "2026-10-15T22:00:00+05:00")
    decision = {"candidate_id": "c", "nomination_id": submitted().payload["nomination_id"], "year": 2026}
    decision |= {"decision_id": "d", "stage": "regional"}
    handle(runtime, HANDLERS, "notify", event("candidate.not_advanced", decision, "review"))
    [sms] = _rows(runtime, channel="sms", template="candidate_not_advanced")
    assert sms.status == "held" and sms.send_after.isoformat() == "2026-10-16T03:00:00+00:00"


def test_nomination_reminders_reach_colleges_under_three_once_a_day(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _person(runtime, "chair", "regional_chair", language="kk")
    _person(runtime, "member", "regional_member")
    for index in range(3):
        _nomination(runtime, f"full-{index}", "ALM-001", "full@example.kz")
    _nomination(runtime, "short-1", "ALM-002", "short@example.kz")
    for moment in ("2026-10-02T09:00:00+05:00", "2026-10-02T17:00:00+05:00"):  # twice the same day
        _at(monkeypatch, moment)
        chores.calendar(runtime)
    _at(monkeypatch, "2026-10-01T09:00:00+05:00")  # not a reminder day
    chores.calendar(runtime)
    rows = _rows(runtime, template="deadline_reminder")
    assert [(row.recipient, row.event_id, row.status) for row in rows] == [
        ("short@example.kz", "reminder:nominations:2026-10-02", "sent"),
        ("chair@example.kz", "reminder:nominations:2026-10-02", "sent"),
    ]
    chair = BytesParser(policy=policy.default).parsebytes(
        (tmp_path / "mail" / rows[1].provider_id).read_bytes()
    )
    text = chair.get_body(("plain",)).get_content()
    assert "Құрметті Person chair!" in text and "5 қазан" in text and "(1)" in text
    assert chair["List-Unsubscribe"].startswith("<http://127.0.0.1:8004/api/v1/unsubscribe/")


def test_a_commission_that_decided_gets_no_decisions_reminder(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    _person(runtime, "m-almaty", "regional_member")
    _person(runtime, "m-shymkent", "regional_member", scope="shymkent")
    for region in ("almaty", "shymkent"):
        registered = {"nomination_id": f"n-{region}", "candidate_id": "c", "stage": "internal"}
        handle(
            runtime, HANDLERS, "notify", event("review.candidate_registered", registered, "review", region)
        )
    closed = {
        "year": 2026,
        "stage": "regional",
        "decision_id": "d",
        "candidates": 3,
        "advanced": 1,
        "quota": 10,
    }
    handle(runtime, HANDLERS, "notify", event("stage.closed", closed, "review", "shymkent"))
    with runtime.db.unit_of_work() as session:
        assert reminders.run(session, clock.now().replace(year=2026, month=10, day=13))[0] == (
            "reminder:decisions:2026-10-13"
        )
    rows = _rows(runtime, template="deadline_reminder")
    assert [(row.recipient, row.region) for row in rows] == [("m-almaty@example.kz", "almaty")]


def test_a_reminder_no_longer_needed_is_cancelled_before_it_goes(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    _person(runtime, "chair", "regional_chair")
    _nomination(runtime, "n-1", "ALM-002")
    monkeypatch.setenv("NOTIFY_SMTP_URL", "smtp://127.0.0.1:9")  # the mail server is away: it waits
    _at(monkeypatch, "2026-10-02T09:00:00+05:00")
    chores.calendar(from_environment(runtime))
    [waiting] = _rows(runtime, template="deadline_reminder")
    assert waiting.status == "queued"
    for index in (2, 3):
        _nomination(runtime, f"n-{index}", "ALM-002")
    chores.calendar(from_environment(runtime))
    [cancelled] = _rows(runtime, template="deadline_reminder")
    assert (cancelled.status, cancelled.error) == ("failed", "cancelled: no longer needed")


def test_statements_reminders_and_the_daily_digest(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    _person(runtime, "chair", "regional_chair", language="en")
    _person(runtime, "national", "national_member", scope="national", language="kk")
    _at(monkeypatch, "2026-10-17T15:00:00+05:00")
    _nomination(runtime, "n-1", "ALM-002")
    advanced = {"candidate_id": "c", "nomination_id": "n-1", "year": 2026, "decision_id": "d"}
    advanced |= {"stage": "regional", "to_stage": "republican", "missing": ["statements.en"]}
    handle(runtime, HANDLERS, "notify", event("candidate.advanced", advanced, "review"))
    result = CliRunner().invoke(_cli(), ["reminders", "run", "--at", "2026-10-18T09:00:00+05:00"])
    assert result.exit_code == 0, result.output
    assert result.output.split() == ["reminder:statements:2026-10-18", "digest:2026-10-18"]
    [reminder] = _rows(runtime, template="deadline_reminder")
    assert reminder.recipient == "chair@example.kz" and "20 October" in reminder.body
    [digest] = _rows(runtime, template="to_score_digest")
    assert digest.recipient == "national@example.kz" and "Нұрланұлы Әлихан" in digest.body
    assert digest.status == "sent" and digest.optional


def _cli():  # type: ignore[no-untyped-def]
    from services.cli import cli

    return cli


def test_a_disabled_member_gets_no_digest_and_their_credentials_are_revoked(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    _person(runtime, "gone", "regional_member")
    handle(
        runtime, HANDLERS, "notify", event("user.disabled", {"user_id": "gone", "generation": 2}, "review")
    )
    registered = {"nomination_id": "n-1", "candidate_id": "c", "stage": "internal"}
    handle(runtime, HANDLERS, "notify", event("review.candidate_registered", registered, "review"))
    with runtime.db.unit_of_work() as session:
        assert reminders.digest(session, clock.local_now()) == ["digest:2026-09-20"]
        table = runtime.db.metadata.tables[identity.GENERATIONS]
        assert session.execute(select(table.c.disabled).where(table.c.user_id == "gone")).scalar() is True
    assert _rows(runtime, template="to_score_digest") == []


def test_message_bodies_are_deleted_after_retention_and_the_log_stays(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    handle(runtime, HANDLERS, "notify", submitted())
    _at(monkeypatch, "2026-12-18T12:00:00+05:00")  # 89 days later
    assert chores.retention(runtime) == 0
    _at(monkeypatch, "2026-12-20T12:00:00+05:00")
    assert chores.retention(runtime) == 2
    rows = _rows(runtime)
    assert [(r.status, r.body, r.subject) for r in rows] == [("sent", None, None), ("sent", None, None)]
    assert all(r.purged_at is not None and r.recipient and r.template for r in rows)


def test_one_click_unsubscribe_stops_optional_messages_only(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _person(runtime, "chair", "regional_chair")
    _nomination(runtime, "n-1", "ALM-002")
    _at(monkeypatch, "2026-10-02T09:00:00+05:00")
    chores.calendar(runtime)
    [reminder] = _rows(runtime, template="deadline_reminder")
    letter = BytesParser(policy=policy.default).parsebytes(
        (tmp_path / "mail" / reminder.provider_id).read_bytes()
    )
    link = urlsplit(str(letter["List-Unsubscribe"]).split(",")[0].strip("<>"))
    client = create_app(runtime).test_client()
    assert client.post(link.path[:-3] + "xyz").status_code == 404
    reply = client.post(link.path, data="List-Unsubscribe=One-Click")
    assert reply.status_code == 200 and json.loads(reply.data) == {"unsubscribed": True}
    _at(monkeypatch, "2026-10-13T09:00:00+05:00")
    registered = {"nomination_id": "n-1", "candidate_id": "c", "stage": "internal"}
    handle(runtime, HANDLERS, "notify", event("review.candidate_registered", registered, "review"))
    chores.calendar(runtime)
    assert [r.event_id for r in _rows(runtime, template="deadline_reminder")] == [reminder.event_id]
