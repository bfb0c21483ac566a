"""Review's operator commands for the `top100` console script: people's accounts, and the public
vote's counts (rebuilt from the votes; the snapshot at the close).

Passwords come from standard input (one line; a terminal is asked twice without echo), never from
the command line, where `ps` and the shell's history would keep them. Each command migrates review's
database first (idempotent), but in the embedded mode only a database that exists: `top100 run` (or
`top100 migrate review`) makes it, so an account is never created in a stray folder by mistake.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from services.review.bootstrap import SERVICE, build
from services.review.operations import Refused, accounts, counts
from shared import clock, config, identity, migrate
from shared.i18n import LANGUAGES
from shared.listings import echo_rows
from shared.runtime import Runtime


def _runtime() -> Runtime:
    runtime = build()
    migrate.upgrade(SERVICE, runtime.settings.database_url)
    return runtime


@contextmanager
def _accounts(runtime: Runtime | None = None) -> Iterator[Session]:
    """A unit of work on the accounts; an account the rules refuse (`accounts.AccountError`) ends the
    command with its reason and status 1, and nothing of it is kept."""
    try:
        with (runtime or _runtime()).db.unit_of_work() as session:
            yield session
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc


def _password() -> str:
    if sys.stdin.isatty():
        return str(click.prompt("password", hide_input=True, confirmation_prompt=True))
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.ClickException("no password on standard input")
    return line


def _require_store() -> None:
    """Refuse to start a new, empty review database where the operator meant the running system's.

    `top100` finds the embedded stores under `TOP100_DATA_DIR`, else `./var` of the current folder;
    typed in another folder, `users create` would otherwise make an account nobody can sign in with.
    A configured database (`REVIEW_DATABASE_URL`) is migrated as before.
    """
    if config.configured(SERVICE):
        return
    path = config.embedded_database(SERVICE)
    if path.exists():
        return
    where = (
        f"TOP100_DATA_DIR={os.environ['TOP100_DATA_DIR']}"
        if os.environ.get("TOP100_DATA_DIR", "").strip()
        else f"TOP100_DATA_DIR is not set, so ./var under {Path.cwd()}"
    )
    raise click.ClickException(
        f"no review database at {path} ({where}). Run this command at the repository root, or set "
        "TOP100_DATA_DIR to the data dir `top100 run` uses; on a new data dir start `./scripts/run` "
        "(or `top100 migrate review`) once first."
    )


@click.group("users")
def users() -> None:
    """People's accounts: commission members and chairs, the media team, administrators.

    The accounts live in review's database under TOP100_DATA_DIR (default ./var of the current
    folder); a command refuses to run where there is none yet.
    """
    _require_store()


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(identity.ROLES))
@click.option("--scope", required=True, help="a region code for regional roles, else national")
@click.option(
    "--name", default=None, help="as shown on pages, whole (default: the parts, else the email's local part)"
)
@click.option(
    "--last-name", default=None, help="the name in parts, which letters greet by (with --first-name)"
)
@click.option("--first-name", default=None, help="the given name")
@click.option("--patronymic", default=None, help="the patronymic, where there is one")
@click.option("--language", default="ru", show_default=True, type=click.Choice(LANGUAGES))
@click.option("--college", default=None, help="the college code a member is attached to")
def users_create(**fields: Any) -> None:
    """Create an account; its password is read from standard input."""
    # The options are the account's fields, by `accounts.create`'s names; it checks them.
    password = _password()
    with _accounts() as session:
        user = accounts.create(session, password=password, **fields)
        click.echo(f"created {user.email} ({user.role}, {user.scope}) id {user.id}")


@users.command("reset")
@click.option("--email", required=True)
def users_reset(email: str) -> None:
    """Set a new password (from standard input); every session and token of the user ends."""
    password = _password()
    with _accounts() as session:
        user = accounts.reset(session, email, password)
        click.echo(f"new password for {user.email}; their sessions and tokens are ended")


@users.command("token")
@click.option("--email", required=True)
@click.option("--days", default=identity.TOKEN_LIFETIME.days, show_default=True, type=click.IntRange(1, 366))
def users_token(email: str, days: int) -> None:
    """Issue a personal API token; it is printed once, alone on the last line, and kept nowhere."""
    runtime = _runtime()
    with _accounts(runtime) as session:
        token = accounts.issue_token(session, email, runtime.settings.secret_key, days)
    click.echo(
        f"token for {accounts.normal_email(email)}, valid {days} days or until their next change; "
        "store it now, it is not shown again:"
    )
    click.echo(token)


@users.command("update")
@click.option("--email", required=True)
@click.option("--name", default=None, help="the whole name; it replaces the parts")
@click.option("--last-name", default=None)
@click.option("--first-name", default=None)
@click.option("--patronymic", default=None, help="an empty string removes it")
@click.option("--role", default=None, type=click.Choice(identity.ROLES))
@click.option("--scope", default=None)
@click.option("--language", default=None, type=click.Choice(LANGUAGES))
@click.option("--college", default=None, help="a college code; an empty string detaches the member")
def users_update(email: str, **given: str | None) -> None:
    """Change a user's name (whole, or its parts), role, scope, language or college; their sessions
    and tokens end."""
    # The options but the email are the fields `accounts.update` changes, by its names.
    changes = {key: value for key, value in given.items() if value is not None}
    if not changes:
        raise click.UsageError("nothing to change")
    with _accounts() as session:
        user = accounts.update(session, email, **changes)
        click.echo(f"updated {user.email} ({user.role}, {user.scope}, {user.language})")


@users.command("disable")
@click.option("--email", required=True)
def users_disable(email: str) -> None:
    """Disable an account: it may not sign in, and its sessions and tokens stop working everywhere."""
    with _accounts() as session:
        user = accounts.disable(session, email)
        click.echo(f"disabled {user.email}")


@users.command("list")
def users_list() -> None:
    """Every account: email, role, scope, language, college, state."""
    with _runtime().db.unit_of_work() as session:
        rows = [
            (u.email, u.role, u.scope, u.language, u.college, "disabled" if u.disabled else "active", u.name)
            for u in accounts.listing(session)
        ]
    echo_rows(rows, "no users; create the first administrator with `top100 users create --role admin`")


@click.group("votes")
def votes() -> None:
    """The public vote's counts: what the worker does on its clock, on demand."""
    _require_store()


@votes.command("recount")
@click.argument("contest", required=False)
def votes_recount(contest: str | None) -> None:
    """Rebuild the display counts of CONTEST (default: every contest open now) from its current
    votes: they are exact again. The votes themselves are never changed."""
    runtime = _runtime()
    with runtime.db.unit_of_work() as session:
        due = [contest] if contest else counts.due_for_recount(session, clock.utcnow())
    for contest_id in due:
        try:
            with runtime.db.unit_of_work() as session:
                counted = counts.recount(session, contest_id, clock.utcnow())
        except Refused as exc:
            raise click.ClickException(f"{contest_id}: {exc.code}") from exc
        click.echo(f"{contest_id}\t{sum(counted.values())} votes\t{len(counted)} candidates")


@votes.command("snapshot")
@click.argument("contest")
def votes_snapshot(contest: str) -> None:
    """Take CONTEST's snapshot now (after its close; a second time prints the first one)."""
    try:
        with _runtime().db.unit_of_work() as session:
            taken = counts.take_snapshot(session, contest, clock.utcnow())
            click.echo(f"{contest}\t{taken.taken_at.isoformat()}\tsha256 {taken.sha256}")
            for candidate, count in taken.rows:
                click.echo(f"{candidate},{count}")
    except Refused as exc:
        raise click.ClickException(f"{contest}: {exc.code}") from exc


COMMANDS = (users, votes)
