"""Errors are logged without the personal data of the nominations that caused them.

Each test provokes a failure on the real PostgreSQL (a backend terminated in the middle of intake's
INSERT, a constraint violation) or in delivery (SMTP refusing a student's address, temporarily and
for good, through notify's event worker), captures every log record of the process at root level
(`testing.all_logs`) and scans it for the corpus's IINs, names, birth dates, emails and phones
(`testing.personal_data_in`).
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import kombu
import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from services.intake.app import create_app as create_intake
from services.intake.bootstrap import build as build_intake
from services.intake.operations import keys, refdata
from services.intake.tests import factories
from services.notify import bootstrap as notify_bootstrap
from services.notify.handlers import HANDLERS as NOTIFY_HANDLERS
from services.notify.models import Message
from services.notify.tests.factories import submitted
from shared import broker, config, migrate, testing, topology
from shared.worker import run_worker

pytestmark = pytest.mark.integration

# The INSERT of a nomination waits here until the test terminates its backend.
SLOW_INSERT = """
CREATE FUNCTION top100_test_slow_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$;
CREATE TRIGGER top100_test_slow_insert BEFORE INSERT ON nominations
FOR EACH ROW EXECUTE FUNCTION top100_test_slow_insert();
"""


def _corpus(doc: dict[str, Any]) -> list[str | date]:
    """Everything in a nomination document that identifies a person."""
    student, coordinator = doc["student"], doc["coordinator"]
    return [
        *(student[name] for name in ("iin", "last_name", "first_name", "patronymic", "email", "phone")),
        date.fromisoformat(student["birth_date"]),
        *(coordinator[name] for name in ("full_name", "email", "phone")),
    ]


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _terminate_sleeping_backend(database: str) -> bool:
    """Terminate the backend of `database` sleeping in the trigger; True once one was terminated."""
    dsn = f"host={testing.POSTGRES[0]} port={testing.POSTGRES[1]} user=postgres dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND wait_event = 'PgSleep'",
            (database,),
        ).fetchall()
    return bool(rows)


def test_a_failed_insert_on_a_terminated_backend_logs_no_personal_data(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-09-20T10:00:00+05:00")
    migrate.upgrade("intake", pg_url)
    runtime = build_intake(factories.settings(tmp_path, pg_url))
    try:
        with runtime.db.unit_of_work() as session:
            refdata.load_paths(session, [])
            _row, key = keys.issue(session, "almaty", sandbox=False)
        with runtime.db.engine.begin() as conn:
            conn.exec_driver_sql(SLOW_INSERT)
        client = create_intake(runtime).test_client()
        doc = factories.nomination(serial=7)
        headers = {"Authorization": f"Bearer {key}", "Accept-Language": "en"}
        with testing.all_logs() as logs, ThreadPoolExecutor(1) as pool:
            pending = pool.submit(client.post, "/api/v1/nominations", json=doc, headers=headers)
            terminated = _wait_for(lambda: _terminate_sleeping_backend(pg_url.rsplit("/", 1)[1]))
            response = pending.result(timeout=90)
    finally:
        runtime.db.dispose()
    output = logs.getvalue()
    assert terminated and response.status_code == 500, (response.status_code, output)
    assert "terminating connection due to administrator command" in output  # the failure is logged
    assert testing.personal_data_in(output, _corpus(doc)) == [], output


def test_a_constraint_violation_keeps_the_rows_values_out_of_the_error(tmp_path: Path, pg_url: str) -> None:
    """PostgreSQL repeats the row in the error's DETAIL; the error text must not carry it."""
    migrate.upgrade("intake", pg_url)
    doc = factories.nomination(serial=8)
    iin = doc["student"]["iin"]
    runtime = build_intake(factories.settings(tmp_path, pg_url))
    try:
        with runtime.db.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE people (iin text UNIQUE CHECK (iin <> ''), name text)")
            conn.execute(text("INSERT INTO people VALUES (:iin, :name)"), {"iin": iin, "name": "x"})
        with (
            testing.all_logs() as logs,
            pytest.raises(IntegrityError) as raised,
            runtime.db.engine.begin() as conn,
        ):
            conn.execute(text("INSERT INTO people VALUES (:iin, :name)"), {"iin": iin, "name": "x"})
    finally:
        runtime.db.dispose()
    assert raised.value.orig.diag.constraint_name == "people_iin_key"  # the detail is still there for code
    shown = "\n".join((str(raised.value), repr(raised.value), repr(raised.value.orig), logs.getvalue()))
    assert testing.personal_data_in(shown, [iin]) == [], shown


class _RefusingSmtp(socketserver.StreamRequestHandler):
    """An SMTP server that refuses `*@later.example` for now (450) and `*@refused.example` for good
    (550), repeating the address in its reply as real servers do."""

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self._say("220 test ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].split(":", 1)[0].upper()
            if verb == "EHLO":
                self._say("250-test\r\n250 8BITMIME")
            elif verb == "RCPT":
                code = 450 if "later.example" in command else 550
                self._say(f"{code} 5.1.1 {command[8:]}: mailbox unavailable")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 ok")


@pytest.fixture
def refusing_smtp() -> Iterator[int]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _RefusingSmtp)
    # notify keeps its SMTP connections open: closing the server must not wait for those clients
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_smtp_refusals_and_failing_handlers_log_no_personal_data(
    tmp_path: Path, pg_url: str, refusing_smtp: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    broker_url = f"filesystem://{tmp_path / 'broker'}"
    for name, value in {
        "TOP100_DATA_DIR": str(tmp_path),
        "NOTIFY_DATABASE_URL": pg_url,
        "BROKER_URL": broker_url,
        "TOP100_RETRY_DELAYS": "1",
        "NOTIFY_SMTP_URL": f"smtp://127.0.0.1:{refusing_smtp}",
    }.items():
        monkeypatch.setenv(name, value)
    later = submitted("ru", nomination_id="n-later", email="aigerim.later@later.example")
    refused = submitted("en", nomination_id="n-refused", email="daniyar.refused@refused.example")
    corpus = [
        "aigerim.later@later.example",
        "daniyar.refused@refused.example",
        *later.payload["candidate"].values(),
        later.payload["contacts"]["phone"],
    ]
    stop = threading.Event()
    with (
        testing.migrated_runtime("notify", config.load(notify_bootstrap.SERVICE)) as runtime,
        testing.all_logs() as logs,
    ):
        worker = threading.Thread(
            target=run_worker,
            args=(runtime, NOTIFY_HANDLERS, ("almaty",)),
            kwargs={"stop": stop, "with_relay": False},
        )
        worker.start()
        try:
            assert _wait_for(lambda: "consuming" in logs.getvalue()), logs.getvalue()
            with broker.connection(broker_url) as conn:
                producer = kombu.Producer(conn.default_channel)
                for event in (later, refused):
                    producer.publish(
                        event.to_json().encode(),
                        exchange=topology.EVENTS_EXCHANGE,
                        routing_key=event.routing_key,
                        content_type="application/json",
                        content_encoding="utf-8",
                        message_id=str(event.id),
                    )

            # The temporary refusal waits out a backoff on its row (no event fails, none is parked);
            # the permanent one is failed at once.
            def settled() -> bool:
                with runtime.db.unit_of_work() as session:
                    rows = session.scalars(select(Message).where(Message.channel == "email")).all()
                    return len(rows) == 2 and all(row.error for row in rows)

            assert _wait_for(settled), logs.getvalue()
            with runtime.db.unit_of_work() as session:
                emails = {
                    row.nomination_id: row
                    for row in session.scalars(select(Message).where(Message.channel == "email"))
                }
        finally:
            stop.set()
            worker.join(30)
    output = logs.getvalue()
    refused_row, later_row = emails["n-refused"], emails["n-later"]
    assert refused_row.status == "failed" and "recipient_refused: 550" in refused_row.error
    assert (later_row.status, later_row.attempts) == (
        "queued",
        1,
    ) and "recipient_refused: 4" in later_row.error
    assert "PARKED" not in output
    errors = refused_row.error + later_row.error
    assert testing.personal_data_in(output + errors, corpus) == [], output
