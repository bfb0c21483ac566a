"""Letters to commission members and chairs greet them as people: by given name and patronymic where
review's account has the name in parts («Здравствуйте, Анна Сергеевна!», "Dear Анна,"), never by the
account's whole name typed surname first ("Dear Петрова Анна Сергеевна"). An account without parts
(made before they existed) is greeted by its whole name, as before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, select, text

from services.notify.handlers import HANDLERS
from services.notify.models import Message, Person
from services.notify.operations import reminders
from services.notify.tests.factories import event, submitted
from shared import clock, migrate, testing
from shared.handling import handle
from shared.runtime import Runtime

WHOLE = "Петрова Анна Сергеевна"
PARTS = {"last_name": "Петрова", "first_name": "Анна", "patronymic": "Сергеевна"}
GREETINGS = {
    "kk": "Құрметті Анна Сергеевна!",
    "ru": "Здравствуйте, Анна Сергеевна!",
    "en": "Dear Анна,",
}
AS_BEFORE = {"kk": f"Құрметті {WHOLE}!", "ru": f"Здравствуйте, {WHOLE}!", "en": f"Dear {WHOLE},"}
#: The three member letters, each with what makes notify write it (`_write`).
LETTERS = ("to_score_digest", "deadline_reminder", "statements_needed")


def _person(runtime: Runtime, role: str, language: str, parts: dict[str, str]) -> None:
    scope = "national" if role == "national_member" else "almaty"
    payload: dict[str, Any] = {
        "user_id": f"{role}-{language}",
        "generation": 1,
        "email": f"{role}@example.kz",
        "name": WHOLE,
        "role": role,
        "scope": scope,
        "language": language,
        "college": None,
        **parts,
    }
    assert handle(runtime, HANDLERS, "notify", event("user.changed", payload, "review")) is True


def _write(runtime: Runtime, language: str, parts: dict[str, str]) -> None:
    """The digest (a member), the decisions reminder (a regional member) and a candidate's missing
    statements (the region's chair), each to a person named «Петрова Анна Сергеевна»."""
    for role in ("regional_member", "regional_chair"):
        _person(runtime, role, language, parts)
    registered = {"nomination_id": "n-1", "candidate_id": "c", "stage": "internal"}
    assert handle(runtime, HANDLERS, "notify", event("review.candidate_registered", registered, "review"))
    with runtime.db.unit_of_work() as session:
        reminders.run(session, clock.now().replace(year=2026, month=10, day=13, hour=9))
    assert handle(runtime, HANDLERS, "notify", submitted(language, nomination_id="n-2"))
    incomplete = {"candidate_id": "c-2", "nomination_id": "n-2", "year": 2026, "missing": ["photo"]}
    incomplete["amend_by"] = "2026-10-20T23:59:59+05:00"
    assert handle(runtime, HANDLERS, "notify", event("candidate.incomplete", incomplete, "review"))


def _bodies(runtime: Runtime) -> dict[str, list[str]]:
    with runtime.db.unit_of_work() as session:
        rows = session.scalars(select(Message).where(Message.template.in_(LETTERS)))
        found: dict[str, list[str]] = {}
        for row in rows:
            found.setdefault(row.template, []).append(row.body or "")
    return found


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_member_named_in_parts_is_greeted_by_given_name_and_patronymic(
    runtime: Runtime, language: str
) -> None:
    _write(runtime, language, PARTS)
    bodies = _bodies(runtime)
    assert set(bodies) == set(LETTERS)
    for code, texts in bodies.items():
        for body in texts:
            assert GREETINGS[language] in body, (code, body)
            assert WHOLE not in body and "Петрова" not in body, (code, body)
    with runtime.db.unit_of_work() as session:
        kept = session.get(Person, f"regional_member-{language}")
        assert (kept.last_name, kept.first_name, kept.patronymic, kept.name) == (*PARTS.values(), WHOLE)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_member_without_parts_is_greeted_by_the_whole_name_as_before(
    runtime: Runtime, language: str
) -> None:
    _write(runtime, language, {})
    bodies = _bodies(runtime)
    assert set(bodies) == set(LETTERS)
    for code, texts in bodies.items():
        for body in texts:
            assert AS_BEFORE[language] in body, (code, body)


def test_a_later_event_without_parts_forgets_the_old_parts(runtime: Runtime) -> None:
    """Review sends the parts with every change; an account whose parts were cleared (renamed as one
    whole name) is greeted by that name, not by parts it no longer has."""
    _person(runtime, "regional_member", "ru", PARTS)
    later = {"user_id": "regional_member-ru", "generation": 2, "email": "m@example.kz", "name": "Анна"}
    later |= {"role": "regional_member", "scope": "almaty", "language": "ru", "college": None}
    later |= {"last_name": None, "first_name": None, "patronymic": None}
    assert handle(runtime, HANDLERS, "notify", event("user.changed", later, "review"))
    with runtime.db.unit_of_work() as session:
        kept = session.get(Person, "regional_member-ru")
        assert (kept.name, kept.last_name, kept.first_name, kept.patronymic) == ("Анна", None, None, None)


def _round_trip(url: str) -> None:
    config = migrate.alembic_config("notify", url)
    command.upgrade(config, "0010")
    engine = create_engine(url)
    person = (
        "INSERT INTO people (user_id, generation, email, name, role, scope, language, disabled) "
        "VALUES ('u1', 1, 'a@example.kz', 'Петрова Анна Сергеевна', 'regional_member', 'almaty', 'ru', false)"
    )
    try:
        with engine.begin() as conn:
            conn.execute(text(person))
        command.upgrade(config, "0011")
        with engine.begin() as conn:
            row = conn.execute(text("SELECT name, last_name, first_name, patronymic FROM people")).one()
            assert tuple(row) == (WHOLE, None, None, None)
        command.downgrade(config, "0010")
        assert not set(PARTS) & {column["name"] for column in inspect(engine).get_columns("people")}
        with engine.begin() as conn:  # the person kept (no copy of the table)
            assert conn.execute(text("SELECT user_id, name FROM people")).one() == ("u1", WHOLE)
        command.upgrade(config, "head")
        assert set(PARTS) <= {column["name"] for column in inspect(engine).get_columns("people")}
    finally:
        engine.dispose()


def test_the_migration_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'notify.sqlite3'}")


@pytest.mark.integration
def test_the_migration_round_trip_on_postgres() -> None:
    with testing.scratch_postgres() as url:
        _round_trip(url)
