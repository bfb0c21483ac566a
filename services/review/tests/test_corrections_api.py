"""Corrections through the API: the whole `advanced` list again, events only for the candidates whose
outcome changed (marked as a correction, with the scope's sequence), nothing_changed, the quota, and
the regional correction after the republican decision (stage_superseded, an admin's override)."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from services.review.models import AuditEntry, Decision
from services.review.tests import seeding
from services.review.tests.test_decisions_api import body, chair, client, counts, events, seed
from shared.runtime import Runtime

__all__ = ["client"]  # the fixture, shared with the decisions' tests

REASON = "Бір үміткердің балы қате есептелген."


def national(runtime: Runtime) -> dict[str, str]:
    return seeding.token(runtime.settings.secret_key, "national_chair", "national", "ru", "nc@example.kz")


def admin(runtime: Runtime) -> dict[str, str]:
    return seeding.token(runtime.settings.secret_key, "admin", "national", "en", "admin@example.kz")


def correct(client: FlaskClient, decision_id: str, headers: dict[str, str], **payload: Any) -> Any:
    return client.post(f"/api/v1/decisions/{decision_id}/corrections", json=payload, headers=headers)


def outcome_events(runtime: Runtime, after: int) -> list[dict[str, Any]]:
    return [
        e
        for e in events(runtime)[after:]
        if e["type"] in ("candidate.advanced", "candidate.not_advanced", "candidate.incomplete")
    ]


def decided_then_won(runtime: Runtime, client: FlaskClient) -> tuple[list[str], Any, dict[str, Any], Any]:
    """Three candidates of almaty, two advanced by the region, one of them a winner: the ids, the
    regional decision, the republican body and the republican decision."""
    ids = seed(runtime, 3)
    regional = client.post("/api/v1/decisions", json=body(ids[:2]), headers=chair(runtime)).get_json()
    republican = {**body(ids[:1]), "stage": "republican", "region": None}
    winners = client.post("/api/v1/decisions", json=republican, headers=national(runtime)).get_json()
    return ids, regional, republican, winners


def test_the_found_case_a_swap_tells_two_students_and_an_eleventh_is_over_the_quota(
    runtime: Runtime, client: FlaskClient
) -> None:
    """15 candidates, 10 advanced. Adding an 11th is refused by the quota and records nothing;
    swapping one writes exactly two outcome events, both marked as the scope's second decision."""
    ids = seed(runtime, 15)
    first = client.post("/api/v1/decisions", json=body(ids[:10]), headers=chair(runtime)).get_json()
    assert first["sequence"] == 1
    first_events = events(runtime)
    assert {e["payload"]["sequence"] for e in first_events if "decision_id" in e["payload"]} == {1}
    assert not any(e["payload"].get("correction") for e in first_events)
    before = counts(runtime)
    eleven = correct(client, first["id"], chair(runtime), **body(ids[:11], reason=REASON))
    assert eleven.status_code == 409 and eleven.get_json()["code"] == "quota_exceeded"
    assert counts(runtime) == before
    swapped = [*ids[:9], ids[12]]
    answer = correct(client, first["id"], chair(runtime), **body(swapped, reason=REASON))
    assert answer.status_code == 201, answer.get_json()
    correction = answer.get_json()
    assert correction["sequence"] == 2 and correction["supersedes"] == first["id"]
    assert sorted(correction["not_advanced"]) == sorted([ids[9], *ids[10:12], *ids[13:]])
    told = outcome_events(runtime, before[1])
    assert sorted((e["type"], e["payload"]["candidate_id"]) for e in told) == sorted(
        [("candidate.not_advanced", ids[9]), ("candidate.advanced", ids[12])]
    )
    for event in told:
        payload = event["payload"]
        assert payload["sequence"] == 2 and payload["correction"] is True
        assert payload["corrects"] == first["id"] and payload["decision_id"] == correction["id"]
        assert payload["corrects_recorded_at"].startswith(first["decided_at"][:19])
    [closed] = [e for e in events(runtime)[before[1] :] if e["type"] == "stage.closed"]
    assert closed["payload"]["sequence"] == 2 and closed["payload"]["advanced"] == 10


def test_a_correction_that_changes_nothing_is_422_and_records_nothing(
    runtime: Runtime, client: FlaskClient
) -> None:
    ids = seed(runtime, 4)
    first = client.post("/api/v1/decisions", json=body(ids[:2]), headers=chair(runtime)).get_json()
    before = counts(runtime)
    same = correct(client, first["id"], chair(runtime), **body([ids[1], ids[0]], reason=REASON))
    assert same.status_code == 422 and same.get_json()["code"] == "nothing_changed"
    assert first["id"] in same.get_json()["detail"] and same.headers["Content-Language"] == "kk"
    assert counts(runtime) == before


def test_a_regional_correction_after_the_republican_decision_needs_an_admins_override(
    runtime: Runtime, client: FlaskClient
) -> None:
    ids, regional, _republican, winners = decided_then_won(runtime, client)
    assert winners["sequence"] == 1
    before = counts(runtime)
    late = correct(client, regional["id"], chair(runtime), **body([ids[0], ids[2]], reason=REASON))
    assert late.status_code == 409 and late.get_json()["code"] == "stage_superseded"
    assert winners["id"] in late.get_json()["detail"]
    override = {**body([ids[0], ids[2]], reason=REASON), "override_reason": "Апелляция қанағаттандырылды."}
    assert correct(client, regional["id"], chair(runtime), **override).status_code == 403
    assert (
        correct(client, regional["id"], admin(runtime), **body([ids[0], ids[2]], reason=REASON)).status_code
        == 403
    )
    assert counts(runtime) == before
    allowed = correct(client, regional["id"], admin(runtime), **override)
    assert allowed.status_code == 201, allowed.get_json()
    done = allowed.get_json()
    assert done["rechecks"] == winners["id"] and done["override_reason"] == "Апелляция қанағаттандырылды."
    assert done["sequence"] == 2
    again = client.get(f"/api/v1/decisions/{winners['id']}", headers=national(runtime)).get_json()
    assert again["recheck_for"] == [done["id"]]
    with runtime.db.unit_of_work() as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "decision.overridden")).all()
        assert entry.role == "admin" and entry.details["rechecks"] == winners["id"]
        assert entry.details["decision_id"] == done["id"]
        stored = session.get(Decision, done["id"])
        assert stored is not None and stored.override_reason == "Апелляция қанағаттандырылды."
    told = outcome_events(runtime, before[1])
    assert sorted((e["type"], e["payload"]["candidate_id"]) for e in told) == sorted(
        [("candidate.not_advanced", ids[1]), ("candidate.advanced", ids[2])]
    )


def test_a_republican_correction_after_an_override_decides_on_the_stage_as_it_now_stands(
    runtime: Runtime, client: FlaskClient
) -> None:
    ids, regional, republican, winners = decided_then_won(runtime, client)
    override = {**body([ids[0], ids[2]], reason=REASON), "override_reason": "Апелляция."}
    assert correct(client, regional["id"], admin(runtime), **override).status_code == 201
    # ids[1] left the republican stage with the override, ids[2] joined it.
    stale = correct(
        client, winners["id"], national(runtime), **{**republican, "advanced": [ids[1]], "reason": "x"}
    )
    assert stale.status_code == 422 and stale.get_json()["code"] == "not_in_scope"
    fixed = correct(
        client, winners["id"], national(runtime), **{**republican, "advanced": [ids[2]], "reason": "x"}
    )
    assert fixed.status_code == 201
    assert sorted(fixed.get_json()["not_advanced"]) == [ids[0]]


def test_a_candidate_who_reached_the_stage_since_is_decided_on_and_told(
    runtime: Runtime, client: FlaskClient
) -> None:
    ids = seed(runtime, 3)
    first = client.post("/api/v1/decisions", json=body(ids[:1]), headers=chair(runtime)).get_json()
    [late] = seed(runtime, 1)
    before = counts(runtime)
    fixed = correct(client, first["id"], chair(runtime), **body([ids[0], ids[1]], reason=REASON))
    assert fixed.status_code == 201 and sorted(fixed.get_json()["not_advanced"]) == sorted([ids[2], late])
    told = outcome_events(runtime, before[1])
    assert sorted((e["type"], e["payload"]["candidate_id"]) for e in told) == sorted(
        [("candidate.advanced", ids[1]), ("candidate.not_advanced", late)]
    )
