"""What the events change in notify's data, and the messages they call for: one function per use case,
in the handler's unit of work (the messages are recorded here, sent after commit: `sending`).

A withdrawal is recorded (a tombstone) whether or not the nomination is known, and nothing is sent
to the student or their coordinator after it: a message still queued then is failed as `withdrawn`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notify import rules
from services.notify.messages import MISSING, OTHER_MISSING, OTHER_REASON, REASONS
from services.notify.models import Candidate, ClosedStage, Followed, Person, Recipient, metadata
from services.notify.operations.queueing import To, queue
from shared import calendar, clock, i18n, identity, ordering, regions
from shared.envelope import Event

log = logging.getLogger(__name__)

#: The parts of an amendment notify follows; `photo` only to tell a late report on an old photo.
PARTS = ("contacts", "language", "candidate", "photo")
#: The short side a photo needs when media's event does not say (intake's promise to portals).
DEFAULT_MIN_SIDE = 600


class UnknownRecipient(LookupError):
    """An event about a nomination notify has not heard of yet; the bus retries it later."""


# --- Whom to write to ----------------------------------------------------------------------------


def remember(session: Session, event: Event) -> Recipient:
    data = event.payload
    recipient = session.get(Recipient, data["nomination_id"]) or Recipient(
        nomination_id=data["nomination_id"], revisions={}
    )
    recipient.region = event.region
    recipient.college_code = data["college_code"]
    coordinator = data.get("coordinator") or {}
    recipient.coordinator_name = coordinator.get("full_name")
    recipient.coordinator_email = coordinator.get("email")
    # A submission handled again must not undo an amendment applied in between: only parts newer
    # than what the recipient holds are taken.
    _take(recipient, data, ordering.parts_to_apply(data, PARTS, recipient.revisions or {}))
    session.add(recipient)
    return recipient


def amend(session: Session, event: Event) -> None:
    """Follow changed contacts, language or name, unless a newer event has set them already; a
    withdrawn consent to publication is confirmed to the student and their coordinator (a
    redelivered event writes no second letter: one message per event and recipient)."""
    data = event.payload
    ordering.follow(session, Followed, data["nomination_id"])
    recipient = _known(session, data["nomination_id"])
    _take(recipient, data, ordering.parts_to_apply(data, PARTS, recipient.revisions or {}))
    if data.get("consent_publication") is False:
        _to_student_and_coordinator(session, event, recipient, "consent_withdrawn", {}, channels=("email",))


def withdraw(session: Session, event: Event) -> None:
    """Record the withdrawal, even of a nomination not heard of yet: nothing is sent after it."""
    ordering.withdraw(session, Followed, event.payload["nomination_id"], event.payload.get("revision"))


def person_changed(session: Session, event: Event, disabled: bool) -> None:
    """Keep the user's generation (credentials) and, from `user.changed`, whom digests reach."""
    data = event.payload
    generations = metadata.tables[identity.GENERATIONS]
    identity.record_generation(session, generations, data["user_id"], data["generation"], disabled)
    person = session.get(Person, data["user_id"])
    if person is not None and person.generation > data["generation"]:
        return
    if disabled:
        if person is not None:
            person.disabled, person.generation = True, data["generation"]
        return
    person = person or Person(user_id=data["user_id"])
    person.generation, person.disabled = data["generation"], False
    person.email, person.name, person.role = data["email"], data["name"], data["role"]
    person.scope, person.language, person.college = data["scope"], data["language"], data.get("college")
    person.last_name, person.first_name = data.get("last_name"), data.get("first_name")
    person.patronymic = data.get("patronymic")
    session.add(person)


def greeting(person: Person) -> str:
    """How a letter greets a member or chair: by given name and patronymic where review has the name
    in parts (`rules.greeting_name`), else by the account's whole name, as typed."""
    return rules.account_greeting(
        person.name, person.first_name, person.patronymic, person.language, person.last_name
    )


def _known(session: Session, nomination_id: str) -> Recipient:
    recipient = session.get(Recipient, nomination_id)
    if recipient is None:
        raise UnknownRecipient(f"nomination {nomination_id} is not known (yet)")
    return recipient


def _take(recipient: Recipient, data: dict[str, Any], parts: list[str]) -> None:
    if "contacts" in parts:
        recipient.email, recipient.phone = data["contacts"]["email"], data["contacts"]["phone"]
    if "language" in parts:
        recipient.language = data["language"]
    if "candidate" in parts:
        name = data["candidate"]
        recipient.last_name, recipient.first_name = name["last_name"], name["first_name"]
        recipient.patronymic = name.get("patronymic")
    recipient.revisions = ordering.stamped(recipient.revisions or {}, parts, data.get("revision"))
    recipient.updated_at = clock.utcnow()


# --- Messages to a nomination's student and coordinator -----------------------------------------


def _about_the_student(recipient: Recipient) -> dict[str, Any]:
    """The parameters every message about a student carries, in the student's language."""
    return {
        "reference": rules.short_reference(recipient.nomination_id),
        "nomination_id": recipient.nomination_id,
        "name": recipient.full_name,
        "greeting_name": rules.greeting_name(
            recipient.first_name, recipient.patronymic, recipient.language, recipient.last_name
        ),
    }


def _to_student_and_coordinator(
    session: Session,
    event: Event,
    recipient: Recipient,
    code: str,
    params: dict[str, Any],
    channels: tuple[str, ...] = ("email", "sms"),
    key: str | None = None,
) -> None:
    """The student (on `channels`) and the college's coordinator (email), each in their language.

    The coordinator reads the student's language: the only one notify knows for them. `key` names
    the news the messages tell (the event's id unless given): one message per key and recipient.
    """
    if ordering.follow(session, Followed, recipient.nomination_id).withdrawn:
        return
    key, language = key or str(event.id), recipient.language
    common = _about_the_student(recipient)
    student = To("student", f"student:{recipient.nomination_id}", recipient.email, language)
    for channel in channels:
        to = student if channel == "email" else To(student.kind, student.ref, recipient.phone, language)
        queue(
            session,
            key=key,
            to=to,
            channel=channel,
            code=code,
            params={**common, **params, "audience": "student"},
            region=recipient.region,
            nomination_id=recipient.nomination_id,
        )
    if recipient.coordinator_email:
        queue(
            session,
            key=key,
            to=To(
                "coordinator", f"coordinator:{recipient.nomination_id}", recipient.coordinator_email, language
            ),
            channel="email",
            code=code,
            params={**common, **params, "audience": "coordinator"},
            region=recipient.region,
            nomination_id=recipient.nomination_id,
        )


def submitted(session: Session, event: Event) -> None:
    """Remember whom to write to, then acknowledge the nomination (student by email and SMS)."""
    recipient = remember(session, event)
    _to_student_and_coordinator(
        session,
        event,
        recipient,
        "nomination_received",
        {
            "region": region_name(recipient.region, recipient.language),
            "decided_by": local_date(_calendar(event).regional_decisions_close, recipient.language),
        },
    )


def photo_rejected(session: Session, event: Event) -> None:
    """Ask for a usable photo, saying what was wrong, the size needed and the date it is needed by.

    A nomination submitted without a photo is not an error (the photo is needed by the amendment
    deadline), so media's `missing` is not worth a letter. Nor is a rejection of a photo replaced
    since, nor anything after a withdrawal.
    """
    data = event.payload
    if data["reason"] == "missing":
        return
    if ordering.follow(session, Followed, data["nomination_id"]).withdrawn:
        return
    recipient = _known(session, data["nomination_id"])
    current_photo = (recipient.revisions or {}).get("photo")
    if not ordering.newer(data.get("nomination_revision"), _before(current_photo)):
        return
    told = data.get("params") or {}
    min_side = int(told.get("min_short_side") or told.get("min_side") or DEFAULT_MIN_SIDE)
    language = recipient.language
    reason = i18n.translate(REASONS.get(data["reason"], OTHER_REASON), language, {"min_side": min_side})
    params = {"reason": reason, "min_side": min_side, "amend_by": amend_by(None, event, language)}
    _to_student_and_coordinator(session, event, recipient, "photo_rejected", params, channels=("email",))


def _before(revision: int | None) -> int | None:
    return None if revision is None else revision - 1


def advanced(session: Session, event: Event) -> None:
    """To the republican stage: the student and coordinator are told, with what is still missing.

    To the winners: recorded only. The working group's `winners.published` tells the same news, and
    a winner hears it once, with the `winner` message (`winners`). A correction that makes a winner
    is told here, as a correction (its `winners.published` writes to nobody).
    """
    data = event.payload
    recipient = _known(session, data["nomination_id"])
    candidate = _candidate(session, event, data["nomination_id"])
    candidate.stage, candidate.outcome = data["to_stage"], "advanced"
    candidate.changed_at = clock.utcnow()
    candidate.missing, candidate.amend_by = list(data.get("missing") or []), data.get("amend_by")
    if data["to_stage"] == "winner" and not data.get("correction"):
        return
    language = recipient.language
    params = {
        "to_stage": data["to_stage"],
        "missing": missing_words(candidate.missing, language),
        "amend_by": amend_by(data.get("amend_by"), event, language),
        "republican_from": local_date(_calendar(event).republican_stage_starts, language),
    }
    _decision_message(session, event, recipient, "advanced", params)


def not_advanced(session: Session, event: Event) -> None:
    data = event.payload
    recipient = _known(session, data["nomination_id"])
    candidate = _candidate(session, event, data["nomination_id"])
    candidate.stage, candidate.outcome = data["stage"], "not_advanced"
    _decision_message(session, event, recipient, "not_advanced", {"stage": data["stage"]})


def _decision_message(
    session: Session, event: Event, recipient: Recipient, outcome: str, params: dict[str, Any]
) -> None:
    """A decision's letter (and SMS), or a correction's: "the commission has corrected its decision
    of <date>: ...", the date of the decision corrected in the recipient's language, by email.

    Review writes a correction's events to the candidates whose outcome changed only, so each of
    them gets one letter (the inbox and the message key make a redelivery write nothing more)."""
    data = event.payload
    if not data.get("correction"):
        _to_student_and_coordinator(session, event, recipient, f"candidate_{outcome}", params)
        return
    corrected = data.get("corrects_recorded_at") or clock.now()
    params = {**params, "corrected_on": local_date(corrected, recipient.language)}
    _to_student_and_coordinator(
        session, event, recipient, f"correction_{outcome}", params, channels=("email",)
    )


def incomplete(session: Session, event: Event) -> None:
    """A republican candidate lacks statements or a photo: the region's coordinators are told."""
    data = event.payload
    recipient = _known(session, data["nomination_id"])
    candidate = _candidate(session, event, data["nomination_id"])
    candidate.missing, candidate.amend_by = list(data["missing"]), data["amend_by"]
    if ordering.follow(session, Followed, recipient.nomination_id).withdrawn or not candidate.missing:
        return
    for person in region_coordinators(session, event.region):
        queue(
            session,
            key=str(event.id),
            to=To("region", f"user:{person.user_id}", person.email, person.language),
            channel="email",
            code="statements_needed",
            params={
                "recipient_name": greeting(person),
                "name": recipient.full_name,
                "reference": rules.short_reference(recipient.nomination_id),
                "region": region_name(event.region, person.language),
                "missing": missing_words(candidate.missing, person.language),
                "amend_by": amend_by(data["amend_by"], event, person.language),
            },
            region=event.region,
            nomination_id=recipient.nomination_id,
        )


def winners(session: Session, event: Event) -> None:
    """Each winner and their coordinator hear once: the messages are keyed by the year and the
    nomination, not the event, so a list published again writes only to a winner not told yet. A
    correction's list names every winner of the region again: those it changed have their correction
    letter (`candidate.advanced` with `correction`), the others were told already."""
    data = event.payload
    for nomination_id in data["nomination_ids"]:
        recipient = session.get(Recipient, nomination_id)
        if recipient is None:
            log.warning("a winner notify has not heard of is not written to")
            continue
        candidate = _candidate(session, event, nomination_id)
        candidate.stage, candidate.outcome = "winner", "advanced"
        if not data.get("correction"):
            key = rules.winner_key(data["year"], nomination_id)
            _to_student_and_coordinator(session, event, recipient, "winner", {"year": data["year"]}, key=key)


def stage_closed(session: Session, event: Event) -> None:
    """A commission decided for its region's stage: reminders about undecided candidates stop."""
    data = event.payload
    key = {"region": event.region, "year": data["year"], "stage": data["stage"]}
    closed = session.get(ClosedStage, key) or ClosedStage(**key)
    closed.decision_id = data["decision_id"]
    session.add(closed)


def candidate_registered(session: Session, event: Event) -> None:
    """Review took the nomination in: a new candidate to score (the commission's digest counts it)."""
    data = event.payload
    candidate = _candidate(session, event, data["nomination_id"])
    candidate.stage, candidate.outcome = data["stage"], "pending"
    candidate.changed_at = clock.utcnow()


def _candidate(session: Session, event: Event, nomination_id: str) -> Candidate:
    candidate = session.get(Candidate, nomination_id)
    if candidate is None:
        candidate = Candidate(
            nomination_id=nomination_id,
            region=event.region,
            stage="internal",
            outcome="pending",
            missing=[],
            changed_at=clock.utcnow(),
        )
        session.add(candidate)
    candidate.year = event.payload.get("year", candidate.year)
    return candidate


# --- The public vote ----------------------------------------------------------------------------


def vote_code(session: Session, event: Event) -> None:
    """Send a voter their one-time code by SMS, at once: never held by the quiet hours, once per
    verification, erased (text and number) once handed over. A code past its time is not sent: the
    voter has asked for another by then."""
    data = event.payload
    minutes = rules.minutes_left(data["expires_at"], clock.utcnow())
    if minutes <= 0:
        log.info("a voter's code arrived after it expired and is not sent")
        return
    verification = data["verification_id"]
    queue(
        session,
        key=f"vote:{verification}",
        to=To("voter", f"voter:{verification}", data["phone"], data["language"]),
        channel="sms",
        code="vote_code",
        params={"code": data["code"], "minutes": minutes},
        region=event.region,
    )


# --- Words and dates in the recipient's language ------------------------------------------------


def region_coordinators(session: Session, region: str) -> list[Person]:
    """Who answers for a region's nominations: its regional commission's chairs."""
    query = select(Person).where(Person.scope == region, Person.role == "regional_chair", ~Person.disabled)
    return list(session.scalars(query.order_by(Person.user_id)))


def region_name(code: str, language: str) -> str:
    region = regions.resolve(code)
    return region.name(language) if region else code


def missing_words(missing: list[str], language: str) -> list[str]:
    return [i18n.translate(MISSING.get(item, OTHER_MISSING), language) for item in missing]


def local_date(moment: datetime | date, language: str) -> str:
    """`20 October`, `20 октября`, `20 қазан`: a deadline's day on the wall clock of Kazakhstan."""
    day = moment.astimezone(clock.KAZAKHSTAN).date() if isinstance(moment, datetime) else moment
    return format_date(day, "d MMMM", locale=language)


def _calendar(event: Event) -> calendar.Calendar:
    """The programme's calendar of the event's year (this year's when the event names none)."""
    return calendar.default_calendar(event.payload.get("year") or clock.local_now().year)


def amend_by(given: datetime | None, event: Event, language: str) -> str:
    """The decision's own `amend_by`, else the calendar's amendment deadline of the event's year."""
    return local_date(given or _calendar(event).amendments_close, language)
