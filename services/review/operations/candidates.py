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

from services.review.models import Candidate, Followed, Photo, Statement, StudentReach
from services.review.rules import scoring as rules
from shared import clock, nomination_parts, ordering
from shared.envelope import Event
from shared.outbox import emit
from shared.words import count_words

PRODUCER = "review"

#: The parts of a nomination review keeps (the student's record among them), each applied from an
#: amendment when it is newer.
PARTS = ("candidate", "language", "statements", *nomination_parts.RECORD, "consent_publication")


class UnknownNomination(LookupError):
    """An amendment of a nomination not registered yet; the bus retries it later."""


def _new_candidate(event: Event, followed: Followed) -> Candidate:
    """The candidate a submitted nomination makes, with its statements (not yet in the session)."""
    data = event.payload
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
        specialty_code=data.get("specialty_code"),
        specialty_names=data.get("specialty_names"),
        course=data["course"],
        academic_standing=data["academic_standing"],
        minor=data["minor"],
        categories=list(data["categories"]),
        achievements=list(data["achievements"]),
        stage="regional",
        # Absent from an event written before it existed: taken as no (nothing public without it).
        consent_publication=bool(data.get("consent_publication")),
        # A withdrawal handled before the submission (the bus reordered them) stays in force.
        status="withdrawn" if followed.withdrawn else "under_review",
        withdrawal_reason=followed.withdrawal_reason,
        revisions=ordering.stamped({}, list(PARTS), data.get("revision")),
        created_at=now,
        updated_at=now,
    )
    candidate.search_name = rules.fold(candidate.full_name)
    candidate.statements = [
        Statement(language=lang, text=text, words=count_words(text))
        for lang, text in sorted(data["statements"].items())
    ]
    return candidate


def register_candidate(session: Session, event: Event) -> Candidate:
    """Take a submitted nomination in as a candidate of the regional stage and say so.

    A nomination reaches review once its college's commission has sent it on (the internal stage is
    the college's), so it is under review at the regional stage from the start."""
    data = event.payload
    followed = ordering.follow(session, Followed, data["nomination_id"])
    existing = _by_nomination(session, data["nomination_id"])
    if existing is not None:
        return existing
    candidate = _new_candidate(event, followed)
    session.add(candidate)
    photo = data.get("photo")
    _set_photo(
        session,
        data["nomination_id"],
        event.occurred_at,
        data.get("revision"),
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
    """Apply the parts of a nomination that changed and are newer than what review holds.

    Contacts are not kept here, so they are ignored; a withdrawn candidate stays withdrawn.
    """
    data = event.payload
    ordering.follow(session, Followed, data["nomination_id"])
    candidate = _require(session, data["nomination_id"])
    parts = ordering.parts_to_apply(data, PARTS, candidate.revisions or {})
    for part in parts:
        if part == "specialty":
            _apply_specialty(candidate, data)
        else:
            _apply_part(candidate, part, data[part])
    candidate.revisions = ordering.stamped(candidate.revisions or {}, parts, data.get("revision"))
    if data.get("photo"):
        _set_photo(
            session,
            candidate.nomination_id,
            event.occurred_at,
            data.get("revision"),
            status="pending",
            source_key=data["photo"]["key"],
            asset_id=None,
            derivatives=[],
            reason=None,
        )
    candidate.updated_at = clock.utcnow()
    return candidate


def _apply_part(candidate: Candidate, part: str, value: Any) -> None:
    if part == "consent_publication":  # withdrawn: off every public page within the cache's minute
        candidate.consent_publication = bool(value)
    elif part == "candidate":
        candidate.last_name, candidate.first_name = value["last_name"], value["first_name"]
        candidate.patronymic = value.get("patronymic")
        candidate.search_name = rules.fold(candidate.full_name)
    elif part == "statements":
        # Intake sends every statement the nomination has: one no longer there was removed.
        current = {statement.language: statement for statement in candidate.statements}
        for lang, statement in current.items():
            if lang not in value:
                candidate.statements.remove(statement)
        for lang, text in sorted(value.items()):
            if lang in current:
                current[lang].text, current[lang].words = text, count_words(text)
            else:
                candidate.statements.append(Statement(language=lang, text=text, words=count_words(text)))
    elif part in ("categories", "achievements"):
        setattr(candidate, part, list(value))
    else:
        setattr(candidate, part, value)


def _apply_specialty(candidate: Candidate, data: dict[str, Any]) -> None:
    """The specialty's code and names travel with its words: an amendment that changes the
    specialty sends all three, a code dropped for the portal's own words as none."""
    candidate.specialty = data["specialty"]
    candidate.specialty_code = data.get("specialty_code")
    candidate.specialty_names = data.get("specialty_names")


def withdraw_candidate(session: Session, event: Event) -> Candidate | None:
    """Record the withdrawal (a tombstone, even before the submission arrives) and apply it."""
    data = event.payload
    followed = ordering.withdraw(session, Followed, data["nomination_id"], data.get("revision"))
    if followed.withdrawal_reason is None:
        followed.withdrawal_reason = data.get("reason")
    candidate = _by_nomination(session, data["nomination_id"])
    if candidate is None:
        return None
    candidate.status = "withdrawn"
    candidate.withdrawal_reason = followed.withdrawal_reason
    candidate.updated_at = clock.utcnow()
    return candidate


def record_photo_processed(session: Session, event: Event) -> None:
    data = event.payload
    _reported_by_media(
        session,
        event,
        status="processed",
        asset_id=data["asset_id"],
        derivatives=list(data["derivatives"]),
        reason=None,
    )


def record_photo_rejected(session: Session, event: Event) -> None:
    data = event.payload
    status = "missing" if data["reason"] == "missing" else "rejected"
    _reported_by_media(session, event, status=status, derivatives=[], reason=data["reason"])


def _reported_by_media(session: Session, event: Event, **values: Any) -> None:
    """Record what media's report says of the photo it processed (the revision it reports on)."""
    nomination_id, revision = event.payload["nomination_id"], event.payload.get("nomination_revision")
    _set_photo(session, nomination_id, event.occurred_at, revision, reported=True, **values)


def _set_photo(
    session: Session,
    nomination_id: str,
    as_of: datetime,
    revision: int | None,
    reported: bool = False,
    **values: Any,
) -> None:
    """Record a photo state unless a later one is already recorded (events of two producers race)."""
    photo = session.get(Photo, nomination_id)
    if photo is None:
        session.add(
            Photo(nomination_id=nomination_id, as_of=as_of, revision=revision, reported=reported, **values)
        )
        return
    if revision is None or photo.revision is None:
        if as_of < photo.as_of:
            return
    elif (revision, reported) <= (photo.revision, photo.reported):
        return
    photo.as_of, photo.revision, photo.reported = as_of, revision, reported
    for key, value in values.items():
        setattr(photo, key, value)


def _by_nomination(session: Session, nomination_id: str) -> Candidate | None:
    return session.scalar(select(Candidate).where(Candidate.nomination_id == nomination_id))


def _require(session: Session, nomination_id: str) -> Candidate:
    candidate = _by_nomination(session, nomination_id)
    if candidate is None:
        raise UnknownNomination(f"nomination {nomination_id} is not registered (yet)")
    return candidate


def record_student_reach(session: Session, event: Event) -> None:
    """The newest status notify reported of a message to a nomination's student, per channel."""
    data = event.payload
    if data["recipient_kind"] != "student" or not data.get("nomination_id"):
        return
    key = {"nomination_id": data["nomination_id"], "channel": data["channel"]}
    reach = session.get(StudentReach, key)
    if reach is not None and reach.at > event.occurred_at:
        return
    reach = reach or StudentReach(**key)
    reach.status = event.type.removeprefix("notification.")
    reach.template, reach.reason, reach.at = data["template"], data.get("reason"), event.occurred_at
    session.add(reach)
