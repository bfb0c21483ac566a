"""A corrected decision is worded as a correction: "the commission has corrected its decision of
10 October: ...", the date in the recipient's language, one letter per student (and their
coordinator's), however often the event is delivered."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from services.notify.handlers import HANDLERS
from services.notify.models import Message
from services.notify.tests.factories import event, submitted
from shared.handling import handle
from shared.runtime import Runtime

WORDED = {
    "kk": (
        "Комиссия 10 қазан күнгі шешімін түзетті",
        "кезеңнен әрі өтпейсіз",
        "республикалық кезеңге өттіңіз",
    ),
    "ru": (
        "Комиссия исправила своё решение от 10 октября",
        "не проходите дальше",
        "проходите на республиканский",
    ),
    "en": (
        "The commission has corrected its decision of 10 October",
        "do not go beyond",
        "through to the republican",
    ),
}


def _decision(kind: str, nomination_id: str, **extra: Any) -> Any:
    payload = {
        "candidate_id": f"c-{nomination_id}",
        "nomination_id": nomination_id,
        "year": 2026,
        "stage": "regional",
        "decision_id": "d-2",
        "sequence": 2,
        "correction": True,
        "corrects": "d-1",
        "corrects_recorded_at": "2026-10-10T12:00:00+05:00",
        **extra,
    }
    if kind == "candidate.advanced":
        payload["to_stage"] = "republican"
    return event(kind, payload, producer="review")


def _messages(runtime: Runtime, nomination_id: str) -> list[Message]:
    with runtime.db.unit_of_work() as session:
        query = select(Message).where(Message.nomination_id == nomination_id).order_by(Message.recipient_kind)
        rows = list(session.scalars(query))
        session.expunge_all()
    return rows


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_correction_is_worded_as_one_in_the_students_language_once(runtime: Runtime, language: str) -> None:
    dropped, added = str(uuid.uuid4()), str(uuid.uuid4())
    for nomination_id in (dropped, added):
        told = submitted(language, nomination_id, email=f"{nomination_id[:8]}@example.kz")
        told.payload["coordinator"] = {"full_name": "Сейітова Гүлнар", "email": "coord@example.kz"}
        assert handle(runtime, HANDLERS, "notify", told)
    taken_back = _decision("candidate.not_advanced", dropped)
    assert handle(runtime, HANDLERS, "notify", taken_back)
    assert handle(runtime, HANDLERS, "notify", _decision("candidate.advanced", added))
    assert not handle(runtime, HANDLERS, "notify", taken_back)  # delivered again: nothing more
    corrected, dropped_text, added_text = WORDED[language]
    for nomination_id, template, outcome in (
        (dropped, "correction_not_advanced", dropped_text),
        (added, "correction_advanced", added_text),
    ):
        rows = [row for row in _messages(runtime, nomination_id) if row.template.startswith("correction_")]
        assert [(row.recipient_kind, row.channel) for row in rows] == [
            ("coordinator", "email"),
            ("student", "email"),
        ]
        assert {row.template for row in rows} == {template}
        student = rows[1]
        assert student.language == language and corrected in (student.body or "")
        assert outcome in (student.body or "")
        assert "Әлихан" in (student.body or "") and "Нұрланұлы" not in (student.body or "")
        assert corrected in (rows[0].body or "") and "Нұрланұлы Әлихан" in (rows[0].body or "")


def test_a_first_decision_is_worded_as_today(runtime: Runtime) -> None:
    nomination_id = str(uuid.uuid4())
    assert handle(runtime, HANDLERS, "notify", submitted("ru", nomination_id))
    first = _decision("candidate.not_advanced", nomination_id, sequence=1, correction=False)
    first.payload.update(corrects=None, corrects_recorded_at=None)
    assert handle(runtime, HANDLERS, "notify", first)
    rows = [row for row in _messages(runtime, nomination_id) if row.template != "nomination_received"]
    assert {(row.template, row.channel) for row in rows} == {
        ("candidate_not_advanced", "email"),
        ("candidate_not_advanced", "sms"),
    }
    assert not any("исправила" in (row.body or "") for row in rows)


def test_a_corrections_list_of_winners_writes_to_nobody_again(runtime: Runtime) -> None:
    """The republican correction names every winner of the region again; the unchanged were told."""
    nomination_id = str(uuid.uuid4())
    assert handle(runtime, HANDLERS, "notify", submitted("kk", nomination_id))
    listed = {"year": 2026, "decision_id": "w-1", "candidate_ids": ["c"], "nomination_ids": [nomination_id]}
    assert handle(
        runtime, HANDLERS, "notify", event("winners.published", {**listed, "sequence": 1}, "review")
    )
    corrected = {**listed, "decision_id": "w-2", "sequence": 2, "correction": True, "corrects": "w-1"}
    assert handle(runtime, HANDLERS, "notify", event("winners.published", corrected, "review"))
    winner_letters = [row for row in _messages(runtime, nomination_id) if row.template == "winner"]
    assert {row.channel for row in winner_letters} == {"email", "sms"} and len(winner_letters) == 2
