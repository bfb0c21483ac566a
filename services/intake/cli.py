"""Intake's operator commands for the `top100` console script: portal keys, reference data, calendar.

Each command migrates intake's database first (idempotent), so it works on a fresh data folder.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from services.intake.bootstrap import SERVICE, build
from services.intake.operations import calendar as calendars
from services.intake.operations import keys as portal_keys
from services.intake.operations import refdata as reference
from shared import migrate
from shared.clock import KAZAKHSTAN
from shared.listings import echo_rows
from shared.runtime import Runtime


def _runtime() -> Runtime:
    runtime = build()
    migrate.upgrade(SERVICE, runtime.settings.database_url)
    return runtime


@click.group("keys")
def keys() -> None:
    """Regional portals' API keys."""


@keys.command("issue")
@click.option("--region", required=True, help="region code, e.g. almaty")
@click.option("--sandbox", is_flag=True, help="validated like live, but kept apart and never published")
@click.option("--label", default=None, help="who the key is for")
def keys_issue(region: str, sandbox: bool, label: str | None) -> None:
    """Issue a key; it is printed once, alone on the last line, and only its hash is kept."""
    from shared.regions import resolve

    known = resolve(region)
    with _runtime().db.unit_of_work() as session:
        try:
            row, key = portal_keys.issue(
                session, known.code if known else region, sandbox=sandbox, label=label
            )
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(
        f"issued key {row.id} for region {row.region_code}{' (sandbox)' if sandbox else ''}; "
        "store it now, it is not shown again:"
    )
    click.echo(key)


@keys.command("list")
def keys_list() -> None:
    """Every key: id, region, kind, created, revoked."""
    with _runtime().db.unit_of_work() as session:
        rows = [
            (
                row.id,
                row.region_code,
                "sandbox" if row.sandbox else "live",
                f"{row.created_at:%Y-%m-%d %H:%M}",
                f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active",
                row.label,
            )
            for row in portal_keys.listing(session)
        ]
    echo_rows(rows, "no keys")


@keys.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id (the part before the dot, after `t100_`); it answers 401 from now on."""
    with _runtime().db.unit_of_work() as session:
        try:
            row = portal_keys.revoke(session, key_id.removeprefix("t100_").split(".")[0])
        except KeyError as exc:
            raise click.ClickException(f"no key {key_id!r}") from exc
    click.echo(f"revoked {row.id}")


@click.group("refdata")
def refdata() -> None:
    """Regions, colleges and the classifier of specialties."""


@refdata.command("load")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
def refdata_load(paths: tuple[Path, ...]) -> None:
    """Load regions, colleges and specialties CSV files (or folders of them); with no path, the demo
    set. Idempotent."""
    with _runtime().db.unit_of_work() as session:
        try:
            report = reference.load_paths(session, list(paths))
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    for line in report:
        click.echo(line)


@click.group("calendar")
def calendar() -> None:
    """The stage dates of a year."""


def _show(cal: object) -> None:
    for name in (
        "year",
        "internal_stage_ends",
        "submission_closes",
        "regional_stage_ends",
        "amendments_close",
        "republican_stage_starts",
    ):
        value = getattr(cal, name)
        if isinstance(value, datetime):
            value = value.astimezone(KAZAKHSTAN).isoformat()
        click.echo(f"{name}: {value}")


@calendar.command("show")
@click.option("--year", type=int, required=True)
def calendar_show(year: int) -> None:
    with _runtime().db.unit_of_work() as session:
        _show(calendars.calendar_for(session, year))


def _moment(value: str | None) -> datetime | None:
    """A deadline: `YYYY-MM-DD` (23:59:59 local) or an ISO datetime (local when it has no offset)."""
    if value is None:
        return None
    if len(value) == 10:
        return datetime.combine(
            date.fromisoformat(value), datetime.max.time().replace(microsecond=0), tzinfo=KAZAKHSTAN
        )
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=KAZAKHSTAN)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@calendar.command("set")
@click.option("--year", type=int, required=True)
@click.option("--internal-stage-ends", help="YYYY-MM-DD")
@click.option("--submission-closes", help="YYYY-MM-DD (23:59:59 Asia/Almaty) or an ISO datetime")
@click.option("--regional-stage-ends", help="YYYY-MM-DD")
@click.option("--amendments-close", help="YYYY-MM-DD (23:59:59 Asia/Almaty) or an ISO datetime")
@click.option("--republican-stage-starts", help="YYYY-MM-DD")
def calendar_set(
    year: int,
    internal_stage_ends: str | None,
    submission_closes: str | None,
    regional_stage_ends: str | None,
    amendments_close: str | None,
    republican_stage_starts: str | None,
) -> None:
    """Change some of a year's dates; the others keep their current (or default) values."""
    try:
        changes = {
            "internal_stage_ends": _day(internal_stage_ends),
            "submission_closes": _moment(submission_closes),
            "regional_stage_ends": _day(regional_stage_ends),
            "amendments_close": _moment(amendments_close),
            "republican_stage_starts": _day(republican_stage_starts),
        }
        with _runtime().db.unit_of_work() as session:
            cal = calendars.set_calendar(session, year, **{k: v for k, v in changes.items() if v is not None})
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    _show(cal)


@click.group("idempotency")
def idempotency() -> None:
    """Stored results of requests that carried an Idempotency-Key."""


@idempotency.command("purge")
@click.option("--older-than-hours", type=click.IntRange(min=24), default=48, show_default=True)
def idempotency_purge(older_than_hours: int) -> None:
    """Forget results older than the given age (the contract keeps them at least 24 hours)."""
    from datetime import timedelta

    from services.intake.operations import idempotency as records
    from shared import clock

    with _runtime().db.unit_of_work() as session:
        removed = records.purge(session, clock.utcnow() - timedelta(hours=older_than_hours))
    click.echo(f"purged {removed} idempotency records")


COMMANDS = (keys, refdata, calendar, idempotency)
