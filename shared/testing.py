"""Test support shared by every test tree: the real servers of the development machines, isolated.

Integration tests run against the RabbitMQ and PostgreSQL on 127.0.0.1. A test is skipped only when
its server is truly unreachable, and then loudly; with `TOP100_REQUIRE_SERVERS=1` (set by
`scripts/test` in CI) an unreachable server fails the test instead, so CI cannot go green by
skipping. Isolation: a scratch PostgreSQL database and a scratch RabbitMQ vhost per use, dropped
afterwards (the topology's names are fixed, so a vhost is what keeps two runs apart).

`all_logs` and `personal_data_in` are for tests that provoke errors and check that nothing a person
can be identified by reached a log.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import importlib
import io
import json
import logging
import os
import queue
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from shared import migrate
from shared.config import Settings
from shared.runtime import Runtime

POSTGRES = ("127.0.0.1", 5432)
RABBITMQ = ("127.0.0.1", 5672)


def free_ports(count: int = 1) -> list[int]:
    """`count` distinct TCP ports free on 127.0.0.1 now (all held at once while asking, so distinct)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def full_profile() -> bool:
    """Whether the long profiles run: every order of a nomination's events, the long fault run.

    `./scripts/test --full` sets `TOP100_FULL=1` (the root `conftest.py`), which does the same from
    anywhere; the default suite runs the quick profiles, which still try each kind of fault and of
    reordering at least once.
    """
    return os.environ.get("TOP100_FULL") == "1"


def reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


def server_unavailable(message: str) -> None:
    """Skip (loudly) or, where servers are required, fail."""
    if os.environ.get("TOP100_REQUIRE_SERVERS") == "1":
        pytest.fail(f"{message} (TOP100_REQUIRE_SERVERS=1)")
    pytest.skip(f"SKIPPED LOUDLY: {message}")


def require_tool(command: str, package: str, what: str) -> None:
    """Skip (loudly) or, where servers are required, fail when `command` is not on the PATH."""
    if shutil.which(command) is None:
        server_unavailable(f"{command.upper()} NOT FOUND ({package}): {what}")


def require(name: str, address: tuple[str, int]) -> None:
    if not reachable(address):
        server_unavailable(f"{name} UNREACHABLE at {address[0]}:{address[1]}: integration test not run")


def postgres_admin(sql: str) -> None:
    import psycopg

    dsn = f"host={POSTGRES[0]} port={POSTGRES[1]} user=postgres dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql)


def _postgres_url(name: str) -> str:
    return f"postgresql+psycopg://postgres@{POSTGRES[0]}:{POSTGRES[1]}/{name}"


@contextmanager
def scratch_postgres(prefix: str = "top100_test", template: str | None = None) -> Iterator[str]:
    """A fresh PostgreSQL database (a copy of `template` if named); yields its SQLAlchemy URL and
    drops it afterwards."""
    require("POSTGRESQL", POSTGRES)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    postgres_admin(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    try:
        yield _postgres_url(name)
    finally:
        postgres_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


#: Per service, a database of this process migrated to head once, copied for each test; and for
#: SQLite a migrated file, copied likewise. Alembic's run of a service's whole history costs 0.3-2 s
#: a time on the test machine and some hundred tests want a fresh migrated database.
_POSTGRES_TEMPLATES: dict[str, str] = {}
_SQLITE_TEMPLATES: dict[str, Path] = {}


def _postgres_template(service: str) -> str:
    """The name of this process's migrated template database of `service`, made on first use and
    dropped when the process ends (a template must have no connection while it is copied)."""
    if service not in _POSTGRES_TEMPLATES:
        name = f"top100_template_{service}_{uuid.uuid4().hex[:10]}"
        postgres_admin(f"CREATE DATABASE {name}")
        _POSTGRES_TEMPLATES[service] = name
        if len(_POSTGRES_TEMPLATES) == 1:
            atexit.register(drop_templates)
        migrate.upgrade(service, _postgres_url(name))
    return _POSTGRES_TEMPLATES[service]


def drop_templates() -> None:
    """Drop this process's template databases (the root `conftest.py` calls it at the session's end;
    `atexit` again in case the session did not end normally)."""
    while _POSTGRES_TEMPLATES:
        _service, name = _POSTGRES_TEMPLATES.popitem()
        with contextlib.suppress(Exception):  # a server gone by now has dropped nothing to keep
            postgres_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, or None for another database or an in-memory one."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or ":memory:" in url:
        return None
    return Path(url.removeprefix(prefix))


def _upgraded(service: str, url: str) -> None:
    """`migrate.upgrade(service, url)`, except that a SQLite file not made yet is copied from this
    process's migrated template (Alembic's result, made by Alembic once)."""
    target = _sqlite_file(url)
    if target is None or target.exists():
        migrate.upgrade(service, url)
        return
    if service not in _SQLITE_TEMPLATES:
        folder = Path(tempfile.mkdtemp(prefix=f"top100-template-{service}-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        migrate.upgrade(service, f"sqlite:///{folder / 'template.sqlite3'}")
        _SQLITE_TEMPLATES[service] = folder / "template.sqlite3"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_SQLITE_TEMPLATES[service], target)


def rabbitmqctl(
    *args: str, stdin: str | None = None, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run `rabbitmqctl` in a process group of its own, and kill the whole group on a time-out.

    rabbitmqctl is a script that starts an Erlang VM; a plain `subprocess.run(timeout=)` kills the
    script but leaves the VM holding one of the eleven ports (35672-35682) the CLI tools may use,
    and once eleven are stuck every later call fails with `nodistribution`.
    """
    proc = subprocess.Popen(
        ["rabbitmqctl", *args],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        # A process that left the group (epmd, a detached VM) may still hold the pipes: read what is
        # there for a moment, then give up on them rather than wait for it forever.
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.communicate(timeout=5)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
        raise
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # whatever the script left behind
    done = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
    if check:
        done.check_returncode()
    return done


@contextmanager
def scratch_vhost(prefix: str = "top100_test") -> Iterator[str]:
    """A fresh RabbitMQ vhost (guest may use it); yields its AMQP URL and deletes it afterwards.

    Each `rabbitmqctl` starts an Erlang VM (1-4 s on the test machine), so the vhost and guest's
    permissions are made by one `import_definitions`, and the vhost is deleted by a thread of this
    process while the next test runs (`vhosts_deleted` waits for those deletions).
    """
    require("RABBITMQ", RABBITMQ)
    if shutil.which("rabbitmqctl") is None:
        server_unavailable("rabbitmqctl not available: cannot create an isolated vhost")
    vhost = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = f"amqp://guest:guest@{RABBITMQ[0]}:{RABBITMQ[1]}/{vhost}"
    guest = {"user": "guest", "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"}
    definitions = {"vhosts": [{"name": vhost}], "permissions": [guest]}
    try:
        rabbitmqctl("import_definitions", "--format", "json", stdin=json.dumps(definitions))
        _wait_until_open(url)
        yield url
    finally:
        _delete_vhost_later(vhost)


def _wait_until_open(url: str, seconds: float = 30) -> None:
    """Return once guest can open a connection to the vhost of `url` (the CLI calls a definitions
    import asynchronous; on the brokers here it is done when the command returns, which this checks)."""
    import time

    import pika

    deadline = time.monotonic() + seconds
    while True:
        try:
            pika.BlockingConnection(pika.URLParameters(url)).close()
            return
        except pika.exceptions.AMQPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


_DOOMED_VHOSTS: queue.Queue[str] = queue.Queue()
_DELETER: list[threading.Thread] = []


def _delete_vhosts() -> None:
    while True:
        vhost = _DOOMED_VHOSTS.get()
        try:
            rabbitmqctl("delete_vhost", vhost, check=False)
        except Exception:  # a broker gone or a CLI that timed out: the vhost is the operator's to drop
            logging.getLogger(__name__).warning("could not delete the scratch vhost %s", vhost)
        finally:
            _DOOMED_VHOSTS.task_done()


def _delete_vhost_later(vhost: str) -> None:
    """Delete `vhost` in this process's deleting thread (one `rabbitmqctl` at a time)."""
    if not _DELETER:
        _DELETER.append(threading.Thread(target=_delete_vhosts, name="scratch-vhost-deleter", daemon=True))
        _DELETER[0].start()
        atexit.register(vhosts_deleted)
    _DOOMED_VHOSTS.put(vhost)


def vhosts_deleted() -> None:
    """Wait until every scratch vhost this process left has been deleted (the root `conftest.py`
    calls it at the session's end)."""
    _DOOMED_VHOSTS.join()


@contextmanager
def migrated_runtime(service: str, settings: Settings) -> Iterator[Runtime]:
    """The service wired to `settings`, its database migrated to head with Alembic (not create_all);
    a new SQLite file is a copy of a template Alembic migrated once in this process."""
    bootstrap = importlib.import_module(f"services.{service}.bootstrap")
    _upgraded(service, settings.database_url)
    runtime = bootstrap.build(settings)
    try:
        yield runtime
    finally:
        runtime.db.dispose()


@contextmanager
def postgres_runtime(service: str, settings: Settings) -> Iterator[Runtime]:
    """`migrated_runtime` on a scratch PostgreSQL database (integration tests)."""
    with (
        scratch_postgres(f"top100_test_{service}", _postgres_template(service)) as url,
        migrated_runtime(service, dataclasses.replace(settings, database_url=url)) as runtime,
    ):
        yield runtime


def _spellings(value: str | date) -> set[str]:
    """The ways a log may spell one personal value: a date as ISO, `dd.mm.yyyy` and Python's repr;
    a phone with and without `+` and as its last ten digits; text as it is and case-folded."""
    if isinstance(value, date):
        return {value.isoformat(), f"{value:%d.%m.%Y}", repr(value)}
    spellings = {value, value.casefold()}
    if value.startswith("+") and value[1:].isdigit():
        spellings |= {value[1:], value[-10:]}
    return spellings


def _readable(text: str) -> str:
    r"""`text` with every JSON line's strings decoded too: a JSON log writes `Әлихан` as `\u04d8...`."""
    decoded = [text]
    for line in text.splitlines():
        try:
            document = json.loads(line)
        except ValueError:
            continue
        decoded.append(json.dumps(document, ensure_ascii=False))
    return "\n".join(decoded)


def personal_data_in(text: str, values: Iterable[str | date]) -> list[str]:
    """Which of `values` (IINs, names, birth dates, emails, phones of a test corpus) `text` shows.

    For tests that provoke errors and then scan everything the processes logged: an empty list is the
    pass. Each value is looked for in the spellings a log or a traceback would use, in the raw text and
    in JSON log lines decoded (non-ASCII letters are escaped there).
    """
    haystack = _readable(text)
    folded = haystack.casefold()
    return sorted(
        str(value)
        for value in values
        if any(spelling in haystack or spelling.casefold() in folded for spelling in _spellings(value))
    )


@contextmanager
def all_logs() -> Iterator[io.StringIO]:
    """Every log record of this process while the block runs, DEBUG and up, tracebacks included.

    A handler on the root logger at DEBUG; SQLAlchemy's engine log (what `echo` prints) is switched on
    too, so a test also sees what a debugging operator would. The previous levels come back after.
    """
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root, engine = logging.getLogger(), logging.getLogger("sqlalchemy.engine")
    levels = root.level, engine.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    engine.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        engine.setLevel(levels[1])


def _made_up(role: str, scope: str, via: str, changes: dict[str, object]) -> Any:
    """A made-up user of `role` and `scope` as an `Identity`; `changes` set any other field."""
    from datetime import timedelta

    from shared import clock, identity

    who = identity.Identity(
        user_id=str(changes.pop("user_id", uuid.uuid4())),
        email=str(changes.pop("email", f"{role}@example.kz")),
        name=str(changes.pop("name", "Тест Тестұлы")),
        role=role,
        scope=scope,
        language=str(changes.pop("language", "ru")),
        generation=1,
        expires_at=clock.utcnow() + timedelta(hours=1),
        via=via,
        session_id=uuid.uuid4().hex if via == "session" else None,
    )
    return dataclasses.replace(who, **changes)  # type: ignore[arg-type]


def token(secret_key: str, role: str = "admin", scope: str = "national", **changes: object) -> str:
    """A personal token of a made-up user of `role` and `scope`, for any service's API in tests (no
    account needed: services verify tokens on their own). `changes` set any other field of the
    `Identity` (user_id, email, name, language, expires_at...)."""
    from shared import identity

    return identity.issue_token(secret_key, _made_up(role, scope, "token", changes))


def session_cookie(app: Any, role: str = "admin", scope: str = "national", **changes: object) -> str:
    """The value of a session cookie of a made-up user, signed for `app` as review's login signs it
    (the services share the secret), with a session id of its own; `changes` as in `token`."""
    from shared import identity

    claims = _made_up(role, scope, "session", changes).claims()
    return str(app.session_interface.get_signing_serializer(app).dumps({identity.SESSION_KEY: claims}))


def bearer(
    secret_key: str, role: str = "admin", scope: str = "national", **changes: object
) -> dict[str, str]:
    """An `Authorization` header with `token(secret_key, role, scope, **changes)`."""
    return {"Authorization": f"Bearer {token(secret_key, role, scope, **changes)}"}


def rows_of(runtime: Runtime, model: type[Any]) -> list[Any]:
    """Every row of `model`'s table, oldest first (by `id`), detached to be read after the session."""
    from sqlalchemy import select

    with runtime.db.unit_of_work() as session:
        found = list(session.scalars(select(model).order_by(model.id)))
        session.expunge_all()
    return found


def audit_entries(runtime: Runtime) -> list[tuple[str, str | None, str | None]]:
    """A service's audit log, oldest first, as (action, object, region) (`shared.audit`)."""
    from sqlalchemy import select

    table = runtime.db.metadata.tables["audit_log"]
    with runtime.db.unit_of_work() as session:
        rows = session.execute(select(table.c.action, table.c.object, table.c.region).order_by(table.c.id))
        return [(action, what, region) for action, what, region in rows]


def announced_audit(runtime: Runtime) -> list[tuple[str, dict[str, object]]]:
    """The `audit.recorded` events in a service's outbox, oldest first: (routing key, payload)."""
    from sqlalchemy import select

    table = runtime.db.metadata.tables["outbox"]
    with runtime.db.unit_of_work() as session:
        rows = session.execute(select(table.c.routing_key, table.c.body).order_by(table.c.id)).all()
    return [(key, json.loads(body)["payload"]) for key, body in rows if key.startswith("audit.recorded.")]


def refuses_update_and_delete(runtime: Runtime, table: str) -> bool:
    """Whether the database refuses every UPDATE and DELETE of `table`'s rows (append-only); the
    table must hold a row, since a trigger on rows fires for none in an empty table."""
    from sqlalchemy import text

    for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        try:
            with runtime.db.unit_of_work() as session:
                session.execute(text(statement))
        except Exception as exc:  # SQLite and PostgreSQL raise different errors
            if "append-only" not in str(exc):
                raise
        else:
            return False
    return True
