"""Every event that triggers one of notify's messages carries every parameter its template may use.

Each message is triggered by its real event (payloads as `shared.events` agrees them, loaded through
the schemas), in each of the student's languages; `queueing.queue` refuses a message whose parameters
lack one its catalogue entry declares, and the template renders with `StrictUndefined`, so a payload
that dropped a field fails here and not at a student's expense. The clock's messages (reminders,
digest) are triggered by the calendar with the data the events left.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from services.notify import bootstrap
from services.notify.handlers import HANDLERS
from services.notify.models import Message
from services.notify.operations import reminders
from services.notify.rules.catalogue import CHANNELS, ERASED_ONCE_SENT
from shared import config, testing
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TOP100_NOW", "2026-10-02T09:30:00+05:00")
    for name in ("NOTIFY_DATABASE_URL", "NOTIFY_SMTP_URL", "NOTIFY_SMS_URL", "NOTIFY_SMS_PROVIDERS"):
        monkeypatch.delenv(name, raising=False)
    with testing.migrated_runtime(bootstrap.SERVICE, config.load(bootstrap.SERVICE)) as built:
        yield built


def _event(event_type: str, payload: dict, producer: str = "review") -> Event:
    return Event(type=event_type, version=1, region="almaty", producer=producer, payload=payload)


def _submitted(nomination_id: str, language: str) -> Event:
    return _event(
        "nomination.submitted",
        {
            "nomination_id": nomination_id,
            "year": 2026,
            "college_code": f"ALM-{language}",
            "college_names": {"kk": "Колледж", "ru": "Колледж", "en": "College"},
            "candidate": {"last_name": "Нұрланұлы", "first_name": "Әлихан", "patronymic": None},
            "language": language,
            "contacts": {"email": f"{nomination_id}@example.kz", "phone": "+77011234567"},
            "specialty": "Программист",
            "course": 3,
            "academic_standing": "excellent",
            "minor": False,
            "categories": ["skills"],
            "achievements": [],
            "statements": {"kk": "Мәтін."},
            "photo": None,
            "revision": 1,
            "coordinator": {"full_name": "Сейітова Гүлнар", "email": f"coord-{nomination_id}@example.kz"},
        },
        producer="intake",
    )


_CORRECTION = {
    "decision_id": "d2",
    "sequence": 2,
    "correction": True,
    "corrects": "d",
    "corrects_recorded_at": "2026-10-10T12:00:00+05:00",
}


def _triggers(nomination_id: str) -> list[Event]:
    decision = {"candidate_id": "c", "nomination_id": nomination_id, "year": 2026, "decision_id": "d"}
    return [
        _event("media.photo_rejected", {"nomination_id": nomination_id, "reason": "too_small"}, "media"),
        _event(
            "candidate.advanced",
            {
                **decision,
                "stage": "regional",
                "to_stage": "republican",
                "missing": ["statements.en", "photo"],
            },
        ),
        _event("candidate.not_advanced", {**decision, "stage": "regional"}),
        # A correction of that decision, worded as one (to the candidates whose outcome it changed).
        _event(
            "candidate.advanced",
            {**decision, **_CORRECTION, "stage": "regional", "to_stage": "republican", "missing": ["photo"]},
        ),
        _event("candidate.not_advanced", {**decision, **_CORRECTION, "stage": "regional"}),
        _event(
            "candidate.incomplete",
            {
                "candidate_id": "c",
                "nomination_id": nomination_id,
                "year": 2026,
                "missing": ["photo"],
                "amend_by": "2026-10-20T23:59:59+05:00",
            },
        ),
        _event(
            "winners.published",
            {"year": 2026, "decision_id": "w", "candidate_ids": ["c"], "nomination_ids": [nomination_id]},
        ),
        _event(
            "nomination.amended",
            {
                "nomination_id": nomination_id,
                "changed": ["consent.publication"],
                "consent_publication": False,
                "revision": 2,
            },
            producer="intake",
        ),
        _event(
            "review.candidate_registered",
            {"nomination_id": nomination_id, "candidate_id": "c", "stage": "internal"},
        ),
        _event(
            "vote.code_requested",
            {
                "verification_id": f"v-{nomination_id}",
                "contest_id": "2026-regional-almaty",
                "phone": "+77011234567",
                "code": "012345",
                "language": nomination_id[:2],
                "expires_at": "2026-10-02T09:40:00+05:00",
            },
        ),
    ]


def _people(runtime: Runtime) -> None:
    for index, (role, language) in enumerate(
        [("regional_chair", "kk"), ("regional_member", "ru"), ("national_member", "en")]
    ):
        payload = {
            "user_id": f"u-{index}",
            "generation": 1,
            "email": f"u{index}@example.kz",
            "name": "Әлия Нұрғалиқызы",
            "role": role,
            "scope": "national" if role.startswith("national") else "almaty",
            "language": language,
            "college": None,
        }
        assert handle(runtime, HANDLERS, "notify", _event("user.changed", payload)) is True


def test_every_message_is_written_from_its_events_in_every_language(runtime: Runtime) -> None:
    _people(runtime)
    for language in ("kk", "ru", "en"):
        nomination_id = f"{language}-{uuid.uuid4()}"
        for event in [_submitted(nomination_id, language), *_triggers(nomination_id)]:
            assert handle(runtime, HANDLERS, "notify", event) is True, event.type
    with runtime.db.unit_of_work() as session:
        keys = reminders.run(session, runtime_now())
    assert keys == ["reminder:nominations:2026-10-02", "digest:2026-10-02"]
    with runtime.db.unit_of_work() as session:
        rows = list(session.scalars(select(Message)))
    written = {(row.template, row.channel) for row in rows}
    expected = {(code, channel) for code, channels in CHANNELS.items() for channel in channels}
    # The statements and decisions reminders are due on other days: their kinds are rendered by
    # the calendar test; here the nominations reminder stands for the template.
    assert written == expected
    assert {row.language for row in rows if row.recipient_kind == "student"} == {"kk", "ru", "en"}
    assert all(row.body and "{{" not in row.body for row in rows if row.template not in ERASED_ONCE_SENT)
    # A voter's code was rendered and sent, then its text erased (`catalogue.ERASED_ONCE_SENT`).
    assert {(row.status, row.body) for row in rows if row.template in ERASED_ONCE_SENT} == {("sent", None)}


def runtime_now():  # type: ignore[no-untyped-def]
    from shared import clock

    return clock.now()
