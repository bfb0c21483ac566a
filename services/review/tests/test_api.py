"""The commissions' API: scope (404 outside it), the list's filters and fields, the detail, rubric,
scores, conflicts, rankings, blind mode, problems in three languages, escaping of free text."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from services.review.app import create_app
from services.review.handlers import HANDLERS
from services.review.models import Candidate, Conflict, Score
from services.review.tests.factories import event, submitted
from services.review.tests.tokens import token_headers as bearer
from shared.handling import handle
from shared.runtime import Runtime

LONG = " ".join(["сөз"] * 260)
DURING_REGIONAL = "2026-10-10T12:00:00+05:00"


@pytest.fixture
def client(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    monkeypatch.setenv("TOP100_NOW", DURING_REGIONAL)
    handle(runtime, HANDLERS, "review", submitted("nom-0001", "almaty"))
    handle(
        runtime,
        HANDLERS,
        "review",
        submitted(
            "nom-0002",
            "almaty",
            candidate={"last_name": "ӨМІРЗАҚОВА", "first_name": "Іңкәр", "patronymic": None},
            college_code="ALM-001",
            statements={"kk": LONG, "ru": LONG, "en": " ".join(["word"] * 250)},
        ),
    )
    handle(
        runtime,
        HANDLERS,
        "review",
        submitted(
            "nom-0003",
            "shymkent",
            candidate={"last_name": "Сейітов", "first_name": "Ерлан", "patronymic": None},
        ),
    )
    handle(
        runtime,
        HANDLERS,
        "review",
        event(
            "media.photo_processed",
            {
                "nomination_id": "nom-0002",
                "asset_id": "a-2",
                # As media reports them: blob keys under the asset's id.
                "derivatives": [f"media/nom-0002/a-2/{name}.jpg" for name in ("thumb", "web", "card")],
            },
            producer="media",
        ),
    )
    return create_app(runtime).test_client()


def _ids(runtime: Runtime) -> dict[str, str]:
    with runtime.db.unit_of_work() as session:
        return dict(session.execute(select(Candidate.nomination_id, Candidate.id)).all())


def _full_score(**overrides: Any) -> dict[str, Any]:
    values = {
        "achievements_level": 8,
        "skills_contests": 7,
        "leadership_civic": 6,
        "academic_standing": 4,
        "statement": 9,
    }
    values.update(overrides)
    return {"criteria": values, "comment": "Жақсы"}


def test_anonymous_callers_get_401(client: FlaskClient) -> None:
    assert client.get("/api/v1/candidates").status_code == 401


def test_a_regional_member_sees_only_their_region(client: FlaskClient, runtime: Runtime) -> None:
    ids = _ids(runtime)
    almaty = bearer(runtime, "regional_member", "almaty")
    items = client.get("/api/v1/candidates", headers=almaty).get_json()["items"]
    assert {item["region"] for item in items} == {"almaty"} and len(items) == 2
    assert client.get("/api/v1/candidates?region=shymkent", headers=almaty).get_json()["items"] == []
    outside = ids["nom-0003"]
    assert client.get(f"/api/v1/candidates/{outside}", headers=almaty).status_code == 404
    reply = client.put(f"/api/v1/candidates/{outside}/score", json=_full_score(), headers=almaty)
    assert reply.status_code == 404 and reply.content_type == "application/problem+json"
    assert (
        client.post(
            f"/api/v1/candidates/{outside}/conflicts", json={"reason": "x"}, headers=almaty
        ).status_code
        == 404
    )
    with runtime.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Score)) == 0
        assert session.scalar(select(func.count()).select_from(Conflict)) == 0


def test_national_roles_see_every_region_and_media_only_the_advanced(
    client: FlaskClient, runtime: Runtime
) -> None:
    for role in ("national_member", "national_chair", "admin"):
        assert client.get("/api/v1/candidates", headers=bearer(runtime, role)).get_json()["total"] == 3
    media = bearer(runtime, "media")
    assert client.get("/api/v1/candidates", headers=media).get_json()["items"] == []
    assert client.get("/api/v1/rankings?year=2026&stage=regional", headers=media).status_code == 403
    ids = _ids(runtime)
    assert client.get(f"/api/v1/candidates/{ids['nom-0001']}", headers=media).status_code == 404
    with runtime.db.unit_of_work() as session:
        session.get(Candidate, ids["nom-0001"]).status = "advanced"  # type: ignore[union-attr]
    assert [i["id"] for i in client.get("/api/v1/candidates", headers=media).get_json()["items"]] == [
        ids["nom-0001"]
    ]


def test_list_items_have_the_contract_fields(client: FlaskClient, runtime: Runtime) -> None:
    reply = client.get("/api/v1/candidates?region=almaty&q=іңкәр", headers=bearer(runtime, "national_chair"))
    [item] = reply.get_json()["items"]
    assert set(item) == {
        "id",
        "nomination_id",
        "year",
        "region",
        "college",
        "name",
        "stage",
        "status",
        "photo",
        "missing",
        "score",
        "scores_count",
    }
    assert item["name"]["full"] == "ӨМІРЗАҚОВА Іңкәр" and item["college"]["code"] == "ALM-001"
    assert item["stage"] == "regional" and item["status"] == "under_review" and item["photo"] == "processed"
    assert item["missing"] == [] and item["score"] is None and item["scores_count"] == 0
    assert "contacts" not in reply.get_data(as_text=True) and "alikhan@example.kz" not in reply.get_data(
        as_text=True
    )


@pytest.mark.parametrize("query", ["өмірзақова", "ӨМІРЗАҚОВА", "Өмірзақова іңкәр", "ІҢКӘР"])
def test_search_by_name_in_either_case_of_kazakh_letters(
    client: FlaskClient, runtime: Runtime, query: str
) -> None:
    items = client.get(f"/api/v1/candidates?q={query}", headers=bearer(runtime, "admin")).get_json()["items"]
    assert [i["nomination_id"] for i in items] == ["nom-0002"]


def test_filters_and_bad_filters(client: FlaskClient, runtime: Runtime) -> None:
    admin = bearer(runtime, "admin")
    assert client.get("/api/v1/candidates?college=ALM-001", headers=admin).get_json()["total"] == 1
    assert client.get("/api/v1/candidates?stage=republican", headers=admin).get_json()["total"] == 0
    assert (
        client.get("/api/v1/candidates?status=under_review&year=2026", headers=admin).get_json()["total"] == 3
    )
    reply = client.get("/api/v1/candidates?stage=internal&page=0", headers={**admin, "Accept-Language": "kk"})
    body = reply.get_json()
    assert reply.status_code == 422 and set(body["errors"]) == {"stage", "page"}
    assert reply.headers["Content-Language"] == "kk"


def test_detail_has_statements_words_photo_links_and_what_is_missing(
    client: FlaskClient, runtime: Runtime
) -> None:
    ids = _ids(runtime)
    body = client.get(
        f"/api/v1/candidates/{ids['nom-0002']}", headers=bearer(runtime, "regional_chair", "almaty")
    ).get_json()
    assert body["statements"]["kk"]["words"] == 260 and body["statements"]["en"]["words"] == 250
    # Media's address for a signed-in person, which redirects to a fresh signed link of the file.
    assert body["photo_links"] == {
        "thumb": "http://127.0.0.1:8003/photos/nom-0002/thumb",
        "web": "http://127.0.0.1:8003/photos/nom-0002/web",
    }
    assert "iin" not in body and "contacts" not in body
    other = client.get(
        f"/api/v1/candidates/{ids['nom-0001']}", headers=bearer(runtime, "regional_chair", "almaty")
    ).get_json()
    assert other["missing"] == ["statements.kk", "statements.ru", "statements.en", "photo"]
    assert other["photo_links"] == {}
    handle(runtime, HANDLERS, "review", submitted("nom-0009", "almaty", photo=None))
    listed = client.get("/api/v1/candidates?region=almaty", headers=bearer(runtime, "admin")).get_json()[
        "items"
    ]
    assert {i["nomination_id"]: i["photo"] for i in listed}["nom-0009"] == "none"


def test_score_is_saved_replaced_and_validated_per_criterion(client: FlaskClient, runtime: Runtime) -> None:
    cid = _ids(runtime)["nom-0001"]
    member = bearer(runtime, "regional_member", "almaty", user_id="m1")
    reply = client.put(f"/api/v1/candidates/{cid}/score", json=_full_score(), headers=member)
    assert reply.status_code == 200 and reply.get_json()["weighted"] == pytest.approx(
        (24 + 14 + 12 + 4 + 18) / 10
    )
    reply = client.put(f"/api/v1/candidates/{cid}/score", json=_full_score(statement=1), headers=member)
    assert reply.status_code == 200
    bad = _full_score(achievements_level=99, skills_contests="7")
    del bad["criteria"]["statement"]
    reply = client.put(
        f"/api/v1/candidates/{cid}/score", json=bad, headers={**member, "Accept-Language": "ru"}
    )
    problem = reply.get_json()
    assert reply.status_code == 422 and reply.content_type == "application/problem+json"
    assert set(problem["errors"]) == {
        "criteria.achievements_level",
        "criteria.skills_contests",
        "criteria.statement",
    }
    assert problem["errors"]["criteria.statement"] == ["нужно значение"]
    with runtime.db.unit_of_work() as session:
        [score] = session.scalars(select(Score)).all()
        assert score.values["statement"] == 1 and score.comment == "Жақсы"
    listed = client.get("/api/v1/candidates?region=almaty", headers=member).get_json()["items"]
    mine = {i["id"]: i["score"] for i in listed}[cid]
    assert mine["criteria"]["statement"] == 1
    unscored = client.get("/api/v1/candidates?unscored=1", headers=member).get_json()["items"]
    assert cid not in {i["id"] for i in unscored} and len(unscored) == 1


def test_who_may_not_score(client: FlaskClient, runtime: Runtime) -> None:
    cid = _ids(runtime)["nom-0001"]
    assert (
        client.put(
            f"/api/v1/candidates/{cid}/score", json=_full_score(), headers=bearer(runtime, "admin")
        ).status_code
        == 403
    )
    assert (
        client.put(
            f"/api/v1/candidates/{cid}/score", json=_full_score(), headers=bearer(runtime, "media")
        ).status_code
        == 403
    )
    national = client.put(
        f"/api/v1/candidates/{cid}/score", json=_full_score(), headers=bearer(runtime, "national_member")
    )
    assert national.status_code == 403 and national.get_json()["code"] == "not_your_stage"
    college = bearer(runtime, "regional_member", "almaty", user_id="m9", college="ALM-017")
    reply = client.put(f"/api/v1/candidates/{cid}/score", json=_full_score(), headers=college)
    assert reply.status_code == 409 and reply.get_json()["code"] == "conflict_declared"


def test_after_the_regional_deadline_the_stage_is_closed(
    client: FlaskClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = _ids(runtime)["nom-0001"]
    monkeypatch.setenv("TOP100_NOW", "2026-10-16T00:00:00+05:00")
    member = bearer(runtime, "regional_member", "almaty")
    reply = client.put(f"/api/v1/candidates/{cid}/score", json=_full_score(), headers=member)
    assert reply.status_code == 409 and reply.get_json()["code"] == "stage_closed"


def test_conflict_withdraws_the_score_and_blocks_scoring(client: FlaskClient, runtime: Runtime) -> None:
    cid = _ids(runtime)["nom-0001"]
    member = bearer(runtime, "regional_member", "almaty", user_id="m1")
    client.put(f"/api/v1/candidates/{cid}/score", json=_full_score(), headers=member)
    assert (
        client.post(f"/api/v1/candidates/{cid}/conflicts", json={"reason": ""}, headers=member).status_code
        == 422
    )
    reply = client.post(
        f"/api/v1/candidates/{cid}/conflicts", json={"reason": "Менің жиенім"}, headers=member
    )
    assert reply.status_code == 201
    assert (
        client.post(
            f"/api/v1/candidates/{cid}/conflicts", json={"reason": "again"}, headers=member
        ).status_code
        == 200
    )
    with runtime.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Score)) == 0
    reply = client.put(f"/api/v1/candidates/{cid}/score", json=_full_score(), headers=member)
    assert reply.status_code == 409 and reply.get_json()["code"] == "conflict_declared"
    chair = client.get(
        f"/api/v1/candidates/{cid}", headers=bearer(runtime, "regional_chair", "almaty")
    ).get_json()
    assert [c["reason"] for c in chair["conflicts"]] == ["Менің жиенім"]
    other = client.get(
        f"/api/v1/candidates/{cid}", headers=bearer(runtime, "regional_member", "almaty", user_id="m2")
    ).get_json()
    assert other["conflicts"] == []


def test_rubric_is_shipped_changed_by_an_admin_and_frozen_by_the_first_score(
    client: FlaskClient, runtime: Runtime
) -> None:
    admin = bearer(runtime, "admin")
    rubric = client.get("/api/v1/rubrics/2026/regional", headers=admin).get_json()
    assert rubric["frozen"] is False and rubric["criteria"][0]["names"]["kk"]
    assert client.get("/api/v1/rubrics/2026/internal", headers=admin).status_code == 404
    body = {"min_scores": 2, "criteria": [dict(c, weight=1) for c in rubric["criteria"]]}
    assert (
        client.put(
            "/api/v1/rubrics/2026/regional", json=body, headers=bearer(runtime, "regional_chair", "almaty")
        ).status_code
        == 403
    )
    bad = client.put("/api/v1/rubrics/2026/regional", json={"min_scores": 0, "criteria": []}, headers=admin)
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"min_scores", "criteria"}
    assert client.put("/api/v1/rubrics/2026/regional", json=body, headers=admin).status_code == 200
    assert client.get("/api/v1/rubrics/2026/regional", headers=admin).get_json()["min_scores"] == 2
    cid = _ids(runtime)["nom-0001"]
    client.put(
        f"/api/v1/candidates/{cid}/score",
        json=_full_score(),
        headers=bearer(runtime, "regional_member", "almaty"),
    )
    frozen = client.put("/api/v1/rubrics/2026/regional", json=body, headers=admin)
    assert frozen.status_code == 409 and frozen.get_json()["code"] == "rubric_frozen"
    assert client.get("/api/v1/rubrics/2026/regional", headers=admin).get_json()["frozen"] is True


def test_rankings_order_normalise_and_flag(client: FlaskClient, runtime: Runtime) -> None:
    ids = _ids(runtime)
    a, b = ids["nom-0001"], ids["nom-0002"]
    for user, (va, vb) in {"m1": (9, 5), "m2": (6, 4)}.items():
        h = bearer(runtime, "regional_member", "almaty", user_id=user)
        client.put(f"/api/v1/candidates/{a}/score", json=_full_score(achievements_level=va), headers=h)
        client.put(f"/api/v1/candidates/{b}/score", json=_full_score(achievements_level=vb), headers=h)
    chair = bearer(runtime, "regional_chair", "almaty")
    # Two scores each of a minimum of 3: the chair sees them once they choose to show them.
    assert client.post("/api/v1/stages/2026/regional/scores-shown", json={}, headers=chair).status_code == 200
    reply = client.get("/api/v1/rankings?year=2026&stage=regional", headers=chair)
    body = reply.get_json()
    assert body["region"] == "almaty" and body["normalisation"] == "z-score per member" and body["tie_break"]
    assert [i["candidate_id"] for i in body["items"]] == [a, b]
    first = body["items"][0]
    assert first["rank"] == 1 and first["scores_count"] == 2 and first["flagged"] is True  # minimum is 3
    assert first["normalized"] == 1.0 and {s["member_id"] for s in first["scores"]} == {"m1", "m2"}
    outside = client.get(
        "/api/v1/rankings?year=2026&stage=regional&region=shymkent",
        headers=bearer(runtime, "regional_chair", "almaty"),
    )
    assert outside.status_code == 404
    assert client.get("/api/v1/rankings?year=2026", headers=bearer(runtime, "admin")).status_code == 422


def test_blind_stage_hides_names_and_colleges_from_members_not_chairs(
    client: FlaskClient, runtime: Runtime
) -> None:
    admin = bearer(runtime, "admin")
    assert (
        client.put("/api/v1/stages/2026/regional/blind", json={"blind": "yes"}, headers=admin).status_code
        == 422
    )
    assert (
        client.put(
            "/api/v1/stages/2026/regional/blind",
            json={"blind": True},
            headers=bearer(runtime, "regional_chair", "almaty"),
        ).status_code
        == 403
    )
    assert (
        client.put("/api/v1/stages/2026/regional/blind", json={"blind": True}, headers=admin).status_code
        == 200
    )
    member = client.get(
        "/api/v1/candidates?region=almaty", headers=bearer(runtime, "regional_member", "almaty")
    ).get_json()["items"]
    assert all("name" not in i and "college" not in i for i in member)
    cid = _ids(runtime)["nom-0002"]
    detail = client.get(
        f"/api/v1/candidates/{cid}", headers=bearer(runtime, "regional_member", "almaty")
    ).get_json()
    assert "name" not in detail and detail["photo_links"] == {}
    chair = client.get(
        "/api/v1/candidates?region=almaty", headers=bearer(runtime, "regional_chair", "almaty")
    ).get_json()["items"]
    assert all("name" in i for i in chair)


def test_bad_bodies_are_problems_in_the_callers_language(client: FlaskClient, runtime: Runtime) -> None:
    cid = _ids(runtime)["nom-0001"]
    member = {**bearer(runtime, "regional_member", "almaty"), "Accept-Language": "kk"}
    reply = client.put(
        f"/api/v1/candidates/{cid}/score", data="nope", content_type="application/json", headers=member
    )
    assert reply.status_code == 422 and reply.get_json()["code"] == "invalid_json"
    assert reply.get_json()["title"] != "Invalid body"
    reply = client.put(
        f"/api/v1/candidates/{cid}/score",
        json={"criteria": _full_score()["criteria"], "comment": "x" * 4001},
        headers=member,
    )
    assert reply.status_code == 422 and set(reply.get_json()["errors"]) == {"comment"}
