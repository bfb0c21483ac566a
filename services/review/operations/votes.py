"""The public vote's use cases, each in the caller's unit of work: a contest opened (and frozen), a
code requested (its event to notify through the outbox), a code checked, a vote cast or changed.

A refusal is one of review's `Refused` kinds with the contract's code (`Invalid("phone_invalid")`,
`Conflict("contest_closed")`, `Throttled("too_many_codes", retry_after)`...); a wrong code is an
answer, not a refusal, because it must be committed (it counts towards the lock).

What is concurrent is settled by PostgreSQL (SQLite takes one writer at a time): one current vote per
voter and contest by the partial unique index, written with `INSERT ... ON CONFLICT DO NOTHING`; the
sends and checks of one phone taken one after the other on its `vote_phones` row (`FOR UPDATE`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.review.models.votes import Contest, Vote, VoteCode, VotePhone, WrongCode
from services.review.operations import Conflict, Gone, Invalid, NotFound, Throttled, audit, send_limits
from services.review.queries import votes as queries
from services.review.queries.public import public_candidates
from services.review.rules import audit as actions
from services.review.rules import signals
from services.review.rules import votes as rules
from shared import db, identity, kv, outbox, regions
from shared.envelope import Event
from shared.identity import Identity

PRODUCER = "review"
#: A change that lost a race to another change of the same voter tries again, a few times at most.
CAST_ATTEMPTS = 5


@dataclass(frozen=True)
class Requester:
    """Where a request came from, as far as the limits and the fraud signals need."""

    address: str
    browser_id: str


@dataclass(frozen=True)
class Sent:
    verification_id: str
    expires_at: datetime


@dataclass(frozen=True)
class Checked:
    """A code's check: `voter_hash` when right; else the tries left before the phone is locked.
    `closes_at` is the contest's close: the verified phone counts until then."""

    contest_id: str
    voter_hash: str | None
    tries_left: int
    closes_at: datetime


@dataclass(frozen=True)
class Cast:
    candidate_id: str
    recorded_at: datetime
    changed: bool


# --- Contests ------------------------------------------------------------------------------------


def contest_of(session: Session, year: int, stage: str, scope: str, now: datetime) -> queries.ContestView:
    """The contest of a year, stage and scope: made with the calendar's times when first asked for,
    frozen when first asked for once open. `NotFound` for a stage or scope that has none."""
    if stage not in rules.STAGES or not rules.scope_fits(stage, scope, regions.region_codes()):
        raise NotFound("not_found")
    contest_id = rules.contest_id(year, stage, scope)
    view = queries.contest(session, contest_id)
    if view is None:
        opens_at, closes_at = rules.default_times(year, stage)
        row = {"id": contest_id, "year": year, "stage": stage, "scope": scope, "counts_public": False}
        db.insert_ignore(
            session, Contest.__table__, {**row, "opens_at": opens_at, "closes_at": closes_at}, ("id",)
        )
        view = queries.contest(session, contest_id)
        assert view is not None
    if not view.frozen and rules.contest_state(view.opens_at, view.closes_at, now) != "upcoming":
        view = freeze(session, view, now)
    return view


def freeze(session: Session, view: queries.ContestView, now: datetime) -> queries.ContestView:
    """Fix the contest's candidates at its opening: those the public may see then. Once only."""
    shown = public_candidates(session, view.year, view.stage, view.scope, "kk")
    session.execute(
        update(Contest)
        .where(Contest.id == view.id, Contest.frozen_at.is_(None))
        .values(frozen_at=now, candidate_ids=[candidate.id for candidate in shown])
    )
    session.expire_all()
    found = queries.contest(session, view.id)
    assert found is not None
    return found


def set_times(
    session: Session,
    caller: Identity,
    view: queries.ContestView,
    opens_at: datetime,
    closes_at: datetime,
    now: datetime,
) -> queries.ContestView:
    """An admin moves a contest's times: only until it opens (then its rules are frozen, 409
    `contest_frozen`), and only to an opening still ahead and before the closing (422
    `contest_times_invalid`). The change is in the audit log with the times before and after."""
    contest = session.get(Contest, view.id, with_for_update=True)
    if contest is None:
        raise NotFound("not_found")
    if contest.frozen_at is not None or not rules.times_may_change(contest.opens_at, now):
        raise Conflict("contest_frozen")
    if not rules.times_sound(opens_at, closes_at) or opens_at <= now:
        raise Invalid("contest_times_invalid")
    before = (contest.opens_at.isoformat(), contest.closes_at.isoformat())
    opens_at, closes_at = opens_at.astimezone(UTC), closes_at.astimezone(UTC)
    contest.opens_at, contest.closes_at = opens_at, closes_at
    session.flush()
    region = None if view.scope == rules.NATIONAL else view.scope
    audit.record(
        session,
        caller,
        actions.CONTEST_TIMES,
        region=region,
        contest=view.id,
        before=list(before),
        after=[opens_at.isoformat(), closes_at.isoformat()],
    )
    found = queries.contest(session, view.id)
    assert found is not None
    return found


def _open(view: queries.ContestView, now: datetime) -> None:
    if rules.contest_state(view.opens_at, view.closes_at, now) != "open":
        raise Conflict("contest_closed")


# --- Codes ---------------------------------------------------------------------------------------


def _lock_phone(session: Session, phone_hash: str) -> None:
    """Take the phone's row for the rest of the transaction: its sends and checks go one at a time."""
    db.insert_ignore(session, VotePhone.__table__, {"phone_hash": phone_hash}, ("phone_hash",))
    session.execute(select(VotePhone.phone_hash).where(VotePhone.phone_hash == phone_hash).with_for_update())


def request_code(
    session: Session,
    view: queries.ContestView,
    raw_phone: object,
    language: str,
    requester: Requester,
    now: datetime,
    secret: str,
    store: kv.Store | None = None,
) -> Sent:
    """Send a code to a Kazakhstan mobile for an open contest, within the sends' limits (those of
    the address and the browser in Redis when `store` is given: `send_limits`)."""
    try:
        phone = rules.voter_phone(raw_phone)
    except rules.PhoneInvalid:
        raise Invalid("phone_invalid") from None
    _open(view, now)
    phone_hash = rules.voter_hash(secret, phone)
    address_hash = rules.keyed(secret, "address", requester.address)
    browser = rules.browser_hash(secret, requester.browser_id)
    _lock_phone(session, phone_hash)
    verification = str(uuid.uuid4())
    by_phone = send_limits.phone_wait(session, phone_hash, now)
    by_requester = send_limits.requester_wait(
        session, store, address_hash, browser, verification, now, admit=by_phone is None
    )
    waits = [wait for wait in (by_phone, by_requester) if wait is not None]
    if waits:
        raise Throttled("too_many_codes", rules.retry_after_seconds(max(waits)))
    code = rules.new_code()
    expires_at = now + rules.CODE_LIFETIME
    session.add(
        VoteCode(
            id=verification,
            contest_id=view.id,
            phone_hash=phone_hash,
            digest=rules.code_digest(secret, verification, code),
            language=language,
            address_hash=address_hash,
            network=rules.network_of(requester.address),
            browser=browser,
            created_at=now,
            expires_at=expires_at,
            number_block=signals.number_block(secret, phone),
        )
    )
    _code_requested(session, view, verification, phone, code, language, expires_at)
    return Sent(verification, expires_at)


def _code_requested(
    session: Session,
    view: queries.ContestView,
    verification: str,
    phone: str,
    code: str,
    language: str,
    expires_at: datetime,
) -> None:
    """`vote.code_requested` in the outbox: notify sends the code by SMS (the only copy in clear)."""
    payload = {
        "verification_id": verification,
        "contest_id": view.id,
        "phone": phone,
        "code": code,
        "language": language,
        "expires_at": expires_at.isoformat(),
    }
    region = identity.NATIONAL_EVENT_REGION if view.scope == rules.NATIONAL else view.scope
    outbox.emit(
        session,
        Event(type="vote.code_requested", version=1, region=region, producer=PRODUCER, payload=payload),
    )


def check_code(session: Session, verification_id: str, code: str, now: datetime, secret: str) -> Checked:
    """Compare a code with its verification's, one check of a phone at a time.

    Refused: unknown verification (404), a locked phone (429 with the lock's end, even for the right
    code), a used or expired code (410), a closed contest (409). A wrong code is recorded and
    answered with the tries left.
    """
    sent = session.get(VoteCode, verification_id)
    if sent is None:
        raise NotFound("not_found")
    _lock_phone(session, sent.phone_hash)
    query = select(WrongCode.at).where(
        WrongCode.phone_hash == sent.phone_hash, WrongCode.at > now - rules.LOCK - rules.WRONG_WINDOW
    )
    wrong = list(session.scalars(query))
    until = rules.locked_until(wrong, now)
    if until is not None:
        raise Throttled("phone_locked", rules.retry_after_seconds(until - now))
    session.refresh(sent)
    if sent.used_at is not None or sent.expires_at <= now:
        raise Gone("code_expired")
    view = queries.contest(session, sent.contest_id)
    assert view is not None
    _open(view, now)
    if not rules.code_matches(secret, verification_id, code, sent.digest):
        session.add(WrongCode(phone_hash=sent.phone_hash, verification_id=verification_id, at=now))
        return Checked(view.id, None, rules.tries_left([*wrong, now], now), view.closes_at)
    sent.used_at = now
    return Checked(view.id, sent.phone_hash, rules.tries_left(wrong, now), view.closes_at)


# --- Votes ---------------------------------------------------------------------------------------


def _insert(session: Session):  # type: ignore[no-untyped-def]
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def _next_id(session: Session) -> object:
    """The id the superseding row will take, chosen in the UPDATE that supersedes: the sequence's next
    on PostgreSQL; on SQLite (one writer at a time) one more than the largest."""
    if session.get_bind().dialect.name == "postgresql":
        return text("nextval('votes_id_seq')")
    return select(func.coalesce(func.max(Vote.id), 0) + 1).scalar_subquery()


def _vote_row(
    view: queries.ContestView,
    voter_hash: str,
    candidate_id: str,
    requester: Requester,
    now: datetime,
    secret: str,
) -> dict[str, object]:
    """A current vote's columns: the voter as its hash, the address as its network, the browser hashed."""
    return {
        "contest_id": view.id,
        "candidate_id": candidate_id,
        "voter_hash": voter_hash,
        "network": rules.network_of(requester.address),
        "browser": rules.browser_hash(secret, requester.browser_id),
        "recorded_at": now,
        "current": True,
    }


def cast_vote(
    session: Session,
    view: queries.ContestView,
    voter_hash: str,
    candidate_id: str,
    requester: Requester,
    now: datetime,
    secret: str,
) -> Cast:
    """Record the voter's vote, or change it: a new row superseding the current one, never an edit.

    A first vote is one `INSERT ... ON CONFLICT DO NOTHING`; when the voter has a current vote for
    another candidate, one UPDATE marks it superseded (taking the new row's id) and the new row goes
    in. Of two requests of one voter at once, the second waits on the first's row and then finds the
    vote the first recorded: one current row, whatever the number of requests.
    """
    _open(view, now)
    if candidate_id not in view.candidate_ids:
        raise Invalid("candidate_unknown")
    row = _vote_row(view, voter_hash, candidate_id, requester, now, secret)
    mine = (Vote.contest_id == view.id) & (Vote.voter_hash == voter_hash) & Vote.current
    # Core statements on the unit of work's connection: the ORM adds nothing to these, but its cost.
    connection = session.connection()
    for _ in range(CAST_ATTEMPTS):
        first = (
            _insert(session)(Vote)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["contest_id", "voter_hash"], index_where=text("current"))
        )
        if connection.execute(first.returning(Vote.id)).first() is not None:
            return Cast(candidate_id, now, changed=False)
        superseding = connection.execute(
            update(Vote)
            .where(mine, Vote.candidate_id != candidate_id)
            .values(current=False, superseded_by=_next_id(session))
            .returning(Vote.superseded_by)
        ).first()
        if superseding is not None:
            connection.execute(_insert(session)(Vote).values(id=superseding[0], **row))
            return Cast(candidate_id, now, changed=True)
        kept = connection.execute(select(Vote.candidate_id, Vote.recorded_at).where(mine)).first()
        if kept is not None and kept.candidate_id == candidate_id:
            return Cast(candidate_id, kept.recorded_at, changed=False)
    raise RuntimeError("the vote could not be recorded after several attempts")
