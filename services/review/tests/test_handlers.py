"""Review takes nominations in as candidates, once, and follows amendments, withdrawals and photos."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select

from services.review.handlers import HANDLERS
from services.review.models import Candidate, Photo, outbox
from services.review.tests.factories import event, submitted
from shared import clock
from shared.handling import handle
from shared.runtime import Runtime


def _candidates(runtime: Runtime) -> list[Candidate]:
    with runtime.db.unit_of_work() as session:
        return list(session.scalars(select(Candidate)))


def _outbox(runtime: Runtime) -> list[dict]:
    with runtime.db.unit_of_work() as session:
        return [json.loads(row.body) for row in session.execute(select(outbox).order_by(outbox.c.id))]


def test_submitted_registers_a_candidate_once_and_emits_candidate_registered(runtime: Runtime) -> None:
    submission = submitted()
    assert handle(runtime, HANDLERS, "review", submission) is True
    assert handle(runtime, HANDLERS, "review", submission) is False

    [candidate] = _candidates(runtime)
    assert (candidate.stage, candidate.status, candidate.region) == ("regional", "under_review", "almaty")
    assert candidate.full_name == "Нұрланұлы Әлихан Қайратұлы"
    [message] = _outbox(runtime)
    assert message["type"] == "review.candidate_registered"
    assert message["producer"] == "review"
    assert message["correlation_id"] == submission.correlation_id
    assert message["payload"] == {
        "nomination_id": "nom-0001",
        "candidate_id": candidate.id,
        "stage": "regional",
    }
    with runtime.db.unit_of_work() as session:
        assert session.get(Photo, "nom-0001").status == "pending"


def test_a_resubmission_with_a_new_event_id_does_not_duplicate_the_candidate(runtime: Runtime) -> None:
    handle(runtime, HANDLERS, "review", submitted())
    handle(runtime, HANDLERS, "review", submitted())
    assert len(_candidates(runtime)) == 1
    assert len(_outbox(runtime)) == 1


def test_amendment_applies_the_present_fields_only(runtime: Runtime) -> None:
    handle(runtime, HANDLERS, "review", submitted())
    handle(
        runtime,
        HANDLERS,
        "review",
        event(
            "nomination.amended",
            {
                "nomination_id": "nom-0001",
                "changed": ["statements", "candidate"],
                "candidate": {"last_name": "Сәрсенбаев", "first_name": "Әлихан"},
                "statements": {"en": "I love my trade.", "ru": "Я очень люблю свою профессию."},
            },
        ),
    )
    [candidate] = _candidates(runtime)
    with runtime.db.unit_of_work() as session:
        candidate = session.get(Candidate, candidate.id)
        texts = {statement.language: statement.text for statement in candidate.statements}
        assert candidate.full_name == "Сәрсенбаев Әлихан"
        assert candidate.language == "kk"
    # Intake sends every statement the nomination has now: the Kazakh one was removed.
    assert texts == {"ru": "Я очень люблю свою профессию.", "en": "I love my trade."}


def test_withdrawal_marks_the_candidate_withdrawn(runtime: Runtime) -> None:
    handle(runtime, HANDLERS, "review", submitted())
    handle(
        runtime,
        HANDLERS,
        "review",
        event("nomination.withdrawn", {"nomination_id": "nom-0001", "reason": "student's request"}),
    )
    [candidate] = _candidates(runtime)
    assert (candidate.status, candidate.withdrawal_reason) == ("withdrawn", "student's request")


def test_a_withdrawal_before_the_submission_is_kept_and_wins(runtime: Runtime) -> None:
    withdrawal = event("nomination.withdrawn", {"nomination_id": "nom-404", "reason": "moved abroad"})
    assert handle(runtime, HANDLERS, "review", withdrawal) is True
    assert _candidates(runtime) == []
    handle(runtime, HANDLERS, "review", submitted("nom-404"))
    [candidate] = _candidates(runtime)
    assert (candidate.status, candidate.withdrawal_reason) == ("withdrawn", "moved abroad")


def test_photo_processed_before_the_submission_is_kept(runtime: Runtime) -> None:
    """Media's event may overtake intake's on another queue; the later state wins, whatever the order."""
    submission = submitted()
    processed = event(
        "media.photo_processed",
        {
            "nomination_id": "nom-0001",
            "asset_id": "a-1",
            "derivatives": ["media/nom-0001/web.jpg", "media/nom-0001/thumb.jpg"],
        },
        producer="media",
        occurred_at=submission.occurred_at + timedelta(seconds=5),
    )
    handle(runtime, HANDLERS, "review", processed)
    handle(runtime, HANDLERS, "review", submission)
    with runtime.db.unit_of_work() as session:
        photo = session.get(Photo, "nom-0001")
        assert (photo.status, photo.asset_id) == ("processed", "a-1")
        assert photo.derivatives == ["media/nom-0001/web.jpg", "media/nom-0001/thumb.jpg"]


def test_photo_rejected_records_the_reason(runtime: Runtime, client_as: Callable[..., FlaskClient]) -> None:
    handle(runtime, HANDLERS, "review", submitted())
    handle(
        runtime,
        HANDLERS,
        "review",
        event(
            "media.photo_rejected",
            {"nomination_id": "nom-0001", "reason": "too_small"},
            producer="media",
            occurred_at=clock.utcnow() + timedelta(seconds=1),
        ),
    )
    with runtime.db.unit_of_work() as session:
        photo = session.get(Photo, "nom-0001")
        assert (photo.status, photo.reason) == ("rejected", "too_small")
    page = client_as("national_member", "national").get("/?lang=ru").get_data(as_text=True)
    assert "Отклонено: слишком маленькое" in page


def test_no_photo_is_recorded_as_missing(runtime: Runtime) -> None:
    handle(runtime, HANDLERS, "review", submitted(photo=None))
    with runtime.db.unit_of_work() as session:
        assert session.get(Photo, "nom-0001").status == "missing"
        assert session.scalar(select(func.count()).select_from(Candidate)) == 1
