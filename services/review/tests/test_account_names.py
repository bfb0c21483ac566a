"""An account's name in parts: checked as intake checks a student's, refused naming each field in
kk/ru/en, the name pages show made from them, told to every service in `user.changed`; the console
takes them; an account without parts keeps its one name as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, select, text

from services.cli import cli
from services.review.models import User, outbox
from services.review.operations import accounts
from services.review.rules import names
from services.review.tests.people import PASSWORD
from shared import migrate, testing
from shared.runtime import Runtime

PARTS = {"last_name": "Петрова", "first_name": "Анна", "patronymic": "Сергеевна"}


def _last_payload(runtime: Runtime) -> dict:  # type: ignore[type-arg]
    with runtime.db.unit_of_work() as session:
        body = session.execute(select(outbox.c.body).order_by(outbox.c.id.desc())).scalars().first()
    return json.loads(body)["payload"]


def _create(session, **fields):  # type: ignore[no-untyped-def]
    return accounts.create(
        session, email="anna@example.kz", password=PASSWORD, role="regional_member", scope="almaty", **fields
    )


# --- the rules -----------------------------------------------------------------------------------


def test_no_parts_is_no_refusal_and_parts_make_the_whole_name() -> None:
    assert names.check_parts({}) == {} and names.check_parts({"patronymic": "  "}) == {}
    assert names.check_parts(PARTS) == {}
    assert names.whole_name({"last_name": " петрова ", "first_name": "Анна"}) == "петрова Анна"
    assert names.whole_name(PARTS) == "Петрова Анна Сергеевна"
    assert names.stored_parts({"last_name": "Петрова", "first_name": "Анна", "patronymic": ""}) == {
        "last_name": "Петрова", "first_name": "Анна", "patronymic": None,
    }  # fmt: skip


def test_a_given_name_needs_its_surname_and_each_part_is_a_name() -> None:
    assert names.check_parts({"patronymic": "Сергеевна"}) == {
        "last_name": ("name_required", {}),
        "first_name": ("name_required", {}),
    }
    refused = names.check_parts({"last_name": "Petrова", "first_name": "Анна2", "patronymic": "-"})
    assert refused["last_name"] == ("name_mixed_scripts", {"word": "Petrова"})
    assert refused["first_name"] == ("name_invalid_characters", {"characters": "2"})
    assert refused["patronymic"] == ("name_malformed", {})
    long = {"last_name": "А" * 100, "first_name": "Б" * 100, "patronymic": "В" * 10}
    assert names.check_parts(long) == {"name": ("name_too_long", {"maximum": 200, "length": 212})}


# --- the accounts --------------------------------------------------------------------------------


def test_an_account_in_parts_shows_the_whole_name_and_tells_the_parts(runtime: Runtime) -> None:
    with runtime.db.unit_of_work() as session:
        user = _create(session, last_name=" Петрова ", first_name="Анна", patronymic="Сергеевна")
        assert (user.name, user.last_name, user.first_name, user.patronymic) == (
            "Петрова Анна Сергеевна", "Петрова", "Анна", "Сергеевна",
        )  # fmt: skip
    payload = _last_payload(runtime)
    assert payload["name"] == "Петрова Анна Сергеевна"
    assert {key: payload[key] for key in PARTS} == PARTS


def test_an_account_without_parts_keeps_its_one_name(runtime: Runtime) -> None:
    with runtime.db.unit_of_work() as session:
        user = _create(session, name="Петрова Анна Сергеевна")
        assert (user.name, user.first_name) == ("Петрова Анна Сергеевна", None)
    payload = _last_payload(runtime)
    assert (payload["name"], payload["last_name"], payload["first_name"], payload["patronymic"]) == (
        "Петрова Анна Сергеевна", None, None, None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "first_name: is required; patronymic: contains characters not allowed in a name: 7"),
        ("ru", "first_name: "),
        ("kk", "first_name: "),
    ],
)
def test_refused_parts_are_named_by_field_in_each_language(
    runtime: Runtime, language: str, said: str
) -> None:
    with runtime.db.unit_of_work() as session, pytest.raises(accounts.NameRefused) as refused:
        _create(session, last_name="Петрова", patronymic="Сергеевна7")
    words = refused.value.words(language)
    assert words.startswith(said) and "patronymic: " in words
    if language != "en":
        assert "is required" not in words and "not allowed" not in words  # translated
    with runtime.db.unit_of_work() as session:
        assert session.scalars(select(User)).first() is None


def test_a_whole_name_and_parts_together_are_refused(runtime: Runtime) -> None:
    with runtime.db.unit_of_work() as session, pytest.raises(accounts.NameRefused, match=r"^name: "):
        _create(session, name="Анна", **PARTS)


def test_update_changes_a_part_keeps_the_others_and_a_whole_name_replaces_them(runtime: Runtime) -> None:
    with runtime.db.unit_of_work() as session:
        _create(session, name="Петрова А. С.")
    with runtime.db.unit_of_work() as session:
        user = accounts.update(session, "anna@example.kz", **PARTS)
        assert user.name == "Петрова Анна Сергеевна"
    with runtime.db.unit_of_work() as session:
        user = accounts.update(session, "anna@example.kz", patronymic="")
        assert (user.name, user.first_name, user.patronymic) == ("Петрова Анна", "Анна", None)
    assert _last_payload(runtime)["name"] == "Петрова Анна" and _last_payload(runtime)["patronymic"] is None
    with runtime.db.unit_of_work() as session, pytest.raises(accounts.NameRefused, match="last_name"):
        accounts.update(session, "anna@example.kz", last_name="")
    with runtime.db.unit_of_work() as session:
        user = accounts.update(session, "anna@example.kz", name="Анна Петрова")
        assert (user.name, user.last_name, user.first_name) == ("Анна Петрова", None, None)


# --- the console ---------------------------------------------------------------------------------


def test_the_console_takes_the_parts_and_names_a_refused_one(runtime: Runtime) -> None:
    runner = CliRunner()
    args = ["users", "create", "--email", "anna@example.kz", "--role", "regional_chair", "--scope", "almaty"]
    parts = ["--last-name", "Петрова", "--first-name", "Анна", "--patronymic", "Сергеевна"]
    refused = runner.invoke(cli, [*args, "--last-name", "Петрова", "--first-name", "Anна"], input=PASSWORD)
    assert refused.exit_code == 1 and "first_name: the word «Anна» mixes Cyrillic and Latin" in refused.output
    created = runner.invoke(cli, [*args, *parts], input=PASSWORD + "\n")
    assert created.exit_code == 0, created.output
    listed = runner.invoke(cli, ["users", "list"]).output
    assert "Петрова Анна Сергеевна" in listed
    updated = runner.invoke(cli, ["users", "update", "--email", "anna@example.kz", "--patronymic", ""])
    assert updated.exit_code == 0, updated.output
    assert {key: _last_payload(runtime)[key] for key in PARTS} == {**PARTS, "patronymic": None}


# --- the migration -------------------------------------------------------------------------------


def _round_trip(url: str) -> None:
    config = migrate.alembic_config("review", url)
    command.upgrade(config, "0019")
    engine = create_engine(url)
    user = (
        "INSERT INTO users (id, email, name, password_hash, role, scope, language, generation, disabled, "
        "created_at, updated_at) VALUES ('u1', 'a@example.kz', 'Петрова Анна Сергеевна', 'h', "
        "'regional_member', 'almaty', 'ru', 1, false, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )
    try:
        with engine.begin() as conn:
            conn.execute(text(user))
        command.upgrade(config, "0020")
        with engine.begin() as conn:
            row = conn.execute(text("SELECT name, last_name, first_name, patronymic FROM users")).one()
            assert tuple(row) == ("Петрова Анна Сергеевна", None, None, None)
            conn.execute(text("UPDATE users SET last_name = 'Петрова', first_name = 'Анна'"))
        command.downgrade(config, "0019")
        columns = {column["name"] for column in inspect(engine).get_columns("users")}
        assert not set(names.PARTS) & columns
        with engine.begin() as conn:  # the account kept (no copy of the table)
            assert conn.execute(text("SELECT id, name FROM users")).one() == ("u1", "Петрова Анна Сергеевна")
        command.upgrade(config, "head")
        assert set(names.PARTS) <= {column["name"] for column in inspect(engine).get_columns("users")}
    finally:
        engine.dispose()


def test_the_migration_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite:///{tmp_path / 'review.sqlite3'}")


@pytest.mark.integration
def test_the_migration_round_trip_on_postgres() -> None:
    with testing.scratch_postgres() as url:
        _round_trip(url)
