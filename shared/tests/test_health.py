"""`/readyz` says whether the database and the broker can really be used."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from sqlalchemy import MetaData

from shared import config, health, testing
from shared.db import Database
from shared.tests.bus_helpers import CountingProxy
from shared.web import base_app


def _app(tmp_path: Path, broker_url: str):  # type: ignore[no-untyped-def]
    settings = config.Settings(
        service="review",
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'review.sqlite3'}",
        broker_url=broker_url,
        blob_url=f"file://{tmp_path / 'blobs'}",
        port=0,
        secret_key="test",
        retry_delays=(1,),
        relay_batch=10,
    )
    return base_app(__name__, settings, Database(settings.database_url, MetaData()))


def test_ready_with_the_embedded_broker_folder_and_not_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "READY_CACHE_SECONDS", 0.0)  # every call checks afresh
    (tmp_path / "broker" / "data").mkdir(parents=True)
    client = _app(tmp_path, f"filesystem://{tmp_path / 'broker'}").test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"] == {"database": "ok", "broker": "ok"}
    shutil.rmtree(tmp_path / "broker")
    gone = client.get("/readyz")
    assert gone.status_code == 503
    assert gone.json["checks"]["broker"].startswith("unreachable") and gone.json["checks"]["database"] == "ok"


def test_not_ready_when_rabbitmq_does_not_answer(tmp_path: Path) -> None:
    client = _app(tmp_path, "amqp://guest:guest@127.0.0.1:1//").test_client()
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["broker"].startswith("unreachable")
    assert client.get("/healthz").status_code == 200


@pytest.mark.integration
def test_ready_when_rabbitmq_answers(tmp_path: Path) -> None:
    testing.require("RABBITMQ", testing.RABBITMQ)
    client = _app(tmp_path, "amqp://guest:guest@127.0.0.1:5672//").test_client()
    assert client.get("/readyz").json["checks"]["broker"] == "ok"


@pytest.mark.integration
def test_a_burst_of_readiness_calls_opens_one_broker_connection(tmp_path: Path) -> None:
    testing.require("RABBITMQ", testing.RABBITMQ)
    proxy = CountingProxy(testing.RABBITMQ)
    try:
        client = _app(tmp_path, f"amqp://guest:guest@127.0.0.1:{proxy.port}//").test_client()
        answers = [client.get("/readyz") for _ in range(20)]
        assert {answer.status_code for answer in answers} == {200}
        assert proxy.accepted == 1
        time.sleep(health.READY_CACHE_SECONDS)
        assert client.get("/readyz").status_code == 200
        assert proxy.accepted == 2  # checked again once the answer was old
    finally:
        proxy.close()
