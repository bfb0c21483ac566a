"""Media's audit log: each read of a candidate's data and each change by a person is an entry in media's
own append-only log and an `audit.recorded` event in the outbox, in the same transaction; and the
media team sees only candidates who consented and advanced to the republican stage (or won)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from services.media import queries
from services.media.app import create_app
from services.media.handlers import HANDLERS
from services.media.models import AuditEntry
from services.media.operations import kits
from services.media.tests.factories import advanced, jpeg, media_token, stored_photo, submitted
from shared import testing
from shared.handling import handle
from shared.runtime import Runtime


@pytest.fixture
def client(runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    """nom-0001 consented and advanced; nom-0003 advanced without consent; nom-0006 consented and is
    still at the regional stage. Each has a processed photo."""
    monkeypatch.setenv("TOP100_NOW", "2026-10-20T10:00:00+05:00")
    for nomination_id in ("nom-0001", "nom-0003", "nom-0006"):
        told = submitted(stored_photo(tmp_path, jpeg(), nomination_id), nomination_id)
        told.payload["consent_publication"] = nomination_id != "nom-0003"
        handle(runtime, HANDLERS, "media", told)
    for nomination_id in ("nom-0001", "nom-0003"):
        handle(runtime, HANDLERS, "media", advanced(nomination_id))
    return create_app(runtime).test_client()


def _as(runtime: Runtime, role: str = "media") -> dict[str, str]:
    return {"Authorization": f"Bearer {media_token(runtime, role)}"}


def test_the_media_team_sees_no_candidate_without_consent_or_before_the_republican_stage(
    client: FlaskClient, runtime: Runtime
) -> None:
    media = _as(runtime)
    for hidden in ("nom-0003", "nom-0006"):
        assert client.get(f"/candidates/{hidden}", headers=media).status_code == 404
        assert client.get(f"/photos/{hidden}/web", headers=media).status_code == 404
        listed = client.get(f"/api/v1/assets?nomination_id={hidden}", headers=media).get_json()
        assert listed == {"items": []}
    everyone = client.get("/api/v1/assets?year=2026", headers=media).get_json()["items"]
    assert [item["nomination_id"] for item in everyone] == ["nom-0001"]
    assert "nom-0006" not in client.get("/?year=2026", headers=media).get_data(as_text=True)
    assert client.get("/candidates/nom-0001", headers=media).status_code == 200
    assert client.get("/photos/nom-0001/web", headers=media).status_code == 302
    # A kit gathers the same candidates: the one who consented and advanced.
    with runtime.db.unit_of_work() as session:
        assert [c.nomination_id for c in queries.members(session, 2026, "republican", None)] == ["nom-0001"]
    # An administrator still sees a consenting candidate at the regional stage; a commission its photo.
    assert client.get("/candidates/nom-0006", headers=_as(runtime, "admin")).status_code == 200
    assert client.get("/photos/nom-0006/web", headers=_as(runtime, "regional_member")).status_code == 302


def test_every_read_and_change_is_an_entry_announced_through_the_outbox(
    client: FlaskClient, runtime: Runtime
) -> None:
    media = _as(runtime)
    assert testing.rows_of(runtime, AuditEntry) == [] and testing.announced_audit(runtime) == []
    assert client.get("/candidates/nom-0001", headers=media).status_code == 200
    assert client.get("/photos/nom-0001/thumb", headers=media).status_code == 302
    assert client.get("/api/v1/assets?year=2026&region=almaty", headers=media).status_code == 200
    kit = client.post("/api/v1/kits", json={"year": 2026, "stage": "republican"}, headers=media).get_json()
    assert kits.build_next(runtime) == kit["id"]
    assert client.get(f"/api/v1/kits/{kit['id']}", headers=media).get_json()["url"]
    assert client.get(f"/kits/{kit['id']}/download", headers=media).status_code == 302
    publication = {
        "outlet": "Егемен Қазақстан",
        "url": "https://egemen.kz/article/2",
        "published_on": "2026-10-20",
        "language": "kk",
        "candidate_ids": ["nom-0001"],
    }
    assert client.post("/api/v1/publications", json=publication, headers=media).status_code == 201
    assert client.post("/logout", headers=media).status_code == 302

    entries = testing.rows_of(runtime, AuditEntry)
    assert [(e.action, e.object, e.region) for e in entries] == [
        ("candidate.read", "nomination:nom-0001", "almaty"),
        ("photo.link", "nomination:nom-0001", "almaty"),
        ("candidates.listed", None, "almaty"),
        ("kit.requested", f"kit:{kit['id']}", None),
        ("kit.download", f"kit:{kit['id']}", None),
        ("kit.download", f"kit:{kit['id']}", None),
        ("publication.logged", entries[6].object, None),
        ("logout", None, None),
    ]
    assert {(e.actor_id, e.role) for e in entries} == {("u-media", "media")}
    assert entries[2].details == {"year": 2026, "stage": None, "count": 1}
    announced = testing.announced_audit(runtime)
    assert [payload["entry_id"] for _, payload in announced] == [e.entry_id for e in entries]
    key, first = announced[0]
    assert key == "audit.recorded.almaty"
    assert first == {
        "entry_id": entries[0].entry_id,
        "service": "media",
        "actor_id": "u-media",
        "action": "candidate.read",
        "object": "nomination:nom-0001",
        "region": "almaty",
        "at": entries[0].at.isoformat(),
    }
    assert announced[3][0] == "audit.recorded.astana"  # a kit of every region: the capital's key


def test_a_refused_read_writes_nothing(client: FlaskClient, runtime: Runtime) -> None:
    assert client.get("/candidates/nom-0006", headers=_as(runtime)).status_code == 404
    assert client.get("/kits/no-such-kit/download", headers=_as(runtime)).status_code == 404
    assert testing.rows_of(runtime, AuditEntry) == [] and testing.announced_audit(runtime) == []


def test_the_audit_log_refuses_update_and_delete(runtime: Runtime) -> None:
    from services.media.operations import audit

    with runtime.db.unit_of_work() as session:
        audit.record(session, None, audit.CANDIDATES_LISTED, count=0)
    assert testing.refuses_update_and_delete(runtime, "audit_log")
    assert testing.audit_entries(runtime) == [("candidates.listed", None, None)]


def test_an_entry_and_its_event_commit_together_or_not_at_all(runtime: Runtime) -> None:
    from services.media.operations import audit

    with pytest.raises(RuntimeError), runtime.db.unit_of_work() as session:
        audit.record(session, None, audit.CANDIDATES_LISTED, count=0)
        raise RuntimeError("the read failed after its entry was written")
    assert testing.audit_entries(runtime) == [] and testing.announced_audit(runtime) == []
