"""The found case, from review's outbox to notify's messages: 15 candidates of a region, 10 advanced;
a correction adding an 11th is refused by the quota; a correction swapping one writes exactly two
outcome events, and notify writes exactly two letters to students, each worded as a correction
(before, the correction form had advanced one and taken the advancement from the ten: 10 students
were told they had not passed)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from services.notify import bootstrap as notify_bootstrap
from services.notify.handlers import HANDLERS as NOTIFY
from services.notify.models import Message
from services.notify.tests.factories import submitted
from services.review import bootstrap as review_bootstrap
from services.review.app import create_app
from services.review.models import Candidate, outbox
from services.review.tests import seeding
from shared import config, testing
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime


@pytest.fixture
def runtimes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Runtime, Runtime]]:
    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    for name in ("REVIEW_DATABASE_URL", "NOTIFY_DATABASE_URL", "NOTIFY_SMTP_URL", "NOTIFY_SMS_PROVIDERS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path / "review"))
    with testing.migrated_runtime(review_bootstrap.SERVICE, config.load(review_bootstrap.SERVICE)) as review:
        monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path / "notify"))
        with testing.migrated_runtime(
            notify_bootstrap.SERVICE, config.load(notify_bootstrap.SERVICE)
        ) as notify:
            yield review, notify


def _outbox(review: Runtime, after: int = 0) -> list[Event]:
    with review.db.unit_of_work() as session:
        rows = session.execute(
            select(outbox.c.id, outbox.c.body).where(outbox.c.id > after).order_by(outbox.c.id)
        )
        return [Event.from_json(body) for _id, body in rows]


def _student_letters(notify: Runtime) -> list[Message]:
    with notify.db.unit_of_work() as session:
        query = select(Message).where(Message.recipient_kind == "student", Message.channel == "email")
        rows = [m for m in session.scalars(query) if m.template != "nomination_received"]
        session.expunge_all()
    return rows


def test_a_swap_reaches_exactly_the_two_students_it_concerns(runtimes: tuple[Runtime, Runtime]) -> None:
    review, notify = runtimes
    with review.db.unit_of_work() as session:
        made = [seeding.candidate(session, "almaty") for _ in range(15)]
        ids, nominations = [c.id for c in made], {c.id: c.nomination_id for c in made}
    for candidate_id, nomination_id in nominations.items():
        told = submitted("kk", nomination_id, email=f"{candidate_id[:8]}@student.example.kz")
        assert handle(notify, NOTIFY, "notify", told)
    client = create_app(review).test_client()
    chair = seeding.token(review.settings.secret_key, "regional_chair", "almaty", "kk")
    body = {"year": 2026, "stage": "regional", "region": "almaty", "justification": "Ең үздік он."}
    first = client.post("/api/v1/decisions", json={**body, "advanced": ids[:10]}, headers=chair).get_json()
    for event in _outbox(review):
        handle(notify, NOTIFY, "notify", event)
    assert len(_student_letters(notify)) == 15  # each candidate hears of the decision once
    with review.db.unit_of_work() as session:
        last = session.scalar(select(outbox.c.id).order_by(outbox.c.id.desc()).limit(1)) or 0
    url = f"/api/v1/decisions/{first['id']}/corrections"
    eleven = client.post(url, json={**body, "advanced": ids[:11], "reason": "Тағы біреу."}, headers=chair)
    assert eleven.status_code == 409 and eleven.get_json()["code"] == "quota_exceeded"
    assert _outbox(review, last) == []
    swapped = [*ids[:9], ids[12]]
    assert (
        client.post(
            url, json={**body, "advanced": swapped, "reason": "Апелляция."}, headers=chair
        ).status_code
        == 201
    )
    correction = _outbox(review, last)
    outcomes = [e for e in correction if e.type.startswith("candidate.")]
    assert sorted((e.type, e.payload["candidate_id"]) for e in outcomes) == [
        ("candidate.advanced", ids[12]),
        ("candidate.not_advanced", ids[9]),
    ]
    for event in correction:
        handle(notify, NOTIFY, "notify", event)
        handle(notify, NOTIFY, "notify", event)  # delivered twice
    letters = [m for m in _student_letters(notify) if m.template.startswith("correction_")]
    assert sorted((m.template, m.recipient) for m in letters) == sorted(
        [
            ("correction_advanced", f"{ids[12][:8]}@student.example.kz"),
            ("correction_not_advanced", f"{ids[9][:8]}@student.example.kz"),
        ]
    )
    assert all("10 қазан күнгі шешімін түзетті" in (m.body or "") for m in letters)
    with review.db.unit_of_work() as session:
        advanced = session.scalars(select(Candidate.id).where(Candidate.stage == "republican")).all()
    assert sorted(advanced) == sorted(swapped)
