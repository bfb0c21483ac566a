"""Assigned mode through the API with real accounts, and the audit log of the commissions' work."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from services.review.handlers import HANDLERS
from services.review.models import Assignment, AuditEntry, Candidate
from services.review.operations import accounts
from services.review.tests import people
from services.review.tests.factories import submitted
from shared import identity
from shared.handling import handle
from shared.runtime import Runtime

SCORE = {
    "criteria": {
        "achievements_level": 5,
        "skills_contests": 5,
        "leadership_civic": 5,
        "academic_standing": 3,
        "statement": 5,
    },
    "comment": "",
}


@pytest.fixture
def candidates(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    for number in range(6):
        handle(runtime, HANDLERS, "review", submitted(f"nom-{number:04}", "almaty"))
    handle(runtime, HANDLERS, "review", submitted("nom-0100", "shymkent"))
    with runtime.db.unit_of_work() as session:
        return sorted(session.scalars(select(Candidate.id).where(Candidate.region == "almaty")))


def _load(runtime: Runtime) -> dict[str, int]:
    with runtime.db.unit_of_work() as session:
        load: dict[str, int] = {}
        for member in session.scalars(select(Assignment.member_id)):
            load[member] = load.get(member, 0) + 1
        return load


def test_a_chair_assigns_two_scorers_each_balanced_and_others_may_not_score(
    runtime: Runtime, app: Flask, user: Callable[..., identity.Identity], candidates: list[str]
) -> None:
    chair = user("regional_chair", "almaty")
    members = [user("regional_member", "almaty") for _ in range(2)]
    user("regional_member", "shymkent")
    client = app.test_client()
    reply = client.put(
        "/api/v1/stages/2026/regional/assignment", json={"scorers": 2}, headers=people.bearer(runtime, chair)
    )
    assert reply.status_code == 200
    plan = reply.get_json()["assignments"]
    assert set(plan) == set(candidates) and all(len(chosen) == 2 for chosen in plan.values())
    load = _load(runtime)
    assert set(load) == {chair.user_id, *(m.user_id for m in members)} and sum(load.values()) == 12
    assert max(load.values()) - min(load.values()) <= 1
    # "Not yet scored by me" lists only what is assigned to the member.
    mine = client.get("/api/v1/candidates?unscored=1", headers=people.bearer(runtime, members[0])).get_json()
    assert {item["id"] for item in mine["items"]} == {
        c for c, chosen in plan.items() if members[0].user_id in chosen
    }
    # Someone not assigned a candidate may not score it.
    outsider = next(m for m in [chair, *members] if m.user_id not in plan[candidates[0]])
    refused = client.put(
        f"/api/v1/candidates/{candidates[0]}/score", json=SCORE, headers=people.bearer(runtime, outsider)
    )
    assert refused.status_code == 403 and refused.get_json()["code"] == "not_assigned"
    # A conflict moves the candidate to the one member left.
    scorer = next(m for m in [chair, *members] if m.user_id in plan[candidates[0]])
    declared = client.post(
        f"/api/v1/candidates/{candidates[0]}/conflicts",
        json={"reason": "туысым"},
        headers=people.bearer(runtime, scorer),
    )
    assert declared.status_code == 201
    with runtime.db.unit_of_work() as session:
        now = set(
            session.scalars(select(Assignment.member_id).where(Assignment.candidate_id == candidates[0]))
        )
    assert scorer.user_id not in now and outsider.user_id in now and len(now) == 2
    # A new member gets a share of the work.
    newcomer = user("regional_member", "almaty")
    assert _load(runtime).get(newcomer.user_id, 0) >= 2
    # A member who leaves (disabled) gives their candidates back to the others.
    with runtime.db.unit_of_work() as session:
        accounts.disable(session, newcomer.email)
    assert newcomer.user_id not in _load(runtime)
    assert all(count >= 1 for count in _load(runtime).values())
    # Back to everyone scores everyone.
    client.put(
        "/api/v1/stages/2026/regional/assignment",
        json={"scorers": None},
        headers=people.bearer(runtime, chair),
    )
    assert _load(runtime) == {}


def test_assignment_is_for_chairs_of_the_stage(
    runtime: Runtime, app: Flask, user: Callable[..., identity.Identity], candidates: list[str]
) -> None:
    client = app.test_client()
    member = people.bearer(runtime, user("regional_member", "almaty"))
    national_chair = people.bearer(runtime, user("national_chair", "national"))
    chair = people.bearer(runtime, user("regional_chair", "almaty"))
    assert (
        client.put("/api/v1/stages/2026/regional/assignment", json={"scorers": 2}, headers=member).status_code
        == 403
    )
    assert (
        client.put(
            "/api/v1/stages/2026/regional/assignment", json={"scorers": 2}, headers=national_chair
        ).status_code
        == 403
    )
    assert (
        client.put("/api/v1/stages/2026/regional/assignment", json={"scorers": 0}, headers=chair).status_code
        == 422
    )


def test_the_commissions_work_is_in_the_audit_log(
    runtime: Runtime, app: Flask, user: Callable[..., identity.Identity], candidates: list[str]
) -> None:
    member = user("regional_member", "almaty")
    headers = people.bearer(runtime, member)
    client = app.test_client()
    target = candidates[0]
    client.get("/api/v1/candidates", headers=headers)
    client.get(f"/api/v1/candidates/{target}", headers=headers)
    client.put(f"/api/v1/candidates/{target}/score", json=SCORE, headers=headers)
    client.post(f"/api/v1/candidates/{target}/conflicts", json={"reason": "көршім"}, headers=headers)
    with runtime.db.unit_of_work() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.actor_id == member.user_id)).all()
        actions = [(e.action, e.candidate_id) for e in entries]
        conflict = next(e for e in entries if e.action == "conflict.declared")
        assert conflict.details == {"scores_withdrawn": 1} and conflict.region == "almaty"
    assert actions == [
        ("candidates.listed", None),
        ("candidate.read", target),
        ("score.put", target),
        ("conflict.declared", target),
    ]
