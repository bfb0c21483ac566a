"""The media team's path on the embedded system: a submission's photo becomes derivatives, a signed
link downloads one, and review's decision to advance the candidate becomes a banner.

Review's decisions are published here as review publishes them: an event in review's outbox, which
review's relay puts on the bus (review's own decision pages are another piece of work).
"""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image

from shared import config
from shared.envelope import Event
from shared.outbox import emit
from tests.e2e.system import (
    RunningSystem,
    assert_stops_cleanly,
    key_from,
    person,
    team_headers,
    walk_one_nomination,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def _review_decides(system: RunningSystem, nomination_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.review import bootstrap

    for name, value in system.env.items():
        if name.startswith(("TOP100_", "REVIEW_")):
            monkeypatch.setenv(name, value)
    runtime = bootstrap.build(config.load("review"))
    payload = {
        "candidate_id": "c-e2e-1",
        "nomination_id": nomination_id,
        "year": 2026,
        "stage": "regional",
        "to_stage": "republican",
        "decision_id": "d-e2e-1",
    }
    try:
        with runtime.db.unit_of_work() as session:
            emit(
                session,
                Event(
                    type="candidate.advanced", version=1, region="almaty", producer="review", payload=payload
                ),
            )
    finally:
        runtime.db.dispose()


def test_submission_to_derivatives_to_a_signed_download_to_a_banner(
    system: RunningSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    system.start()
    system.wait_healthy()
    key = key_from(system.output().split("demo portal key for region almaty", 1)[1])
    seen = walk_one_nomination(system, key, embedded_mail=False)
    asset = seen["asset"]
    assert {d["name"] for d in asset["derivatives"]} == {"thumb", "web", "square", "card", "story"}
    square = next(d for d in asset["derivatives"] if d["name"] == "square")
    download = requests.get(square["url"], timeout=10)  # no credentials: the link alone
    assert download.status_code == 200 and Image.open(io.BytesIO(download.content)).size == (1080, 1080)
    assert requests.get(square["url"].replace("signature=", "signature=f"), timeout=10).status_code == 403

    _review_decides(system, seen["nomination_id"], monkeypatch)

    def banner() -> dict | None:
        [item] = requests.get(
            system.url("media", "/api/v1/assets"),
            params={"nomination_id": seen["nomination_id"]},
            headers=team_headers(system),
            timeout=5,
        ).json()["items"]
        return next((d for d in item["derivatives"] if d["name"] == "banner" and d["format"] == "pdf"), None)

    made = system.wait_until("media to make the banner", banner, 90)
    pdf = requests.get(made["url"], timeout=10)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # Every read at media is in review's one audit log, under media's name.
    auditor = person(system, "admin")

    def media_reads() -> list[dict] | None:
        reply = requests.get(
            system.url("review", "/api/v1/audit"), params={"service": "media"}, headers=auditor, timeout=5
        )
        return [item for item in reply.json()["items"] if item["action"] == "candidate.read"] or None

    read = system.wait_until("review to keep media's audit entries", media_reads, 60)
    assert read[0]["object"] == f"nomination:{seen['nomination_id']}" and read[0]["region"] == "almaty"
    assert_stops_cleanly(system)
