"""Reminders from the calendar, and the commissions' daily digest, at local times.

Each is recorded as a message keyed `reminder:<kind>:<day>` (or `digest:<day>`) and the recipient, so
it is sent once per recipient and day however often the scheduler (or a drill) runs. Whom a reminder
is for is worked out when it is due, from what notify knows then: a college that has reached three
nominations, a commission that has decided, a candidate whose statements came, is no longer written
to, and a reminder of the day still waiting to be sent to them is cancelled.

- 3 days before the submission deadline (5 Oct): colleges with fewer than 3 nominations, to the
  region's coordinators (its commission's chairs) and the colleges' coordinators of earlier nominations;
- 2 days before the regional stage ends (15 Oct): regional commissions with candidates not decided;
- 2 days before the amendment deadline (20 Oct): regions whose advanced candidates lack statements
  or a photo, to the region's coordinators.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from services.notify.models import Candidate, ClosedStage, Followed, Message, Person, Recipient
from services.notify.operations import notices
from services.notify.operations.queueing import To, queue
from shared import calendar, clock, identity

#: The local time reminders and digests go out.
AT = time(9, 0)
#: Nominations a college may send; fewer is worth a reminder.
COLLEGE_QUOTA = 3
CANCELLED = "cancelled: no longer needed"


def due(day: date) -> list[tuple[str, datetime]]:
    """The reminders due on `day` (local), each with the deadline it reminds of."""
    cal = calendar.default_calendar(day.year)
    kinds = [
        ("nominations", cal.submission_closes, 3),
        ("decisions", cal.regional_decisions_close, 2),
        ("statements", cal.amendments_close, 2),
    ]
    return [
        (kind, deadline)
        for kind, deadline, before in kinds
        if deadline.date() - timedelta(days=before) == day
    ]


def run(session: Session, at: datetime) -> list[str]:
    """Record the reminders and the digest due at `at`; returns the keys written to."""
    local = at.astimezone(clock.KAZAKHSTAN)
    keys = []
    for kind, deadline in due(local.date()):
        key = f"reminder:{kind}:{local.date().isoformat()}"
        targets = _TARGETS[kind](session, local.year)
        wanted = set()
        for region, to, count in targets:
            wanted.add(to.ref)
            queue(
                session,
                key=key,
                to=to,
                channel="email",
                code="deadline_reminder",
                params={
                    "recipient_name": to.name,
                    "kind": kind,
                    "deadline": notices.local_date(deadline, to.language),
                    "region": notices.region_name(region, to.language),
                    "count": count,
                },
                region=region,
            )
        _cancel_unwanted(session, key, wanted)
        keys.append(key)
    keys.extend(digest(session, local))
    return keys


def _cancel_unwanted(session: Session, key: str, wanted: set[str]) -> None:
    session.execute(
        update(Message)
        .where(
            Message.event_id == key,
            Message.status.in_(("queued", "held")),
            Message.recipient_ref.not_in(wanted),
        )
        .values(status="failed", error=CANCELLED)
    )


def _live_recipients(session: Session) -> Any:
    withdrawn = select(Followed.nomination_id).where(Followed.withdrawn_revision.is_not(None))
    return select(Recipient).where(Recipient.nomination_id.not_in(withdrawn))


def _nominations(session: Session, year: int) -> list[tuple[str, To, int]]:
    """Colleges under quota: per region, its chairs (count: such colleges) and each college's coordinators."""
    by_college: dict[tuple[str, str], list[Recipient]] = defaultdict(list)
    for recipient in session.scalars(_live_recipients(session)):
        if recipient.college_code:
            by_college[(recipient.region, recipient.college_code)].append(recipient)
    short = {college: people for college, people in by_college.items() if len(people) < COLLEGE_QUOTA}
    targets: list[tuple[str, To, int]] = []
    per_region: dict[str, int] = defaultdict(int)
    for (region, _college), nominations in sorted(short.items()):
        per_region[region] += 1
        coordinators = {
            (r.coordinator_email, r.language, r.coordinator_name or "")
            for r in nominations
            if r.coordinator_email
        }
        for address, language, name in sorted(coordinators):
            targets.append(
                (region, To("coordinator", f"college:{address.lower()}", address, language, name), 1)
            )
    for region, count in sorted(per_region.items()):
        targets.extend(
            (region, _user_to(person), count) for person in notices.region_coordinators(session, region)
        )
    return targets


def _decisions(session: Session, year: int) -> list[tuple[str, To, int]]:
    """Regions whose regional stage is not closed and that have candidates without a decision."""
    closed = select(ClosedStage.region).where(ClosedStage.year == year, ClosedStage.stage == "regional")
    counts = session.execute(
        select(Candidate.region, func.count())
        .where(Candidate.outcome == "pending", Candidate.region.not_in(closed))
        .group_by(Candidate.region)
    ).all()
    targets = []
    for region, count in counts:
        members = select(Person).where(
            Person.scope == region, Person.role.in_(identity.REGIONAL_ROLES), ~Person.disabled
        )
        targets.extend(
            (region, _user_to(person), count) for person in session.scalars(members.order_by(Person.user_id))
        )
    return targets


def _statements(session: Session, year: int) -> list[tuple[str, To, int]]:
    """Regions whose advanced candidates still lack statements or a photo."""
    per_region: dict[str, int] = defaultdict(int)
    query = select(Candidate).where(Candidate.outcome == "advanced", Candidate.stage == "republican")
    for candidate in session.scalars(query):
        if candidate.missing:
            per_region[candidate.region] += 1
    return [
        (region, _user_to(person), count)
        for region, count in sorted(per_region.items())
        for person in notices.region_coordinators(session, region)
    ]


_TARGETS = {"nominations": _nominations, "decisions": _decisions, "statements": _statements}


def _user_to(person: Person) -> To:
    """A chair is written to as the region's coordinator; every other member as a commission member."""
    kind = "region" if person.role == "regional_chair" else "member"
    return To(kind, f"user:{person.user_id}", person.email, person.language, notices.greeting(person))


def digest(session: Session, local: datetime) -> list[str]:
    """Once a day, each commission member hears of the candidates new to score in their scope."""
    key = f"digest:{local.date().isoformat()}"
    since = clock.utcnow() - timedelta(days=1)
    new = list(session.scalars(select(Candidate).where(Candidate.changed_at >= since)))
    if not new:
        return []
    names = {
        r.nomination_id: r
        for r in session.scalars(
            select(Recipient).where(Recipient.nomination_id.in_([c.nomination_id for c in new]))
        )
    }
    members = select(Person).where(Person.role.in_(identity.MEMBER_ROLES), ~Person.disabled)
    for person in session.scalars(members.order_by(Person.user_id)):
        mine = [c for c in new if _to_score(person, c)]
        if not mine:
            continue
        people = [names[c.nomination_id].full_name for c in mine if c.nomination_id in names]
        queue(
            session,
            key=key,
            to=To("member", f"user:{person.user_id}", person.email, person.language),
            channel="email",
            code="to_score_digest",
            params={
                "recipient_name": notices.greeting(person),
                "count": len(mine),
                "names": people,
                "url": _review_url(),
            },
            region=identity.event_region(person.scope),
        )
    return [key]


def _to_score(person: Person, candidate: Candidate) -> bool:
    if person.scope == identity.NATIONAL:
        return candidate.stage == "republican" and candidate.outcome == "advanced"
    return candidate.region == person.scope and candidate.outcome == "pending"


def _review_url() -> str:
    from shared import config

    return config.load("review").login_url.rsplit("/login", 1)[0] + "/"


def scheduled(session: Session, now: datetime) -> list[str]:
    """What the worker's scheduler runs: everything due today once the local time has reached `AT`."""
    local = now.astimezone(clock.KAZAKHSTAN)
    return run(session, local) if local.timetz().replace(tzinfo=None) >= AT else []
