"""Accounts: argon2 hashes, validated role and scope, a generation per change recorded here and told
to every service through the outbox; the console commands as an operator types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from services.cli import cli
from services.review.models import AuditEntry, User, metadata, outbox
from services.review.operations import accounts
from services.review.tests.people import PASSWORD
from shared import identity
from shared.runtime import Runtime

GENERATIONS = metadata.tables[identity.GENERATIONS]


def _events(runtime: Runtime) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    with runtime.db.unit_of_work() as session:
        rows = session.execute(select(outbox.c.routing_key, outbox.c.body).order_by(outbox.c.id)).all()
    return [(key, json.loads(body)["payload"]) for key, body in rows]


def test_create_hashes_with_argon2_and_announces_the_user(runtime: Runtime) -> None:
    with runtime.db.unit_of_work() as session:
        user = accounts.create(
            session, email=" Aliya@Example.KZ ", password=PASSWORD, role="regional_member", scope="almaty",
            name="Әлия Нұрғалиқызы", language="kk", college="ALM-001",
        )  # fmt: skip
        user_id = user.id
    with runtime.db.unit_of_work() as session:
        stored = session.get(User, user_id)
        assert stored.email == "aliya@example.kz" and stored.password_hash.startswith("$argon2id$")
        assert PASSWORD not in stored.password_hash
        assert session.execute(select(GENERATIONS.c.generation)).scalar_one() == 1
    [(key, payload)] = _events(runtime)
    assert key == "user.changed.almaty"
    assert payload == {
        "user_id": user_id, "generation": 1, "email": "aliya@example.kz", "name": "Әлия Нұрғалиқызы",
        "role": "regional_member", "scope": "almaty", "language": "kk", "college": "ALM-001",
        "last_name": None, "first_name": None, "patronymic": None,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        ("regional_member", "national"),
        ("admin", "almaty"),
        ("national_chair", "atlantis"),
        ("king", "national"),
    ],
)
def test_a_role_with_the_wrong_scope_is_refused(runtime: Runtime, role: str, scope: str) -> None:
    with runtime.db.unit_of_work() as session, pytest.raises(accounts.AccountError):
        accounts.create(session, email="x@example.kz", password=PASSWORD, role=role, scope=scope)


def test_a_short_password_and_a_second_account_for_one_email_are_refused(runtime: Runtime) -> None:
    with runtime.db.unit_of_work() as session:
        with pytest.raises(accounts.AccountError, match="characters"):
            accounts.create(session, email="a@example.kz", password="short", role="admin", scope="national")
        accounts.create(session, email="a@example.kz", password=PASSWORD, role="admin", scope="national")
        with pytest.raises(accounts.AccountError, match="exists"):
            accounts.create(session, email="A@example.kz", password=PASSWORD, role="admin", scope="national")


def test_reset_and_disable_bump_the_generation_everywhere(runtime: Runtime) -> None:
    with runtime.db.unit_of_work() as session:
        accounts.create(
            session, email="chair@example.kz", password=PASSWORD, role="national_chair", scope="national"
        )
    with runtime.db.unit_of_work() as session:
        accounts.reset(session, "chair@example.kz", "another long password")
    with runtime.db.unit_of_work() as session:
        accounts.disable(session, "chair@example.kz")
    keys = [key for key, _ in _events(runtime)]
    assert keys == ["user.changed.astana", "user.changed.astana", "user.disabled.astana"]
    assert _events(runtime)[-1][1]["generation"] == 3
    with runtime.db.unit_of_work() as session:
        assert session.execute(select(GENERATIONS.c.generation, GENERATIONS.c.disabled)).one() == (3, True)
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["user.created", "user.reset", "user.disabled"]
        assert accounts.authenticate(session, "chair@example.kz", "another long password") is None


def test_authenticate_takes_the_right_password_only(runtime: Runtime) -> None:
    with runtime.db.unit_of_work() as session:
        accounts.create(session, email="m@example.kz", password=PASSWORD, role="media", scope="national")
    with runtime.db.unit_of_work() as session:
        assert accounts.authenticate(session, "M@example.kz", PASSWORD) is not None
        assert accounts.authenticate(session, "m@example.kz", PASSWORD + "x") is None
        assert accounts.authenticate(session, "nobody@example.kz", PASSWORD) is None


def test_the_console_creates_issues_a_token_once_and_lists(runtime: Runtime, tmp_path: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(
        cli,
        ["users", "create", "--email", "admin@example.kz", "--role", "admin", "--scope", "national",
         "--name", "Бас әкімші", "--language", "kk"],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert PASSWORD not in created.output
    issued = runner.invoke(cli, ["users", "token", "--email", "admin@example.kz", "--days", "30"])
    assert issued.exit_code == 0, issued.output
    token = issued.output.strip().splitlines()[-1]
    caller = identity.read_token(runtime.settings.secret_key, token)
    assert caller is not None and (caller.role, caller.scope, caller.language) == ("admin", "national", "kk")
    listed = runner.invoke(cli, ["users", "list"]).output
    assert "admin@example.kz\tadmin\tnational\tkk" in listed and token not in listed
    bad = runner.invoke(
        cli,
        ["users", "create", "--email", "r@example.kz", "--role", "regional_chair", "--scope", "national"],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert bad.exit_code != 0 and "region code" in bad.output
    assert runner.invoke(cli, ["users", "disable", "--email", "admin@example.kz"]).exit_code == 0
    assert runner.invoke(cli, ["users", "token", "--email", "admin@example.kz"]).exit_code != 0


def test_update_changes_the_role_and_scope_and_ends_old_credentials(runtime: Runtime) -> None:
    runner = CliRunner()
    args = ["users", "create", "--email", "u@example.kz", "--role", "regional_member", "--scope", "almaty"]
    assert runner.invoke(cli, args, input=PASSWORD + "\n").exit_code == 0
    moved = runner.invoke(
        cli, ["users", "update", "--email", "u@example.kz", "--scope", "Shymkent", "--language", "en"]
    )
    assert moved.exit_code == 0, moved.output
    refused = runner.invoke(cli, ["users", "update", "--email", "u@example.kz", "--role", "admin"])
    assert refused.exit_code != 0 and "national" in refused.output
    (_, changed) = _events(runtime)[-1]
    assert (changed["scope"], changed["language"], changed["generation"]) == ("shymkent", "en", 2)


@pytest.mark.parametrize("data_dir_set", [True, False])
def test_users_refuses_to_start_an_empty_store_where_there_is_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_dir_set: bool
) -> None:
    """Typed outside the repository (or with the wrong TOP100_DATA_DIR), `users create` used to make a
    new, empty review database there and an account nobody could sign in with."""
    monkeypatch.delenv("REVIEW_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    if data_dir_set:
        monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path / "elsewhere"))
    else:
        monkeypatch.delenv("TOP100_DATA_DIR", raising=False)
    looked = tmp_path / ("elsewhere" if data_dir_set else "var") / "review.sqlite3"
    args = ["users", "create", "--email", "a@example.kz", "--role", "admin", "--scope", "national"]
    refused = CliRunner().invoke(cli, args, input=PASSWORD + "\n")
    assert refused.exit_code == 1, refused.output
    assert f"no review database at {looked}" in refused.output
    assert "TOP100_DATA_DIR" in refused.output and "./scripts/run" in refused.output
    assert not looked.exists() and not looked.parent.exists()
    assert CliRunner().invoke(cli, ["users", "list"]).exit_code == 1
