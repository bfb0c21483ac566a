"""A read at media reaches review's one audit log on RabbitMQ and PostgreSQL: media writes the entry
and its `audit.recorded` in one transaction, the relay publishes it, review's worker keeps it once,
with the reader's email and the candidate's region, so the region's chair finds it in the log."""

from __future__ import annotations

import dataclasses
import importlib
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text

from services.media.app import create_app as create_media
from services.media.handlers import HANDLERS as MEDIA_HANDLERS
from services.media.tests.factories import submitted as media_submitted
from services.review.app import create_app as create_review
from services.review.handlers import HANDLERS as REVIEW_HANDLERS
from services.review.models import AuditEntry
from services.review.tests import people
from services.review.tests.factories import submitted as review_submitted
from shared import config, identity, testing
from shared.handling import handle
from shared.relay import Relay
from shared.tests.bus_helpers import wait_for
from shared.worker import run_worker

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_a_candidate_read_at_media_is_in_reviews_audit_log(
    tmp_path: Path, amqp_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    settings = {
        name: dataclasses.replace(config.load(name), broker_url=amqp_url) for name in ("media", "review")
    }
    stop = threading.Event()
    with (
        testing.postgres_runtime("media", settings["media"]) as media,
        testing.postgres_runtime("review", settings["review"]) as review,
    ):
        handle(media, MEDIA_HANDLERS, "media", media_submitted(None, "nom-0001", "almaty"))
        handle(review, REVIEW_HANDLERS, "review", review_submitted("nom-0001", "almaty"))
        admin = people.create_user(review, "admin", identity.NATIONAL)
        worker = threading.Thread(
            target=run_worker,
            args=(review, REVIEW_HANDLERS, ("almaty",)),
            kwargs={"stop": stop, "with_relay": False},
        )
        worker.start()
        try:
            page = (
                create_media(media)
                .test_client()
                .get("/candidates/nom-0001", headers=people.bearer(review, admin))
            )
            assert page.status_code == 200
            [(key, payload)] = testing.announced_audit(media)
            assert key == "audit.recorded.almaty"
            relay = Relay(media.db, amqp_url)
            try:
                relay.relay_all()  # the submission's report of a missing photo too
            finally:
                relay.close()

            def kept() -> list[AuditEntry]:
                with review.db.unit_of_work() as session:
                    rows = list(session.scalars(select(AuditEntry).where(AuditEntry.service == "media")))
                    session.expunge_all()
                return rows

            assert testing.announced_audit(media) == []  # published and confirmed
            assert wait_for(lambda: len(kept()) == 1, timeout=30)
        finally:
            stop.set()
            worker.join(30)
        [entry] = kept()
        assert (entry.entry_id, entry.action, entry.object) == (
            payload["entry_id"], "candidate.read", "nomination:nom-0001",
        )  # fmt: skip
        assert (entry.actor_email, entry.role, entry.region) == (admin.email, "admin", "almaty")
        chair = people.create_user(review, "regional_chair", "almaty")
        log = (
            create_review(review)
            .test_client()
            .get("/api/v1/audit?service=media", headers=people.bearer(review, chair))
        )
        assert [(item["service"], item["object"]) for item in log.get_json()["items"]] == [
            ("media", "nomination:nom-0001")
        ]


@pytest.mark.parametrize("service", ["media", "notify"])
def test_the_audit_log_refuses_changes_on_postgres_for_the_owner_and_the_production_role(
    service: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The triggers refuse UPDATE, DELETE and TRUNCATE to anyone; deploy/postgres/<service>-roles.sql
    (applied in a transaction rolled back: roles are cluster-wide) withholds the grants from
    `<service>_app`, who may still add an entry."""
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    audit = importlib.import_module(f"services.{service}.operations.audit")
    with testing.postgres_runtime(service, config.load(service)) as runtime:
        with runtime.db.unit_of_work() as session:
            audit.record(session, None, "probe", region="almaty")
        assert testing.refuses_update_and_delete(runtime, "audit_log")
        with pytest.raises(Exception, match="append-only"), runtime.db.unit_of_work() as session:
            session.execute(text("TRUNCATE audit_log"))
        sql = (ROOT / "deploy" / "postgres" / f"{service}-roles.sql").read_text()
        with runtime.db.engine.connect() as connection:
            transaction = connection.begin()
            try:
                connection.exec_driver_sql(sql)
                connection.exec_driver_sql(f"SET LOCAL ROLE {service}_app")
                connection.exec_driver_sql(
                    "INSERT INTO audit_log (at, action, details) VALUES (now(), 'probe', '{}')"
                )
                for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
                    savepoint = connection.begin_nested()
                    with pytest.raises(Exception, match="permission denied"):
                        connection.exec_driver_sql(statement)
                    savepoint.rollback()
            finally:
                transaction.rollback()
        assert testing.audit_entries(runtime) == [("probe", None, "almaty")]
