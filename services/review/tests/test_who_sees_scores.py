"""Who sees scores, on every page and API that shows them: the candidate, the ranking, the dashboard,
the decision, as each role and in each state of the scoring (found tried as a member would: the
ranking showed every member's score by name before the member had scored, and on a conflict)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.review.app import create_app
from services.review.models import AuditEntry
from services.review.tests import seeding
from services.review.tests.tokens import token_headers as bearer
from shared.runtime import Runtime

OPEN = "2026-10-10T12:00:00+05:00"
AFTER_DEADLINE = "2026-10-16T12:00:00+05:00"
RANKING = "/api/v1/rankings?year=2026&stage=regional"


@pytest.fixture
def client(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[FlaskClient]:
    monkeypatch.setenv("TOP100_NOW", OPEN)
    yield create_app(runtime).test_client()


@pytest.fixture
def ids(runtime: Runtime, client: FlaskClient) -> list[str]:
    """Three candidates of Almaty; m1 and m2 scored the first two (fewer than the minimum of 3)."""
    with runtime.db.unit_of_work() as session:
        made = [seeding.candidate(session, "almaty", last_name=f"Әлі{n}").id for n in range(3)]
    for member, value in (("m1", 9), ("m2", 4)):
        for cid in made[:2]:
            score(client, runtime, member, cid, value)
    return made


def member(runtime: Runtime, user_id: str, role: str = "regional_member") -> dict[str, str]:
    return bearer(runtime, role, "almaty" if role.startswith("regional") else "national", user_id=user_id)


def score(client: FlaskClient, runtime: Runtime, user_id: str, cid: str, value: int = 7, **kw: Any) -> None:
    criteria = {
        "achievements_level": value,
        "skills_contests": value,
        "leadership_civic": value,
        "academic_standing": min(value, 5),
        "statement": value,
    }
    reply = client.put(
        f"/api/v1/candidates/{cid}/score", json={"criteria": criteria}, headers=member(runtime, user_id, **kw)
    )
    assert reply.status_code == 200, reply.get_json()


def decide(client: FlaskClient, runtime: Runtime, advanced: list[str]) -> dict[str, Any]:
    """The Almaty chair records the regional decision: `advanced` go on, the rest do not."""
    body = {
        "year": 2026,
        "stage": "regional",
        "region": "almaty",
        "advanced": advanced,
        "justification": "Жоғары балл.",
        "members_present": ["a@example.kz"],
    }
    chair = seeding.token(runtime.settings.secret_key, "regional_chair", "almaty")
    reply = client.post("/api/v1/decisions", json=body, headers=chair)
    assert reply.status_code == 201, reply.get_json()
    return reply.get_json()


def ranking(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    reply = client.get(RANKING, headers=headers)
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()


def others(client: FlaskClient, headers: dict[str, str], cid: str) -> set[str]:
    """The members whose scores of `cid` the caller is shown on the candidate's detail."""
    return {
        s["member_id"] for s in client.get(f"/api/v1/candidates/{cid}", headers=headers).get_json()["scores"]
    }


def test_a_member_sees_no_score_before_saving_their_own_then_that_candidates(
    client: FlaskClient, runtime: Runtime, ids: list[str]
) -> None:
    m3 = member(runtime, "m3")
    before = ranking(client, m3)
    assert before["items"] == [] and before["not_shown"] == {"unscored": 3, "conflict": 0}
    detail = client.get(f"/api/v1/candidates/{ids[0]}", headers=m3).get_json()
    assert detail["scores"] == [] and detail["scores_shown"] is False and detail["scores_count"] == 2
    score(client, runtime, "m3", ids[1], 6)
    after = ranking(client, m3)
    assert [i["candidate_id"] for i in after["items"]] == [ids[1]]
    assert after["items"][0]["rank"] == 1
    assert {s["member_id"] for s in after["items"][0]["scores"]} == {"m1", "m2", "m3"}
    assert after["not_shown"] == {"unscored": 2, "conflict": 0}
    assert others(client, m3, ids[1]) == {"m1", "m2", "m3"}
    assert others(client, m3, ids[0]) == set()  # still not scored by m3
    # A national member scores no regional candidate, so sees none of their scores.
    national = ranking(client, member(runtime, "n1", "national_member"))
    assert national["items"] == [] and national["not_shown"]["unscored"] == 3


def test_a_member_with_a_conflict_never_sees_a_score_or_rank_not_even_after_the_decision(
    client: FlaskClient, runtime: Runtime, ids: list[str]
) -> None:
    score(client, runtime, "m1", ids[2], 5)
    m1 = member(runtime, "m1")
    assert len(ranking(client, m1)["items"]) == 3
    reply = client.post(f"/api/v1/candidates/{ids[0]}/conflicts", json={"reason": "Менің жиенім"}, headers=m1)
    assert reply.status_code == 201
    body = ranking(client, m1)
    shown = [i["candidate_id"] for i in body["items"]]
    assert ids[0] not in shown and body["not_shown"] == {"unscored": 0, "conflict": 1}
    assert sorted(i["rank"] for i in body["items"]) == [1, 2]  # no gap where the hidden one stands
    assert others(client, m1, ids[0]) == set()
    decide(client, runtime, [ids[1]])
    assert others(client, m1, ids[0]) == set()
    assert ids[0] not in [i["candidate_id"] for i in ranking(client, m1)["items"]]
    assert others(client, member(runtime, "m2"), ids[0]) == {
        "m2"
    }  # m2 scored it: sees their own (m1's is withdrawn)


def test_a_chair_sees_the_scope_after_showing_the_scores_and_the_choice_is_audited(
    client: FlaskClient, runtime: Runtime, ids: list[str]
) -> None:
    chair = member(runtime, "chair", "regional_chair")
    assert ranking(client, chair)["items"] == [] and others(client, chair, ids[0]) == set()
    page = client.get("/rankings?year=2026&stage=regional", headers=chair).get_data(as_text=True)
    assert 'id="show-scores"' in page and "Мүше m1" not in page
    other_region = client.post(
        "/api/v1/stages/2026/regional/scores-shown", json={"region": "shymkent"}, headers=chair
    )
    assert other_region.status_code == 404
    member_try = client.post(
        "/api/v1/stages/2026/regional/scores-shown", json={}, headers=member(runtime, "m1")
    )
    assert member_try.status_code == 403
    for _ in range(2):
        reply = client.post("/api/v1/stages/2026/regional/scores-shown", json={}, headers=chair)
        assert reply.status_code == 200 and reply.get_json()["scope"] == "almaty"
        assert reply.get_json()["shown_by"] == "chair"
    body = ranking(client, chair)
    assert {i["candidate_id"] for i in body["items"]} == set(ids) and body["not_shown"]["unscored"] == 0
    assert others(client, chair, ids[0]) == {"m1", "m2"}
    with runtime.db.unit_of_work() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "scores.shown")).all()
        assert [(e.actor_id, e.region, e.details["stage"], e.details["year"]) for e in entries] == [
            ("chair", "almaty", "regional", 2026)
        ]
    # The national chair shows the republican stage, not a regional chair.
    refused = client.post("/api/v1/stages/2026/republican/scores-shown", json={}, headers=chair)
    assert refused.status_code == 403


def test_a_chair_sees_the_scope_once_its_scoring_is_done(
    client: FlaskClient, runtime: Runtime, ids: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    chair = member(runtime, "chair", "regional_chair")
    for cid in ids[:2]:
        score(client, runtime, "m3", cid)
    assert ranking(client, chair)["items"] == []  # the third candidate has no score yet
    for user_id in ("m1", "m2", "m3"):
        score(client, runtime, user_id, ids[2])
    assert len(ranking(client, chair)["items"]) == 3 and others(client, chair, ids[2]) == {"m1", "m2", "m3"}


def test_a_chair_sees_the_scope_once_the_deadline_passed_and_an_admin_always(
    client: FlaskClient, runtime: Runtime, ids: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = bearer(runtime, "admin")
    assert len(ranking(client, admin)["items"]) == 3 and others(client, admin, ids[0]) == {"m1", "m2"}
    chair = member(runtime, "chair", "regional_chair")
    assert ranking(client, chair)["items"] == []
    monkeypatch.setenv("TOP100_NOW", AFTER_DEADLINE)
    chair = member(runtime, "chair", "regional_chair")  # a credential of the new day
    assert len(ranking(client, chair)["items"]) == 3
    assert ranking(client, member(runtime, "m9"))["items"] == []  # a member: still their own first


def test_pages_show_a_member_only_what_they_may_see(
    client: FlaskClient, runtime: Runtime, ids: list[str]
) -> None:
    m3 = member(runtime, "m3")
    page = client.get("/rankings?year=2026&stage=regional", headers=m3).get_data(as_text=True)
    assert 'id="not-shown"' in page and "Мүше m1" not in page and 'id="ranking"' not in page
    candidate = client.get(f"/candidates/{ids[0]}", headers=m3).get_data(as_text=True)
    assert 'id="scores-hidden"' in candidate and "Мүше m1" not in candidate
    score(client, runtime, "m3", ids[0])
    page = client.get("/rankings?year=2026&stage=regional", headers=m3).get_data(as_text=True)
    assert "Мүше m1" in page and ids[0] in page and ids[1] not in page
    assert "Мүше m2" in client.get(f"/candidates/{ids[0]}", headers=m3).get_data(as_text=True)


def test_the_dashboard_and_the_decision_page_show_a_member_no_score(
    client: FlaskClient, runtime: Runtime, ids: list[str]
) -> None:
    m3 = member(runtime, "m3")
    board = client.get("/api/v1/dashboard?year=2026", headers=m3)
    assert board.status_code == 200
    text = board.get_data(as_text=True)
    assert "weighted" not in text and "m1" not in text and "Мүше" not in text
    decision = decide(client, runtime, [ids[0]])
    page = client.get(f"/decisions/{decision['id']}", headers=m3).get_data(as_text=True)
    assert "Мүше m1" not in page and "9.00" not in page
    api = client.get(f"/api/v1/decisions/{decision['id']}", headers=m3).get_data(as_text=True)
    assert "weighted" not in api and "Мүше m1" not in api


def test_the_audit_log_and_its_export_show_a_chair_score_values_only_where_the_ranking_does(
    client: FlaskClient, runtime: Runtime, ids: list[str]
) -> None:
    chair = member(runtime, "chair", "regional_chair")

    def values(headers: dict[str, str]) -> list[bool]:
        items = client.get("/api/v1/audit?action=score.put", headers=headers).get_json()["items"]
        return ["values" in item["details"] for item in items]

    assert values(chair) == [False] * 4 and values(bearer(runtime, "admin")) == [True] * 4
    export = client.get("/audit.csv?action=score.put", headers=chair).get_data(as_text=True)
    assert "values" not in export and export.count("score.put") == 4
    client.post("/api/v1/stages/2026/regional/scores-shown", json={}, headers=chair)
    assert values(chair) == [True] * 4
    assert (
        client.get("/audit.csv?action=score.put", headers=chair).get_data(as_text=True).count("values") == 4
    )
    page = client.get("/audit?action=score.put", headers=chair).get_data(as_text=True)
    assert page.count("achievements_level") == 4


def test_a_member_may_not_download_the_protocol_that_prints_every_score(
    client: FlaskClient, runtime: Runtime, ids: list[str]
) -> None:
    """The protocol prints every member's scores of every candidate: a member (who may not see them
    before scoring, never on a conflict) gets 403 and no link on the decision's page; a chair gets it."""
    decision_id = decide(client, runtime, ids[:1])["id"]
    chair = seeding.token(runtime.settings.secret_key, "regional_chair", "almaty")
    for who, status in ((member(runtime, "m1"), 403), (chair, 200)):
        for kind in ("pdf", "xlsx"):
            got = client.get(f"/api/v1/decisions/{decision_id}/protocol.{kind}", headers=who)
            assert got.status_code == status, (kind, got.status_code)
    page = client.get(f"/decisions/{decision_id}", headers=member(runtime, "m1")).get_data(as_text=True)
    assert 'id="protocol-pdf"' not in page


def test_a_chair_sees_no_rank_or_score_of_a_candidate_they_declared_a_conflict_on(
    client: FlaskClient, runtime: Runtime, ids: list[str]
) -> None:
    chair = member(runtime, "chair-1", role="regional_chair")
    declared = client.post(f"/api/v1/candidates/{ids[0]}/conflicts", json={"reason": "кузен"}, headers=chair)
    assert declared.status_code in (200, 201), declared.get_json()
    page = client.get("/decisions/new?year=2026", headers=chair).get_data(as_text=True)
    rows = {cid: page[page.index(f'for="adv-{cid}"') - 200 : page.index(f'id="adv-{cid}"')] for cid in ids}
    assert '<td class="rank">—</td>' in rows[ids[0]]
    assert '<td class="rank">—</td>' not in rows[ids[1]]
