"""Exactly one message per (event, recipient, channel) on the real servers: two notify worker processes
on one RabbitMQ queue and one PostgreSQL database, every event published twice (a broker redelivering,
a relay publishing again after a lost confirm), into a real SMTP server and an SMS gateway that count
what they receive."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.notify import bootstrap
from services.notify.models import Message
from services.notify.tests import servers
from services.notify.tests.factories import submitted
from shared import broker, config, migrate, testing
from shared.tests.bus_helpers import publish_raw, wait_for

EVENTS = 40


@pytest.mark.integration
def test_two_workers_and_a_redelivering_broker_send_each_message_once(tmp_path: Path) -> None:
    testing.require("PostgreSQL", testing.POSTGRES)
    testing.require("RabbitMQ", testing.RABBITMQ)
    with (
        testing.scratch_vhost("top100_notify_once") as amqp_url,
        testing.scratch_postgres("top100_notify_once") as pg_url,
        servers.smtp_server() as smtp,
        servers.sms_gateway() as gateway,
    ):
        migrate.upgrade("notify", pg_url)
        with broker.connection(amqp_url) as connection:
            broker.declare_all(connection, (1, 2))
        env = {
            **os.environ,
            "PYTHONPATH": str(Path(__file__).resolve().parents[3]),
            "TOP100_DATA_DIR": str(tmp_path),
            "TOP100_NOW": "2026-09-20T12:00:00+05:00",  # outside the SMS quiet hours
            "BROKER_URL": amqp_url,
            "NOTIFY_DATABASE_URL": pg_url,
            "NOTIFY_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
            "NOTIFY_SMS_URL": gateway.url,
            "TOP100_RETRY_DELAYS": "1,2",
        }
        env.pop("NOTIFY_SMS_PROVIDERS", None)
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "services.cli",
                    "worker",
                    "notify",
                    "--regions",
                    "almaty",
                    "--no-relay",
                ],
                env=env,
                stdout=(tmp_path / f"worker-{n}.log").open("wb"),
                stderr=subprocess.STDOUT,
            )
            for n in range(2)
        ]
        try:
            events = [
                submitted(nomination_id=f"once-{n:03d}", email=f"s{n}@example.kz") for n in range(EVENTS)
            ]
            for event in events:
                event.payload["coordinator"] = {"full_name": "Сейітова Гүлнар", "email": "coord@example.kz"}
            for _round in range(2):
                for event in events:
                    publish_raw(amqp_url, event.routing_key, event.to_json(), message_id=str(event.id))
            runtime = bootstrap.build(_settings(pg_url, tmp_path))
            try:
                assert wait_for(lambda: _settled(runtime) == 3 * EVENTS, timeout=90), _logs(tmp_path)
                assert wait_for(
                    lambda: len(gateway.requests) >= EVENTS and len(smtp.handler.received) >= 2 * EVENTS
                )
                with runtime.db.unit_of_work() as session:
                    rows = session.scalar(select(func.count()).select_from(Message))
            finally:
                runtime.db.dispose()
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(30)
    assert rows == 3 * EVENTS  # student email and SMS, coordinator email: one row each
    references = collections.Counter(body["reference"] for _headers, body in gateway.requests)
    assert len(references) == EVENTS and set(references.values()) == {1}, references.most_common(3)
    ids = collections.Counter(
        BytesParser(policy=policy.default).parsebytes(raw)["Message-ID"]
        for _f, _t, raw in smtp.handler.received
    )
    assert len(ids) == 2 * EVENTS and set(ids.values()) == {1}, ids.most_common(3)


def _settings(pg_url: str, tmp_path: Path) -> config.Settings:
    import dataclasses

    return dataclasses.replace(config.load("notify"), database_url=pg_url, data_dir=tmp_path)


def _settled(runtime) -> int:  # type: ignore[no-untyped-def]
    with runtime.db.unit_of_work() as session:
        return int(
            session.scalar(select(func.count()).select_from(Message).where(Message.status == "sent")) or 0
        )


def _logs(tmp_path: Path) -> str:
    return "\n".join(
        path.read_text(errors="replace")[-3000:] for path in sorted(tmp_path.glob("worker-*.log"))
    )
