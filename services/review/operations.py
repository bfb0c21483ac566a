"""What changes review's data: one function per use case, run in the caller's unit of work.

Each function takes the open Session (state, outbox and inbox commit together) and the event that
asked for the change; what other services must learn of goes out through `shared.outbox.emit`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.review.models import Candidate, Photo, Statement
from shared import clock
from shared.envelope import Event
from shared.outbox import emit

PRODUCER = "review"


class UnknownNomination(LookupError):
    """An amendment or withdrawal of a nomination not registered yet; the bus retries it later."""


def register_candidate(session: Session, event: Event) -> Candidate:
    """Take a submitted nomination in as a candidate of the internal stage and say so."""
    data = event.payload
    existing = _by_nomination(session, data["nomination_id"])
    if existing is not None:
        return existing
    now = clock.utcnow()
    name = data["candidate"]
    candidate = Candidate(
        id=str(uuid.uuid4()),
        nomination_id=data["nomination_id"],
        year=data["year"],
        region=event.region,
        college_code=data["college_code"],
        college_names=data.get("college_names"),
        last_name=name["last_name"],
        first_name=name["first_name"],
        patronymic=name.get("patronymic"),
        language=data["language"],
        specialty=data["specialty"],
        course=data["course"],
        academic_standing=data["academic_standing"],
        minor=data["minor"],
        categories=list(data["categories"]),
        achievements=list(data["achievements"]),
        stage="internal",
        status="nominated",
        created_at=now,
        updated_at=now,
    )
    candidate.statements = [
        Statement(language=lang, text=text) for lang, text in sorted(data["statements"].items())
    ]
    session.add(candidate)
    photo = data.get("photo")
    _set_photo(
        session,
        data["nomination_id"],
        event.occurred_at,
        status="pending" if photo else "missing",
        source_key=photo["key"] if photo else None,
        asset_id=None,
        derivatives=[],
        reason=None,
    )
    session.flush()
    emit(
        session,
        event.caused(
            PRODUCER,
            "review.candidate_registered",
            {
                "nomination_id": candidate.nomination_id,
                "candidate_id": candidate.id,
                "stage": candidate.stage,
            },
        ),
    )
    return candidate


def amend_candidate(session: Session, event: Event) -> Candidate:
    """Apply the parts of a nomination that changed; contacts are not kept here, so they are ignored."""
    data = event.payload
    candidate = _require(session, data["nomination_id"])
    if data.get("candidate"):
        name = data["candidate"]
        candidate.last_name, candidate.first_name = name["last_name"], name["first_name"]
        candidate.patronymic = name.get("patronymic")
    if data.get("language"):
        candidate.language = data["language"]
    current = {statement.language: statement for statement in candidate.statements}
    for lang, text in sorted((data.get("statements") or {}).items()):
        if lang in current:
            current[lang].text = text
        else:
            candidate.statements.append(Statement(language=lang, text=text))
    if data.get("photo"):
        _set_photo(
            session,
            candidate.nomination_id,
            event.occurred_at,
            status="pending",
            source_key=data["photo"]["key"],
            asset_id=None,
            derivatives=[],
            reason=None,
        )
    candidate.updated_at = clock.utcnow()
    return candidate


def withdraw_candidate(session: Session, event: Event) -> Candidate:
    candidate = _require(session, event.payload["nomination_id"])
    candidate.status = "withdrawn"
    candidate.withdrawal_reason = event.payload.get("reason")
    candidate.updated_at = clock.utcnow()
    return candidate


def record_photo_processed(session: Session, event: Event) -> None:
    data = event.payload
    _set_photo(
        session,
        data["nomination_id"],
        event.occurred_at,
        status="processed",
        asset_id=data["asset_id"],
        derivatives=list(data["derivatives"]),
        reason=None,
    )


def record_photo_rejected(session: Session, event: Event) -> None:
    data = event.payload
    status = "missing" if data["reason"] == "missing" else "rejected"
    _set_photo(
        session,
        data["nomination_id"],
        event.occurred_at,
        status=status,
        derivatives=[],
        reason=data["reason"],
    )


def _set_photo(session: Session, nomination_id: str, as_of: datetime, **values: Any) -> None:
    """Record a photo state unless a later event already set one (events of two producers race)."""
    photo = session.get(Photo, nomination_id)
    if photo is None:
        session.add(Photo(nomination_id=nomination_id, as_of=as_of, **values))
        return
    if as_of < photo.as_of:
        return
    photo.as_of = as_of
    for key, value in values.items():
        setattr(photo, key, value)


def _by_nomination(session: Session, nomination_id: str) -> Candidate | None:
    return session.scalar(select(Candidate).where(Candidate.nomination_id == nomination_id))


def _require(session: Session, nomination_id: str) -> Candidate:
    candidate = _by_nomination(session, nomination_id)
    if candidate is None:
        raise UnknownNomination(f"nomination {nomination_id} is not registered (yet)")
    return candidate
