"""The audit log: `audit.record` as the other operations call it, and `GET /api/v1/audit` for
administrators (everything), chairs (their scope) and nobody else."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from services.review.operations import audit
from services.review.tests.people import bearer
from shared import identity
from shared.runtime import Runtime

User = Callable[..., identity.Identity]


class _Candidate:
    id = "cand-1"
    region = "almaty"


def _seed(runtime: Runtime, reader: identity.Identity) -> None:
    with runtime.db.unit_of_work() as session:
        audit.record(session, reader, "candidate.read", candidate=_Candidate(), fields=["name"])
        audit.record(session, reader, "candidate.read", candidate="cand-2", region="shymkent")
        audit.record(session, None, "login.failed", email="a***@example.kz", address="192.0.2.1")


def test_admin_sees_everything_newest_first_and_filters(app: Flask, runtime: Runtime, user: User) -> None:
    member = user("regional_member", "almaty")
    admin = bearer(runtime, user("admin", "national"))
    _seed(runtime, member)
    client = app.test_client()
    items = client.get("/api/v1/audit", headers=admin).get_json()["items"]
    actions = [item["action"] for item in items]
    assert actions[:3] == ["login.failed", "candidate.read", "candidate.read"]
    assert "user.created" in actions  # the accounts made above
    read = client.get("/api/v1/audit?candidate=cand-1", headers=admin).get_json()["items"]
    assert [(item["actor"]["email"], item["region"], item["details"]) for item in read] == [
        (member.email, "almaty", {"fields": ["name"]})
    ]
    by_actor = client.get(f"/api/v1/audit?actor={member.user_id}", headers=admin).get_json()["items"]
    assert len(by_actor) == 2
    assert client.get("/api/v1/audit?from=2000-01-01&to=2000-01-02", headers=admin).get_json()["items"] == []
    assert client.get("/api/v1/audit?from=yesterday", headers=admin).status_code == 422
    page = client.get("/api/v1/audit?limit=2", headers=admin).get_json()
    older = client.get(f"/api/v1/audit?limit=2&before={page['before']}", headers=admin).get_json()
    assert len(page["items"]) == 2 and older["items"][0]["id"] < page["items"][-1]["id"]


def test_a_regional_chair_sees_their_region_only(app: Flask, runtime: Runtime, user: User) -> None:
    _seed(runtime, user("regional_member", "almaty"))
    chair = bearer(runtime, user("regional_chair", "almaty"))
    items = app.test_client().get("/api/v1/audit", headers=chair).get_json()["items"]
    assert items and {item["region"] for item in items} == {"almaty"}
    assert "cand-2" not in {item["candidate_id"] for item in items}


def test_members_media_and_anonymous_callers_may_not_read_it(
    app: Flask, runtime: Runtime, user: User
) -> None:
    client = app.test_client()
    assert client.get("/api/v1/audit").status_code == 401
    for role, scope in (
        ("regional_member", "almaty"),
        ("national_member", "national"),
        ("media", "national"),
    ):
        assert client.get("/api/v1/audit", headers=bearer(runtime, user(role, scope))).status_code == 403
