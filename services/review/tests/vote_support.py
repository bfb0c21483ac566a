"""The public vote's test helpers: an open contest with candidates, codes read from the outbox."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from services.review.tests import seeding
from shared.runtime import Runtime

#: Midday in Almaty during the regional vote of 2026 (6-14 October).
OPEN_NOW = "2026-10-08T12:00:00+05:00"
CONTEST = "2026-regional-almaty"


def candidates(runtime: Runtime, count: int = 3, region: str = "almaty") -> list[str]:
    with runtime.db.unit_of_work() as session:
        names = ["Әлихан", "Айгерім", "Ivan", "Дәулет", "Ұлжан"]
        return [
            seeding.candidate(
                session, region, first_name=names[index % len(names)], last_name=f"Сәрсен{index}"
            ).id
            for index in range(count)
        ]


def sent_codes(runtime: Runtime) -> dict[str, dict[str, Any]]:
    """The `vote.code_requested` payloads in review's outbox, by verification id."""
    outbox = runtime.db.metadata.tables["outbox"]
    with runtime.db.unit_of_work() as session:
        bodies = [json.loads(row.body) for row in session.execute(select(outbox))]
    return {b["payload"]["verification_id"]: b for b in bodies if b["type"] == "vote.code_requested"}


def verified(client: FlaskClient, runtime: Runtime, phone: str, contest: str = CONTEST) -> str:
    """Ask for a code for `phone` and give it back: the client holds the voter cookie after."""
    answer = client.post("/public/api/v1/codes", json={"contest": contest, "phone": phone})
    assert answer.status_code == 202, answer.get_json()
    verification = answer.get_json()["verification"]
    code = sent_codes(runtime)[verification]["payload"]["code"]
    checked = client.post(f"/public/api/v1/codes/{verification}/check", json={"code": code})
    assert checked.status_code == 200, checked.get_json()
    return verification
