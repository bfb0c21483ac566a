"""`top100`, the one console script: run the system, a worker, migrations and the operator's tasks.

The commands and their options are the operator's interface (docs/operations.md): people and scripts
rely on them, so they change only additively. The services contribute their own command groups
(`keys`, `refdata`, `calendar`, ...) as `COMMANDS` in `services/<svc>/cli.py`; this module wires
them in.
"""

from __future__ import annotations

import base64
import dataclasses
import fcntl
import hashlib
import importlib
import importlib.util
import json
import os
import signal
import socket
import sys
import threading
import urllib.parse
import urllib.request
from pathlib import Path
from typing import IO

import click

from services import demo, runner
from shared import config, logs, migrate, topology
from shared.regions import parse_region_list


def _pin_data_dir() -> Path:
    """Make TOP100_DATA_DIR absolute in our environment, so every child we start agrees on it."""
    root = config.data_dir()
    root.mkdir(parents=True, exist_ok=True)
    os.environ["TOP100_DATA_DIR"] = str(root)
    return root


def _services(spec: str | None) -> tuple[str, ...]:
    if not spec:
        return config.SERVICES
    chosen = tuple(dict.fromkeys(part.strip() for part in spec.split(",") if part.strip()))
    unknown = [name for name in chosen if name not in config.SERVICES]
    if unknown or not chosen:
        known = ", ".join(config.SERVICES)
        named = ", ".join(unknown) or repr(spec)
        raise click.BadParameter(f"unknown service(s) {named}; expected some of {known}")
    return chosen


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """TOP 100: intake, review, media and notify. Embedded mode unless the environment says otherwise."""


@cli.command("migrate")
@click.argument("services", nargs=-1)
def migrate_command(services: tuple[str, ...]) -> None:
    """Bring the databases of SERVICES (all by default) to the newest revision."""
    _pin_data_dir()
    logs.configure("migrate")
    for service in _services(",".join(services)):
        migrate.upgrade(service, config.load(service).database_url)
        click.echo(f"{service}: database at the newest revision")


#: Deliveries a worker holds per queue: events take milliseconds, so a few in hand keep it busy.
PREFETCH = 10
#: A photo takes about a second of CPU: one in hand, so that a photo waits for the first free worker
#: rather than behind a busy one, and a killed worker gives back one photo, not ten.
PHOTO_PREFETCH = 1


@cli.command("worker")
@click.argument("service", type=click.Choice(config.SERVICES))
@click.option(
    "--regions", default=None, help="almaty,shymkent or all  [default: the bus's, TOP100_BUS_REGIONS]"
)
@click.option("--exclude-regions", default="", help="regions to leave to dedicated workers, e.g. almaty")
@click.option("--no-relay", is_flag=True, help="do not publish this service's outbox from this process")
@click.option(
    "--queues",
    type=click.Choice(("all", *topology.LANES)),
    default="all",
    show_default=True,
    help="media: `photos` (nomination.*, the photo work) or `events` (the rest) only",
)
@click.option(
    "--prefetch",
    type=click.IntRange(1, 1000),
    default=None,
    help=f"deliveries in hand per queue [default: {PHOTO_PREFETCH} for --queues photos, else {PREFETCH}]",
)
def worker_command(
    service: str, regions: str | None, exclude_regions: str, no_relay: bool, queues: str, prefetch: int | None
) -> None:
    """Consume SERVICE's events for a set of regions (and relay its outbox)."""
    _pin_data_dir()
    logs.configure(service, f"{service}-worker")
    try:
        wanted = config.bus_regions() if regions is None else parse_region_list(regions)
        excluded = set(parse_region_list(exclude_regions)) if exclude_regions.strip() else set()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--regions/--exclude-regions") from exc
    chosen = tuple(code for code in wanted if code not in excluded)
    if not chosen:
        raise click.BadParameter("no region left to consume", param_hint="--regions/--exclude-regions")
    from shared.memory import limit_arenas, retain_freed_memory
    from shared.worker import run_worker

    retain_freed_memory()  # media's photos: 15% less CPU each, see shared/memory.py
    if service == "media":
        limit_arenas()  # libvips' threads: a bounded resident set per worker (MALLOC_ARENA_MAX)
    runtime = importlib.import_module(f"services.{service}.bootstrap").build()
    entrypoints = importlib.import_module(f"services.{service}.handlers")
    handlers, chores = entrypoints.HANDLERS, getattr(entrypoints, "CHORES", ())
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda _signum, _frame: stop.set())
    lanes = topology.LANES if queues == "all" else (queues,)
    if prefetch is None:
        prefetch = PHOTO_PREFETCH if lanes == ("photos",) else PREFETCH
    run_worker(
        runtime,
        handlers,
        chosen,
        stop=stop,
        with_relay=not no_relay,
        chores=chores,
        lanes=lanes,
        prefetch=prefetch,
    )


@cli.command("relay")
@click.argument("service", type=click.Choice(config.SERVICES))
def relay_command(service: str) -> None:
    """Publish SERVICE's outbox, as a process of its own (its workers then run with --no-relay).

    A worker in a crash loop (a handler that keeps hanging) would otherwise stop its service's
    events from going out too; on PostgreSQL several relays of one service may run at once.
    """
    _pin_data_dir()
    logs.configure(service)
    from shared.relay import Relay

    runtime = importlib.import_module(f"services.{service}.bootstrap").build()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda _signum, _frame: stop.set())
    Relay(runtime.db, runtime.settings.broker_url, batch=runtime.settings.relay_batch).run(stop)


def _free_ports(services: tuple[str, ...], settings: dict[str, config.Settings]) -> dict[str, int]:
    """Each web server's port (review's public process group too), refusing to start on a busy one."""
    ports = {service: settings[service].port for service in services}
    if "review" in services:  # review's public process group (the vote, the gallery)
        ports["review-public"] = config.web_port("review-public")
    busy = [
        f"{s} {port} (set {s.upper().replace('-', '_')}_PORT)"
        for s, port in ports.items()
        if not _port_free(port)
    ]
    if busy:
        raise click.ClickException(f"port(s) in use: {', '.join(busy)}. Is another `top100 run` still up?")
    return ports


@cli.command("run")
@click.option("--only", default=None, help="a subset of services, e.g. intake,review")
def run_command(only: str | None) -> None:
    """Migrate, then run every service's web server and worker until Ctrl-C."""
    services = _services(only)
    root = _pin_data_dir()
    logs.configure("top100")
    lock = _lock_data_dir(root)
    settings = {service: config.load(service) for service in services}
    ports = _free_ports(services, settings)
    for service in services:
        migrate.upgrade(service, settings[service].database_url)
    runner.say(f"data dir {root}; broker {_without_password(config.broker_url())}")
    demo_key = demo.seed(root, _invoke) if demo.wanted(services) else None
    nobody = "review" in services and _nobody_signs_in(settings["review"])
    supervisor = runner.Supervisor(runner.child_specs(services))
    waiting = {service: f"http://127.0.0.1:{port}/" for service, port in ports.items()}

    def ready() -> bool:
        """Say each service's URL as soon as it answers, so a slow one shows which it is."""
        for service, url in list(waiting.items()):
            if _answers(url + "healthz"):
                runner.say(f"{service:<13} ready at {url}")
                del waiting[service]
        return not waiting

    def announce() -> None:
        if demo_key is not None:
            kept = demo.keep(root, demo_key)
            runner.say(
                f"demo portal key for region almaty (shown this once, kept in {kept}; "
                "`top100 keys issue --region almaty` makes another):"
            )
            click.echo(demo_key)
        if nobody:
            runner.say(
                f"nobody can sign in yet: create the first administrator with `{FIRST_USER_COMMAND}` "
                f"(it asks for a password), then sign in at {settings['review'].login_url}"
            )
        runner.say("all services answer; this runs until Ctrl-C: type other commands in another terminal")
        if logs.log_format() == "json":  # no terminal: the lines above are lost among the logs
            urls = {service: f"http://127.0.0.1:{settings[service].port}/" for service in services}
            runner.say(demo.summary(root, urls))

    status = supervisor.run(ready, announce)
    lock.close()
    sys.exit(status)


#: What `top100 run` suggests while review has no account: no default user, no default password.
FIRST_USER_COMMAND = ".venv/bin/top100 users create --email you@example.kz --role admin --scope national"


def _nobody_signs_in(settings: config.Settings) -> bool:
    """Whether review has no account yet (a fresh data folder)."""
    from services.review import bootstrap
    from services.review.operations import accounts

    runtime = bootstrap.build(settings)
    try:
        with runtime.db.unit_of_work() as session:
            return not accounts.listing(session)
    finally:
        runtime.db.dispose()


def _lock_data_dir(root: Path) -> IO[str]:
    """One `top100 run` per data dir: two would share SQLite files and the broker's folder."""
    handle = (root / "run.lock").open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        handle.close()
        raise click.ClickException(
            f"another `top100 run` is using {root}; stop it or set TOP100_DATA_DIR"
        ) from exc
    return handle


def _without_password(url: str) -> str:
    """A broker URL fit for a terminal or a log: the password replaced by ***."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _invoke(*args: str) -> None:
    """Run one of our own commands in this process, as an operator would type it."""
    cli.main(list(args), prog_name="top100", standalone_mode=False)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=0.5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@cli.group("parked")
def parked() -> None:
    """Messages a service could not handle, kept on its parking queue until replayed."""


@parked.command("list")
@click.option("--service", type=click.Choice(config.SERVICES), default=None)
def parked_list(service: str | None) -> None:
    """Show parked messages, one JSON object a line (id, service, queue, type, region, reason)."""
    from shared.parking import list_parked

    _pin_data_dir()
    rows = list_parked(config.broker_url(), service)
    for row in rows:
        click.echo(json.dumps(dataclasses.asdict(row), ensure_ascii=False, default=str))
    click.echo(f"{len(rows)} parked message(s)", err=True)


@parked.command("replay")
@click.argument("message_id", required=False)
@click.option("--all", "replay_all", is_flag=True, help="replay every parked message of the service(s)")
@click.option("--service", type=click.Choice(config.SERVICES), default=None)
def parked_replay(message_id: str | None, replay_all: bool, service: str | None) -> None:
    """Send a parked message (or --all) back to its queue."""
    from shared.parking import replay

    if bool(message_id) == replay_all:
        raise click.UsageError("give a message id or --all (not both)")
    _pin_data_dir()
    total = 0
    for name in (service,) if service else config.SERVICES:
        total += replay(config.broker_url(), name, None if replay_all else message_id)
    click.echo(f"replayed {total} message(s)")
    if message_id and total == 0:
        raise click.ClickException(f"no parked message with id {message_id}")


@cli.group("topology")
def topology_group() -> None:
    """The broker's exchanges, queues and bindings (one declarative source: shared.topology)."""


@topology_group.command("export")
@click.option("--demo-user", is_flag=True, help="add the docker compose demo user top100/top100")
def topology_export(demo_user: bool) -> None:
    """Print the RabbitMQ definitions document (`deploy/rabbitmq/definitions.json` is `--demo-user`)."""
    click.echo(json.dumps(definitions_document(demo_user), indent=2, ensure_ascii=False))


def definitions_document(demo_user: bool) -> dict:
    """The topology, plus what a node importing it at boot lacks: RabbitMQ then seeds no vhost or user."""
    from shared.topology import rabbitmq_definitions

    document = {"vhosts": [{"name": "/"}], **rabbitmq_definitions(config.load("intake").retry_delays)}
    if demo_user:
        document["users"] = [
            {
                "name": DEMO_USER,
                "password_hash": _rabbit_hash(DEMO_USER),
                "hashing_algorithm": "rabbit_password_hashing_sha256",
                "tags": "administrator",
            }
        ]
        document["permissions"] = [
            {"user": DEMO_USER, "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"}
        ]
    return document


#: The compose demo's broker account (user = password); production imports its own users.
DEMO_USER = "top100"


def _rabbit_hash(password: str) -> str:
    """RabbitMQ's salted SHA-256 password hash, with a fixed salt so the committed file is reproducible."""
    salt = b"t100"
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


@topology_group.command("declare")
def topology_declare() -> None:
    """Declare the whole topology on the configured broker (idempotent)."""
    from shared import broker

    _pin_data_dir()
    url = config.broker_url()
    with broker.connection(url) as connection:
        broker.declare_all(connection, config.load("intake").retry_delays)
    click.echo(f"declared the topology on {_without_password(url)}")


def _attach_service_commands() -> None:
    """Add the commands each service lists in `services/<svc>/cli.py` as `COMMANDS`."""
    for service in config.SERVICES:
        module_name = f"services.{service}.cli"
        if importlib.util.find_spec(module_name) is None:
            continue
        for command in importlib.import_module(module_name).COMMANDS:
            cli.add_command(command)


_attach_service_commands()


def main() -> None:
    cli(prog_name="top100")


if __name__ == "__main__":
    main()
