"""A correction that takes an advancement back: the banners and social cards are deleted from the
store (their signed links answer 404), the candidate leaves the republican listing and later kits,
and the publications log says so. An older decision delivered late changes nothing."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from flask.testing import FlaskClient

from services.media import rules
from services.media.app import create_app
from services.media.handlers import HANDLERS
from services.media.models import Candidate
from services.media.operations import kits
from services.media.tests import photos
from services.media.tests.factories import event, media_token, stored_photo, submitted
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime

NOMINATION = "nom-0001"


def decision(kind: str, sequence: int | None, nomination_id: str = NOMINATION, **extra: Any) -> Event:
    payload: dict[str, Any] = {
        "candidate_id": f"c-{nomination_id}",
        "nomination_id": nomination_id,
        "year": 2026,
        "stage": "regional",
        "decision_id": f"d-{sequence}",
        "sequence": sequence,
        **extra,
    }
    if kind == "candidate.advanced":
        payload["to_stage"] = "republican"
    if sequence and sequence > 1:
        payload.update(correction=True, corrects=f"d-{sequence - 1}")
        payload["corrects_recorded_at"] = "2026-10-10T12:00:00+05:00"
    return event(kind, payload)


def _with_banners(runtime: Runtime, tmp_path: Path, nomination_id: str = NOMINATION) -> None:
    data = photos.with_face(2000, 1500, (800, 100), 1000)[0]
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, data, nomination_id), nomination_id))
    handle(runtime, HANDLERS, "media", decision("candidate.advanced", 1, nomination_id))


def _banners(runtime: Runtime, nomination_id: str = NOMINATION) -> list[dict[str, Any]]:
    with runtime.db.unit_of_work() as session:
        candidate = session.get(Candidate, nomination_id)
        return list(candidate.banners) if candidate else []


def _listed(client: FlaskClient, auth: dict[str, str]) -> list[dict[str, Any]]:
    return client.get("/api/v1/assets?year=2026&stage=republican", headers=auth).get_json()["items"]


def test_a_correction_withdraws_the_banners_everywhere(runtime: Runtime, tmp_path: Path) -> None:
    _with_banners(runtime, tmp_path)
    _with_banners(runtime, tmp_path, "nom-0002")
    made = _banners(runtime)
    assert {f["name"] for f in made} == {"banner", "social_kk", "social_ru", "social_en"}
    client = create_app(runtime).test_client()
    auth = {"Authorization": f"Bearer {media_token(runtime)}"}
    [listed] = [item for item in _listed(client, auth) if item["nomination_id"] == NOMINATION]
    links = [urlparse(d["url"]) for d in listed["derivatives"] if d["name"].startswith(("banner", "social"))]
    assert len(links) == 5 and all(client.get(f"{u.path}?{u.query}").status_code == 200 for u in links)

    handle(runtime, HANDLERS, "media", decision("candidate.not_advanced", 2))

    assert _banners(runtime) == []
    assert not any(runtime.blobs.exists(f["key"]) for f in made)
    assert all(client.get(f"{u.path}?{u.query}").status_code in (404, 410) for u in links)
    assert [item["nomination_id"] for item in _listed(client, auth)] == ["nom-0002"]
    started = client.post("/api/v1/kits", json={"year": 2026, "stage": "republican"}, headers=auth)
    assert kits.build_next(runtime) == started.get_json()["id"]
    kit = client.get(f"/api/v1/kits/{started.get_json()['id']}", headers=auth).get_json()
    assert kit["candidates"] == 1
    zipped = urlparse(kit["url"])
    names = zipfile.ZipFile(io.BytesIO(client.get(f"{zipped.path}?{zipped.query}").data)).namelist()
    assert not any(NOMINATION in name for name in names) and any("nom-0002" in name for name in names)
    log = client.get("/api/v1/publications?year=2026", headers=auth).get_json()
    [withdrawn] = log["withdrawals"]
    assert withdrawn["nomination_id"] == NOMINATION and withdrawn["decision_id"] == "d-2"
    assert withdrawn["sequence"] == 2 and withdrawn["files"] == 5 and withdrawn["stage"] == "republican"
    assert log["count"] == 0  # a withdrawal is not a publication
    page = client.get("/publications?year=2026&lang=kk", headers=auth).get_data(as_text=True)
    assert 'class="withdrawal"' in page and "Нұрланұлы Әлихан" in page


def test_a_late_older_decision_changes_nothing(runtime: Runtime, tmp_path: Path) -> None:
    """The bus reorders: the correction (2) comes before the first decision (1) it corrects."""
    data = photos.with_face(2000, 1500, (800, 100), 1000)[0]
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, data)))
    handle(runtime, HANDLERS, "media", decision("candidate.not_advanced", 2))
    handle(runtime, HANDLERS, "media", decision("candidate.advanced", 1))
    assert _banners(runtime) == []
    with runtime.db.unit_of_work() as session:
        candidate = session.get(Candidate, NOMINATION)
        assert candidate is not None and candidate.stage is None and candidate.decided == {"regional": 2}


def test_an_advancement_by_correction_makes_the_banners_and_a_late_refusal_leaves_them(
    runtime: Runtime, tmp_path: Path
) -> None:
    data = photos.with_face(2000, 1500, (800, 100), 1000)[0]
    handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, data)))
    handle(runtime, HANDLERS, "media", decision("candidate.advanced", 2))
    made = _banners(runtime)
    assert len(made) == 5
    handle(runtime, HANDLERS, "media", decision("candidate.not_advanced", 1))  # the first decision, late
    assert _banners(runtime) == made and all(runtime.blobs.exists(f["key"]) for f in made)


def test_a_republican_correction_takes_the_winners_banners_back_to_the_republican_ones(
    runtime: Runtime, tmp_path: Path
) -> None:
    _with_banners(runtime, tmp_path)
    winner = decision("candidate.advanced", 1, stage="republican")
    winner.payload["to_stage"] = "winner"
    handle(runtime, HANDLERS, "media", winner)
    winners = _banners(runtime)
    assert all("/winner/" in f["key"] or "winner" in f["key"] for f in winners)
    handle(runtime, HANDLERS, "media", decision("candidate.not_advanced", 2, stage="republican"))
    with runtime.db.unit_of_work() as session:
        candidate = session.get(Candidate, NOMINATION)
        assert candidate is not None and candidate.stage == "republican"
    again = _banners(runtime)
    assert len(again) == 5 and not {f["key"] for f in again} & {f["key"] for f in winners}
    assert not any(runtime.blobs.exists(f["key"]) for f in winners)


@pytest.mark.parametrize(
    ("sequence", "held", "newer", "not_older"),
    [(None, None, True, True), (2, 1, True, True), (1, 1, False, True), (1, 2, False, False)],
)
def test_the_order_rules(sequence: int | None, held: int | None, newer: bool, not_older: bool) -> None:
    assert rules.newer(sequence, held) is newer and rules.not_older(sequence, held) is not_older


def test_the_stage_a_refusal_leaves() -> None:
    assert rules.withdrawn_stage("republican", "regional") is None
    assert rules.withdrawn_stage("winner", "regional") is None
    assert rules.withdrawn_stage("winner", "republican") == "republican"
    assert rules.withdrawn_stage("republican", "republican") == "republican"  # nothing to withdraw
    assert rules.withdrawn_stage(None, "regional") is None
