"""Amending, re-photographing, withdrawing and reading nominations (submitting: `submission`).

Each function runs inside the caller's unit of work and writes its event to the outbox there, so the
state change and the event commit together. One nomination per student and year is the database's
partial unique index, recognised by its name (`CONFLICTS`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from services.intake import rules
from services.intake.models import (
    LIVE_STUDENT_INDEX,
    SANDBOX_STUDENT_INDEX,
    Achievement,
    Nomination,
    Photo,
    Statement,
)
from services.intake.operations import Conflict, Invalid, NotFound, Portal, events
from services.intake.operations.calendar import calendar_for
from services.intake.operations.constraints import column_values, violated_index
from services.intake.operations.refdata import check_specialty
from services.intake.operations.render import document, submission_day
from services.intake.operations.validation import add, load_nomination, normalized
from services.intake.rules import Problem
from services.intake.rules.photos import CONTENT_TYPE, CheckedPhoto, blob_key
from shared import clock
from shared.blobs import BlobStore
from shared.filtering import where_given

FROZEN = ("college_code", "year")


#: What breaking each unique index of a nomination means to the portal: the contract's 409 code.
CONFLICTS = {LIVE_STUDENT_INDEX: "duplicate_student", SANDBOX_STUDENT_INDEX: "duplicate_student"}


def live(query, sandbox: bool):  # type: ignore[no-untyped-def]
    """`query` kept to the nominations of one kind (live or sandbox) that are not withdrawn."""
    return query.where(Nomination.sandbox.is_(sandbox), Nomination.status != "withdrawn")


def _ensure_new_student(
    session: Session, iin: str, year: int, sandbox: bool, exclude: str | None = None
) -> None:
    query = live(select(Nomination.id).where(Nomination.iin == iin, Nomination.year == year), sandbox)
    if exclude:
        query = query.where(Nomination.id != exclude)
    if session.execute(query.limit(1)).first() is not None:
        raise Conflict("duplicate_student", {"year": year})


def _flush_changes(session: Session, n: Nomination) -> None:
    """Write the changes of `n`; a student index it now breaks is the 409 the check before it gives.

    In a savepoint, so that on SQLite the index can be found by a query after the failed UPDATE
    (`operations.constraints`); the check before it makes this a lost race, rare and PostgreSQL's.
    """
    row = column_values(n)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as error:
        code = CONFLICTS.get(violated_index(session, error, Nomination.__table__, row) or "")
        if code is None:
            raise
        raise Conflict(code, {"year": n.year}) from error


def apply(n: Nomination, data: dict[str, Any], now: datetime) -> None:
    """Write a valid, normalised nomination document onto the row and its parts (in place)."""
    student = data["student"]
    for name in (
        "iin",
        "last_name",
        "first_name",
        "patronymic",
        "birth_date",
        "email",
        "phone",
        "language",
        "specialty_code",
        "course",
        "academic_standing",
    ):
        setattr(n, name, student.get(name))
    n.specialty = student.get("specialty") or ""  # empty: named by its code only (`models`)
    n.categories = list(data["categories"])
    consent = data["consent"]
    guardian = consent.get("guardian") or {}
    n.consent_personal_data = consent["personal_data"]
    n.consent_publication = consent["publication"]
    n.guardian_full_name = guardian.get("full_name")
    n.guardian_phone = guardian.get("phone")
    coordinator = data["coordinator"]
    n.coordinator_full_name = coordinator["full_name"]
    n.coordinator_email = coordinator["email"]
    n.coordinator_phone = coordinator["phone"]
    n.updated_at = now
    _apply_achievements(n, data["achievements"])
    _apply_statements(n, data["statements"])


def _apply_achievements(n: Nomination, items: list[dict[str, Any]]) -> None:
    """The achievements in the document's order, their rows reused by position."""
    for position, item in enumerate(items):
        if position < len(n.achievements):
            row = n.achievements[position]
        else:
            row = Achievement(position=position)
            n.achievements.append(row)
        row.title, row.year, row.level = item["title"], item["year"], item["level"]
        row.description = item.get("description")
    del n.achievements[len(items) :]


def _apply_statements(n: Nomination, statements: dict[str, str | None]) -> None:
    """One row per language given; a language left out (or null) loses its statement."""
    texts = {lang: text for lang, text in statements.items() if text is not None}
    existing = {s.language: s for s in n.statements}
    for lang, statement in existing.items():
        if lang not in texts:
            n.statements.remove(statement)
    for lang, text in texts.items():
        statement = existing.get(lang)
        if statement is None:
            n.statements.append(Statement(language=lang, text=text, words=rules.count_words(text)))
        elif statement.text != text:
            statement.text, statement.words = text, rules.count_words(text)


def attach_photo(
    blobs: BlobStore, n: Nomination, photo: CheckedPhoto, now: datetime, written: list[str]
) -> None:
    """Store the original (keyed by content) and point the nomination at it; media is told by the event."""
    key = blob_key(n.year, n.id, photo.sha256)
    if not blobs.exists(key):
        written.append(key)
    url = blobs.put(key, photo.data, CONTENT_TYPE)
    row = n.photo or Photo(nomination_id=n.id)
    row.key, row.url, row.sha256, row.content_type = key, url, photo.sha256, CONTENT_TYPE
    row.size, row.width, row.height, row.uploaded_at = photo.size, photo.width, photo.height, now
    n.photo = row
    if n.progress is not None:
        n.progress.photo_status, n.progress.photo_reason, n.progress.updated_at = "pending", None, now


#: A read loads the photo and the progress in the nomination's own SELECT (a LEFT OUTER JOIN each)
#: instead of a SELECT each: portals poll a nomination for its progress. Not when locking it:
#: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
_READ_WITH = (joinedload(Nomination.photo), joinedload(Nomination.progress))


def find(session: Session, portal: Portal, nomination_id: str, *, lock: bool = False) -> Nomination:
    """A nomination of the portal's region and kind (live or sandbox); anything else is not found."""
    n = session.get(Nomination, nomination_id, with_for_update=lock, options=() if lock else _READ_WITH)
    if n is None or n.region_code != portal.region or n.sandbox != portal.sandbox:
        raise NotFound("nomination", {"id": nomination_id})
    return n


def _open_for_change(session: Session, n: Nomination) -> tuple[rules.Calendar, datetime]:
    if n.status == "withdrawn":
        raise Conflict("nomination_withdrawn")
    calendar, now = calendar_for(session, n.year), clock.utcnow()
    if not rules.amendment_open(calendar, now):
        raise Conflict("deadline_passed", {"deadline": calendar.amendments_close})
    return calendar, now


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """A loaded document in `render.document`'s form, so that the two compare equal when unchanged."""
    student = {k: (v.isoformat() if k == "birth_date" else v) for k, v in data["student"].items()}
    return {
        **data,
        "student": student,
        "achievements": [{**a, "description": a.get("description")} for a in data["achievements"]],
        "statements": {k: v for k, v in data["statements"].items() if v is not None},
        "consent": {**data["consent"], "guardian": data["consent"].get("guardian")},
    }


def changed_paths(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    paths = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            paths += [f"{key}.{sub}" for sub in sorted(set(old) | set(new)) if old.get(sub) != new.get(sub)]
        elif old != new:
            paths.append(key)
    return paths


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: objects merge recursively, `null` removes, anything else replaces.

    A `null` for a name the document does not have stays, as null, for the schema to judge: a
    field the document may leave out reads the same, and a misspelt one is an unknown field rather
    than a patch that silently changes nothing."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None and key in result:
            del result[key]
        elif value is None:
            result[key] = None
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def amend(session: Session, portal: Portal, nomination_id: str, patch: Any) -> Nomination:
    """Apply a JSON merge patch: anything but college and year until 5 Oct, then statements until 20 Oct.

    A patch that only withdraws the consent to publication is accepted in every season
    (`withdraw_consent`)."""
    n = find(session, portal, nomination_id, lock=True)
    if rules.withdraws_consent_only(patch):
        return withdraw_consent(session, n)
    calendar, now = _open_for_change(session, n)
    if not isinstance(patch, dict):
        raise Invalid({"nomination": [Problem("type_object")]})
    before = document(n)
    data, errors = load_nomination(merge_patch(before, patch), day=submission_day(n))
    _keep_withdrawn_consent(errors, before, data)
    check_specialty(session, data, errors, previous=n.specialty_code)
    if errors:
        raise Invalid(errors)
    data = normalized(data)
    changed = changed_paths(before, canonical(data))
    submissions_open = rules.submission_open(calendar, now)
    for path in changed:
        if path.split(".")[0] in FROZEN:
            add(errors, path, [Problem("field_frozen")])
        elif not submissions_open and not path.startswith("statements."):
            add(errors, path, [Problem("field_closed")])
    if errors:
        raise Invalid(errors)
    if not changed:
        return n
    if "student.iin" in changed:
        _ensure_new_student(session, data["student"]["iin"], n.year, n.sandbox, exclude=n.id)
    apply(n, data, now)
    _flush_changes(session, n)
    events.amended(session, n, changed)
    return n


def withdraw_consent(session: Session, n: Nomination) -> Nomination:
    """The student no longer agrees to be published: at any time, whatever the calendar or the
    stage (`rules.consent`), even of a withdrawn nomination (nothing is published of it anyway, and
    the wish is kept should it matter later). The amendment event takes the student off every
    public page, feed, banner and kit; withdrawing twice changes nothing and says nothing."""
    if n.consent_publication is False:
        return n
    n.consent_publication, n.updated_at = False, clock.utcnow()
    session.flush()
    events.amended(session, n, ["consent.publication"])
    return n


def _keep_withdrawn_consent(
    errors: dict[str, list[Problem]], before: dict[str, Any], data: dict[str, Any]
) -> None:
    """A consent withdrawn earlier is not asked for again by a later amendment (of statements)."""
    consent = data.get("consent") if isinstance(data.get("consent"), dict) else {}
    if rules.withdrawal_kept(before["consent"]["publication"], consent.get("publication")):
        kept = [p for p in errors.get("consent.publication", []) if p.code != "consent_required"]
        if kept:
            errors["consent.publication"] = kept
        else:
            errors.pop("consent.publication", None)


def replace_photo(
    session: Session,
    blobs: BlobStore,
    portal: Portal,
    nomination_id: str,
    photo: CheckedPhoto,
    written: list[str],
) -> Nomination:
    n = find(session, portal, nomination_id, lock=True)
    _calendar, now = _open_for_change(session, n)
    if n.photo is not None and n.photo.sha256 == photo.sha256:
        return n
    attach_photo(blobs, n, photo, now, written)
    n.updated_at = now
    session.flush()
    events.amended(session, n, ["photo"], blobs)
    return n


def withdraw(session: Session, portal: Portal, nomination_id: str) -> Nomination:
    """Withdraw before 5 Oct; frees the college's slot. Withdrawing twice changes nothing."""
    n = find(session, portal, nomination_id, lock=True)
    if n.status == "withdrawn":
        return n
    calendar, now = calendar_for(session, n.year), clock.utcnow()
    if not rules.withdrawal_open(calendar, now):
        raise Conflict("deadline_passed", {"deadline": calendar.submission_closes})
    n.status, n.withdrawn_at, n.updated_at = "withdrawn", now, now
    session.flush()
    events.withdrawn(session, n)
    return n


def listing(
    session: Session,
    portal: Portal,
    *,
    college_code: str | None = None,
    year: int | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[Nomination], int]:
    """The region's nominations (live or sandbox, as the key), oldest first, one page and the total."""
    query = select(Nomination).where(
        Nomination.region_code == portal.region, Nomination.sandbox.is_(portal.sandbox)
    )
    query = where_given(
        query, (Nomination.college_code, college_code), (Nomination.year, year), (Nomination.status, status)
    )
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = (
        session.execute(
            query.order_by(Nomination.submitted_at, Nomination.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        .scalars()
        .all()
    )
    return list(rows), total
