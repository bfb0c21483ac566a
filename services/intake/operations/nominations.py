"""Submitting, amending, re-photographing, withdrawing and reading nominations.

Each function runs inside the caller's unit of work and writes its event to the outbox there, so the
state change and the event commit together. The college row is locked when the submission is
validated, before the quota is counted (PostgreSQL `SELECT ... FOR UPDATE`; SQLite's `BEGIN
IMMEDIATE` already serialises writers), so two portals racing for a college's last slot get one 201
and one 409. One nomination per student and year is the database's partial unique index.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, inspect, select
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached

from services.intake import rules
from services.intake.models import Achievement, CalendarYear, College, Nomination, Photo, Statement
from services.intake.operations import Conflict, Forbidden, Invalid, NotFound, Portal, events
from services.intake.operations.calendar import calendar_for, calendar_from
from services.intake.operations.render import document, submission_day
from services.intake.photos import CONTENT_TYPE, CheckedPhoto, blob_key
from services.intake.rules import Problem
from services.intake.validation import Errors, add, load_nomination, normalized
from shared import clock
from shared.blobs import BlobStore

FROZEN = ("college_code", "year")


CALENDARS = "intake.calendars"
LOCKED = "intake.locked_colleges"

_COLLEGES = College.__table__
_CALENDAR_ROWS = CalendarYear.__table__
#: The college, locked, with the calendar row of the submission's year when there is one (an
#: outer join: a year without a row gets NULLs and the regulation's dates).
_LOCK_COLLEGE = (
    select(
        _COLLEGES.c.code,
        _COLLEGES.c.region_code,
        _COLLEGES.c.active,
        _COLLEGES.c.name_kk,
        _COLLEGES.c.name_ru,
        _COLLEGES.c.name_en,
        *_CALENDAR_ROWS.c,
    )
    .select_from(_COLLEGES.outerjoin(_CALENDAR_ROWS, _CALENDAR_ROWS.c.year == bindparam("year")))
    .where(_COLLEGES.c.code == bindparam("code"))
    .with_for_update(of=_COLLEGES)
)


def check_college(session: Session, portal: Portal, code: Any, errors: Errors, year: Any = None) -> None:
    """Unknown college: a field error; another region's college: Forbidden (403).

    The college is locked here, and kept in `session.info` for `submit`; with an integer `year`,
    the year's calendar row (if any) comes in the same statement, so `submit` does not select it
    again. A plain row on the session's connection: nothing needs a College object.
    """
    if not isinstance(code, str):
        return
    known_year = year if isinstance(year, int) and not isinstance(year, bool) else None
    # Locked here already: the quota is counted later in this transaction, under this lock.
    college = session.connection().execute(_LOCK_COLLEGE, {"code": code, "year": known_year}).first()
    if college is not None:
        session.info.setdefault(LOCKED, {})[code] = college
        if known_year is not None:
            session.info.setdefault(CALENDARS, {})[known_year] = college if college.year is not None else None
    if college is None or not college.active:
        add(errors, "college_code", [Problem("college_unknown", {"code": code})])
    elif college.region_code != portal.region:
        raise Forbidden(portal.region)


def check_year_open(year: Any, errors: Errors) -> None:
    """A year opens on 1 January, local time, whatever its calendar says about the deadlines."""
    if isinstance(year, int) and clock.utcnow() < rules.default_calendar(year).opens:
        add(errors, "year", [Problem("year_not_open", {"year": year})])


def validate_submission(session: Session, portal: Portal, raw: Any) -> tuple[dict[str, Any], Errors]:
    """Schema, rules, reference data and the year: everything a 422 can say, said at once."""
    data, errors = load_nomination(raw, day=clock.local_now().date())
    if isinstance(raw, dict):
        check_college(session, portal, data.get("college_code"), errors, data.get("year"))
        check_year_open(data.get("year"), errors)
    return data, errors


def _live(query, sandbox: bool):  # type: ignore[no-untyped-def]
    return query.where(Nomination.sandbox.is_(sandbox), Nomination.status != "withdrawn")


#: The college's live (not withdrawn) nominations of a year, live or sandbox: the quota's count.
#: Prebuilt and run on the session's connection, as it runs under the college's lock on every
#: submission.
_ACTIVE_IN_COLLEGE = {
    sandbox: _live(select(func.count()).select_from(Nomination), sandbox).where(
        Nomination.college_code == bindparam("college_code"), Nomination.year == bindparam("year")
    )
    for sandbox in (False, True)
}


def _ensure_new_student(
    session: Session, iin: str, year: int, sandbox: bool, exclude: str | None = None
) -> None:
    query = _live(select(Nomination.id).where(Nomination.iin == iin, Nomination.year == year), sandbox)
    if exclude:
        query = query.where(Nomination.id != exclude)
    if session.execute(query.limit(1)).first() is not None:
        raise Conflict("duplicate_student", {"year": year})


def submit(
    session: Session,
    blobs: BlobStore,
    portal: Portal,
    data: dict[str, Any],
    photo: CheckedPhoto | None,
    written: list[str],
) -> Nomination:
    """Accept a validated nomination: calendar, duplicate student and quota, then rows, blob and event.

    `written` collects the blob keys written here, for the caller to delete if the commit fails.
    """
    data = normalized(data)
    now = clock.utcnow()
    college = session.info.get(LOCKED, {}).get(data["college_code"])  # locked by validate_submission
    if college is None:
        raise RuntimeError("submit() needs the college checked and locked by validate_submission()")
    prefetched = session.info.get(CALENDARS, {})
    year = data["year"]
    calendar = calendar_from(prefetched[year], year) if year in prefetched else calendar_for(session, year)
    if not rules.submission_open(calendar, now):
        raise Conflict("deadline_passed", {"deadline": calendar.submission_closes})
    # One nomination per student and year: the partial unique index decides, also between racing
    # requests (the INSERT below fails and the API answers 409 duplicate_student).
    active = (
        session.connection()
        .execute(_ACTIVE_IN_COLLEGE[portal.sandbox], {"college_code": college.code, "year": data["year"]})
        .scalar_one()
    )
    problem = rules.college_quota_problem(active)
    if problem is not None:
        raise Conflict(problem.code, dict(problem.params))

    nomination = Nomination(
        id=str(uuid.uuid4()),
        year=data["year"],
        college_code=college.code,
        region_code=college.region_code,
        portal_key_id=portal.key_id,
        sandbox=portal.sandbox,
        status="submitted",
        submitted_at=now,
        revision=1,
    )
    apply(nomination, data, now)
    nomination.progress = None  # created when review or media first report on it
    if photo is not None:
        attach_photo(blobs, nomination, photo, now, written)
    else:
        nomination.photo = None  # known to be empty: no lazy load when the nomination is rendered
    insert_new(session, nomination)
    events.submitted(
        session, nomination, {"kk": college.name_kk, "ru": college.name_ru, "en": college.name_en}
    )
    return nomination


def _row(obj: object) -> dict[str, Any]:
    """The column values of a mapped object, by column name; an attribute never set is set to None
    (what the INSERT writes), so that the loaded object does not read it back with a SELECT."""
    state = inspect(obj)
    row = {}
    for attr in state.mapper.column_attrs:
        if attr.key not in state.dict:
            if any(column.default is not None for column in attr.columns):
                raise RuntimeError(f"set {attr.key} explicitly: its column default would not apply")
            setattr(obj, attr.key, None)
        for column in attr.columns:
            row[column.key] = state.dict[attr.key]
    return row


def insert_new(session: Session, n: Nomination) -> None:
    """INSERT a new nomination and its achievements, statements and photo, then hold them in the session.

    The same rows `session.add(n); session.flush()` writes, by Core INSERTs in the session's
    transaction (a failing one raises the same IntegrityError there). Why: the unit of work's flush
    (dependency sorting, history, per-mapper bookkeeping) was a fifth of a submission's CPU time.
    The objects then join the session as loaded rows, so later changes (a replaced photo, the
    idempotency record) flush as usual.
    """
    photos = [n.photo] if n.photo is not None else []
    for child in (*n.achievements, *n.statements, *photos):
        child.nomination_id = n.id
    connection = session.connection()
    connection.execute(insert(Nomination.__table__), [_row(n)])
    for table, rows in (
        (Achievement.__table__, n.achievements),
        (Statement.__table__, n.statements),
        (Photo.__table__, photos),
    ):
        if rows:
            connection.execute(insert(table), [_row(row) for row in rows])
    for obj in (n, *n.achievements, *n.statements, *photos):
        make_transient_to_detached(obj)
    session.add(n)


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
        "specialty",
        "course",
        "academic_standing",
    ):
        setattr(n, name, student.get(name))
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

    items = data["achievements"]
    for position, item in enumerate(items):
        if position < len(n.achievements):
            row = n.achievements[position]
        else:
            row = Achievement(position=position)
            n.achievements.append(row)
        row.title, row.year, row.level = item["title"], item["year"], item["level"]
        row.description = item.get("description")
    del n.achievements[len(items) :]

    texts = {lang: text for lang, text in data["statements"].items() if text is not None}
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
    """RFC 7396: objects merge recursively, `null` removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def amend(session: Session, portal: Portal, nomination_id: str, patch: Any) -> Nomination:
    """Apply a JSON merge patch: anything but college and year until 5 Oct, then statements until 20 Oct."""
    n = find(session, portal, nomination_id, lock=True)
    calendar, now = _open_for_change(session, n)
    if not isinstance(patch, dict):
        raise Invalid({"nomination": [Problem("type_object")]})
    before = document(n)
    data, errors = load_nomination(merge_patch(before, patch), day=submission_day(n))
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
    session.flush()
    events.amended(session, n, changed)
    return n


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
    events.amended(session, n, ["photo"])
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
    if college_code:
        query = query.where(Nomination.college_code == college_code)
    if year is not None:
        query = query.where(Nomination.year == year)
    if status:
        query = query.where(Nomination.status == status)
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
