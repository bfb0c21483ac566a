"""Submitting a nomination: one operation from what the portal sent to what it is answered.

`submit` runs in the request's unit of work and does, in order: claim the Idempotency-Key (a repeat
gets the first answer and nothing else happens); check the document (schema, rules), the photo,
the college (locked from here to the commit) and the year, reporting every problem at once; check
the calendar and the college's quota under that lock; insert the rows, store the photo, write the
event; record the answer for repeats. It returns what happened (`Created`, `Replayed`, `Rejected`,
`Refused`), and the view renders it.

Races: two portals racing for a college's last slot are serialised by the college's row lock
(PostgreSQL `SELECT ... FOR UPDATE`; SQLite's `BEGIN IMMEDIATE` already serialises writers), so one
gets 201 and the other 409. One nomination per student and year is the database's partial unique
index, recognised by its name when the INSERT breaks it (`operations.constraints`). A refused
submission rolls back whole: the view answers it as a failure, and a failure never commits (see
`services.intake.api.auth`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, insert, inspect, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from services.intake import rules
from services.intake.models import (
    Achievement,
    CalendarYear,
    College,
    Nomination,
    Photo,
    Statement,
)
from services.intake.operations import Conflict, Portal, events, idempotency
from services.intake.operations.calendar import calendar_from
from services.intake.operations.constraints import column_values, violated_index
from services.intake.operations.nominations import CONFLICTS, apply, attach_photo, live
from services.intake.operations.refdata import check_specialty
from services.intake.operations.render import represent
from services.intake.operations.validation import Errors, add, load_nomination, normalized
from services.intake.rules import Problem
from services.intake.rules.photos import CheckedPhoto, check_photo
from shared import clock
from shared.blobs import BlobStore


@dataclass(frozen=True)
class Submission:
    """What a portal sent: the parsed `nomination` document, the photo's bytes and the request's key."""

    document: Any
    photo: bytes | None = None
    idempotency_key: str | None = None
    path: str = "/api/v1/nominations"


@dataclass(frozen=True)
class Created:
    """201: the nomination, its JSON (as stored for replays) and where to read it."""

    nomination: Nomination
    body: str
    location: str


@dataclass(frozen=True)
class Replayed:
    """The first answer to the same Idempotency-Key and request, stored; nothing else happened."""

    status: int
    body: str
    location: str | None


@dataclass(frozen=True)
class Rejected:
    """422: every problem of the document and the photo, by field path."""

    errors: Errors


@dataclass(frozen=True)
class Refused:
    """409 with the contract's code, or 403 (`forbidden`) for a college of another region."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    status: int = 409


Outcome = Created | Replayed | Rejected | Refused

_COLLEGES = College.__table__
_CALENDAR_ROWS = CalendarYear.__table__
#: The college, locked, with the calendar row of the submission's year when there is one (an
#: outer join: a year without a row gets NULLs and the regulation's dates). A plain row on the
#: session's connection: nothing needs a College object.
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

#: The college's live (not withdrawn) nominations of a year, live or sandbox: the quota's count.
#: Prebuilt and run on the session's connection, as it runs under the college's lock on every
#: submission.
_ACTIVE_IN_COLLEGE = {
    sandbox: live(select(func.count()).select_from(Nomination), sandbox).where(
        Nomination.college_code == bindparam("college_code"), Nomination.year == bindparam("year")
    )
    for sandbox in (False, True)
}


def submit(
    session: Session,
    blobs: BlobStore,
    portal: Portal,
    submission: Submission,
    written: list[str],
    locate: Callable[[str], str],
) -> Outcome:
    """Accept a nomination or say why not; see the module's docstring for the order of the checks.

    `written` collects the blob keys written here, for the caller to delete if the commit fails;
    `locate` gives a nomination's URL from its id (the `Location` of the answer).
    """
    photo, photo_problems = check_photo(submission.photo) if submission.photo is not None else (None, [])
    key = submission.idempotency_key
    if key is not None:
        earlier = _claim_key(session, portal, key, submission, photo)
        if earlier is not None:
            return earlier

    data, errors = load_nomination(submission.document, day=clock.local_now().date())
    add(errors, "photo", photo_problems)
    college = None
    if isinstance(submission.document, dict):
        college = _lock_college(session, data.get("college_code"), data.get("year"))
        if college is not None and college.active and college.region_code != portal.region:
            return Refused("forbidden", {"region": portal.region}, status=403)
        _check_references(session, college, data, errors)
    if errors or college is None:
        return Rejected(errors)

    refused = _refusal(session, portal, college, data["year"])
    if refused is not None:
        return refused
    nomination = _new_nomination(blobs, portal, college, normalized(data), photo, written)
    try:
        insert_new(session, nomination)
    except IntegrityError as error:
        row = column_values(nomination)
        code = CONFLICTS.get(violated_index(session, error, Nomination.__table__, row) or "")
        if code is None:
            raise
        return Refused(code, {"year": nomination.year})
    events.submitted(
        session, nomination, {"kk": college.name_kk, "ru": college.name_ru, "en": college.name_en}, blobs
    )
    body, location = json.dumps(represent(nomination), ensure_ascii=False), locate(nomination.id)
    if key is not None:
        idempotency.record(session, portal.key_id, key, 201, body, location)
    return Created(nomination, body, location)


def _claim_key(
    session: Session, portal: Portal, key: str, submission: Submission, photo: CheckedPhoto | None
) -> Outcome | None:
    """The `Idempotency-Key` claimed for this request: the first result replayed, a refusal when the
    key was used for another request, or None when this request is the first."""
    sha256 = photo.sha256 if photo is not None else _sha256(submission.photo)
    fingerprint = idempotency.fingerprint("POST", submission.path, submission.document, sha256)
    try:
        replay = idempotency.claim(session, portal.key_id, key, fingerprint)
    except Conflict as conflict:
        return Refused(conflict.code, conflict.params)
    if replay is not None:
        return Replayed(replay.status, replay.body, replay.location)
    return None


def _check_references(
    session: Session, college: Row[Any] | None, data: dict[str, Any], errors: Errors
) -> None:
    """An unknown or inactive college or specialty, and a year not open, as field errors."""
    if (college is None or not college.active) and isinstance(data.get("college_code"), str):
        add(errors, "college_code", [Problem("college_unknown", {"code": data["college_code"]})])
    check_specialty(session, data, errors)
    _check_year_open(data.get("year"), errors)


def _sha256(data: bytes | None) -> str | None:
    """A broken photo's hash: it still tells the request apart from one with another photo or none."""
    return hashlib.sha256(data).hexdigest() if data is not None else None


def _lock_college(session: Session, code: Any, year: Any) -> Row[Any] | None:
    """The college row, locked until the commit, with its calendar columns for an integer `year`."""
    if not isinstance(code, str):
        return None
    known_year = year if isinstance(year, int) and not isinstance(year, bool) else None
    return session.connection().execute(_LOCK_COLLEGE, {"code": code, "year": known_year}).first()


def _check_year_open(year: Any, errors: Errors) -> None:
    """A year opens on 1 January, local time, whatever its calendar says about the deadlines."""
    if isinstance(year, int) and clock.utcnow() < rules.default_calendar(year).opens:
        add(errors, "year", [Problem("year_not_open", {"year": year})])


def _refusal(session: Session, portal: Portal, college: Row[Any], year: int) -> Refused | None:
    """The calendar and the college's quota, counted under the college's lock."""
    calendar = calendar_from(college if college.year is not None else None, year)  # type: ignore[arg-type]
    if not rules.submission_open(calendar, clock.utcnow()):
        return Refused("deadline_passed", {"deadline": calendar.submission_closes})
    active = (
        session.connection()
        .execute(_ACTIVE_IN_COLLEGE[portal.sandbox], {"college_code": college.code, "year": year})
        .scalar_one()
    )
    problem = rules.college_quota_problem(active)
    return Refused(problem.code, dict(problem.params)) if problem is not None else None


def _new_nomination(
    blobs: BlobStore,
    portal: Portal,
    college: Row[Any],
    data: dict[str, Any],
    photo: CheckedPhoto | None,
    written: list[str],
) -> Nomination:
    now = clock.utcnow()
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
    return nomination


def _row(obj: object) -> dict[str, Any]:
    """The column values of a new mapped object; an attribute never set is set to None (what the
    INSERT writes), so that the loaded object does not read it back with a SELECT."""
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        if attr.key not in state.dict:
            if any(column.default is not None for column in attr.columns):
                raise RuntimeError(f"set {attr.key} explicitly: its column default would not apply")
            setattr(obj, attr.key, None)
    return column_values(obj)


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
