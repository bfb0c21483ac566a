"""Notify's commands: `top100 reminders run --at ISO`, the calendar's reminders by hand (drills)."""

from __future__ import annotations

from datetime import datetime

import click

from services.notify import bootstrap
from services.notify.operations import reminders, sending
from services.notify.operations.providers import delivery_for


@click.group("reminders")
def reminders_group() -> None:
    """The calendar's reminders and the commissions' digest."""


@reminders_group.command("run")
@click.option("--at", "at", required=True, help="The moment to run them as, ISO 8601 with an offset.")
def run_command(at: str) -> None:
    """Record and send the reminders and digest due at AT (each once per recipient and day)."""
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        raise click.BadParameter("give an offset, e.g. 2026-10-02T09:00:00+05:00", param_hint="--at")
    runtime = bootstrap.build()
    try:
        with runtime.db.unit_of_work() as session:
            keys = reminders.run(session, moment)
        sending.send_due(runtime.db, delivery_for(runtime.settings))
    finally:
        runtime.db.dispose()
    click.echo("\n".join(keys) if keys else "nothing due then")


COMMANDS = (reminders_group,)
