"""The decisions API: chairs only, every candidate decided, each refusal (409, 422) records nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, text

from services.review.app import create_app
from services.review.models import Candidate, Decision, outbox
from services.review.tests import seeding
from shared.runtime import Runtime

OPEN = "2026-10-10T12:00:00+05:00"


@pytest.fixture
def client(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[FlaskClient]:
    monkeypatch.setenv("TOP100_NOW", OPEN)
    yield create_app(runtime).test_client()


def chair(runtime: Runtime, region: str = "almaty", language: str = "kk") -> dict[str, str]:
    return seeding.token(runtime.settings.secret_key, "regional_chair", region, language)


def seed(runtime: Runtime, n: int, region: str = "almaty", **kwargs: object) -> list[str]:
    with runtime.db.unit_of_work() as session:
        return [seeding.candidate(session, region, **kwargs).id for _ in range(n)]  # type: ignore[arg-type]


def body(advanced: list[str], region: str = "almaty", **extra: object) -> dict[str, object]:
    return {
        "year": 2026,
        "stage": "regional",
        "region": region,
        "advanced": advanced,
        "justification": "Жоғары балл және WorldSkills жеңістері.",
        "members_present": ["a@example.kz", "b@example.kz"],
        **extra,
    }


def counts(runtime: Runtime) -> tuple[int, int]:
    with runtime.db.unit_of_work() as session:
        return (
            session.scalar(select(func.count()).select_from(Decision)) or 0,
            session.scalar(select(func.count()).select_from(outbox)) or 0,
        )


def events(runtime: Runtime) -> list[dict[str, object]]:
    with runtime.db.unit_of_work() as session:
        return [json.loads(body) for body in session.scalars(select(outbox.c.body).order_by(outbox.c.id))]


def test_a_regional_decision_advances_some_and_not_the_rest(runtime: Runtime, client: FlaskClient) -> None:
    ids = seed(runtime, 12)
    seed(runtime, 2, "shymkent")
    incomplete = seed(runtime, 1, complete=False)[0]
    answer = client.post("/api/v1/decisions", json=body([*ids[:9], incomplete]), headers=chair(runtime))
    assert answer.status_code == 201, answer.get_json()
    decision = answer.get_json()
    assert answer.headers["Location"].endswith(f"/api/v1/decisions/{decision['id']}")
    assert sorted(decision["not_advanced"]) == sorted(ids[9:])
    assert decision["quota_used"] == 10 and decision["quota_left"] == 0
    with runtime.db.unit_of_work() as session:
        rows = {c.id: (c.stage, c.status) for c in session.scalars(select(Candidate))}
    assert rows[ids[0]] == ("republican", "under_review")
    assert rows[ids[11]] == ("regional", "not_advanced")
    sent = events(runtime)
    kinds = [e["type"] for e in sent]
    assert kinds.count("candidate.advanced") == 10 and kinds.count("candidate.not_advanced") == 3
    assert kinds.count("stage.closed") == 1 and kinds.count("candidate.incomplete") == 1
    [lacking] = [e for e in sent if e["type"] == "candidate.incomplete"]
    assert lacking["payload"]["missing"] == ["statements.kk", "statements.ru", "statements.en", "photo"]
    assert lacking["payload"]["amend_by"].startswith("2026-10-20T23:59:59")
    assert all(e["region"] == "almaty" for e in sent)
    assert client.get(f"/api/v1/decisions/{decision['id']}", headers=chair(runtime)).status_code == 200
    listed = client.get("/api/v1/decisions?year=2026", headers=chair(runtime)).get_json()["items"]
    assert [d["id"] for d in listed] == [decision["id"]]
    assert (
        client.get("/api/v1/decisions?year=2026", headers=chair(runtime, "shymkent")).get_json()["items"]
        == []
    )


def test_more_than_ten_is_quota_exceeded_and_records_nothing(runtime: Runtime, client: FlaskClient) -> None:
    ids = seed(runtime, 11)
    answer = client.post("/api/v1/decisions", json=body(ids), headers=chair(runtime))
    assert answer.status_code == 409
    problem = answer.get_json()
    assert problem["code"] == "quota_exceeded" and "10" in problem["detail"]
    assert answer.headers["Content-Language"] == "kk"
    assert counts(runtime) == (0, 0)


def test_a_second_decision_is_already_decided_and_a_correction_points_to_the_first(
    runtime: Runtime, client: FlaskClient
) -> None:
    ids = seed(runtime, 3)
    first = client.post("/api/v1/decisions", json=body(ids[:1]), headers=chair(runtime)).get_json()
    again = client.post("/api/v1/decisions", json=body(ids[:2]), headers=chair(runtime))
    assert again.status_code == 409 and again.get_json()["code"] == "already_decided"
    no_reason = client.post(
        f"/api/v1/decisions/{first['id']}/corrections", json=body(ids[1:2]), headers=chair(runtime)
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    before = counts(runtime)
    fixed = client.post(
        f"/api/v1/decisions/{first['id']}/corrections",
        json=body(ids[1:2], reason="Балл дұрыс есептелмеген."),
        headers=chair(runtime),
    )
    assert fixed.status_code == 201
    correction = fixed.get_json()
    assert correction["supersedes"] == first["id"] and correction["reason"] == "Балл дұрыс есептелмеген."
    # Only the two candidates whose outcome changed hear of it, plus the stage's closing again.
    assert counts(runtime)[1] - before[1] == 3
    assert (
        client.get(f"/api/v1/decisions/{first['id']}", headers=chair(runtime)).get_json()["superseded_by"]
        == correction["id"]
    )
    stale = client.post(
        f"/api/v1/decisions/{first['id']}/corrections",
        json=body(ids[:1], reason="again"),
        headers=chair(runtime),
    )
    assert stale.status_code == 409 and stale.get_json()["code"] == "already_decided"


def test_after_the_deadline_stage_closed_unless_extended(
    runtime: Runtime, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = seed(runtime, 2)
    monkeypatch.setenv("TOP100_NOW", "2026-10-15T23:59:59+05:00")
    app = create_app(runtime)
    assert app  # the last second of 15 Oct is still open: checked by the rules' unit test
    monkeypatch.setenv("TOP100_NOW", "2026-10-16T00:00:00+05:00")
    late = client.post("/api/v1/decisions", json=body(ids[:1]), headers=chair(runtime, language="ru"))
    assert late.status_code == 409 and late.get_json()["code"] == "stage_closed"
    assert late.headers["Content-Language"] == "ru"
    assert counts(runtime) == (0, 0)
    admin = seeding.token(runtime.settings.secret_key, "admin", "national", "en", "admin@example.kz")
    extension = {"year": 2026, "stage": "regional", "region": "almaty", "until": "2026-10-17T18:00:00+05:00"}
    assert (
        client.post("/api/v1/extensions", json={**extension, "reason": " "}, headers=admin).status_code == 422
    )
    assert (
        client.post(
            "/api/v1/extensions", json={**extension, "reason": "x"}, headers=chair(runtime)
        ).status_code
        == 403
    )
    granted = client.post("/api/v1/extensions", json={**extension, "reason": "Су тасқыны"}, headers=admin)
    assert granted.status_code == 201
    assert client.post("/api/v1/decisions", json=body(ids[:1]), headers=chair(runtime)).status_code == 201
    other = seed(runtime, 1, "shymkent")
    closed = client.post(
        "/api/v1/decisions", json=body(other, "shymkent"), headers=chair(runtime, "shymkent")
    )
    assert closed.status_code == 409


def test_the_republican_decision_refuses_incomplete_candidates(runtime: Runtime, client: FlaskClient) -> None:
    complete = seed(runtime, 2, stage="republican")
    lacking = seed(runtime, 1, "shymkent", stage="republican", complete=False)
    national = seeding.token(runtime.settings.secret_key, "national_chair", "national", "en", "nc@example.kz")
    decision = {**body([*complete, *lacking]), "stage": "republican", "region": None}
    answer = client.post("/api/v1/decisions", json=decision, headers=national)
    assert answer.status_code == 409
    problem = answer.get_json()
    assert problem["code"] == "candidate_incomplete"
    assert problem["candidates"] == [
        {"id": lacking[0], "missing": ["statements.kk", "statements.ru", "statements.en", "photo"]}
    ]
    assert counts(runtime) == (0, 0)
    answer = client.post("/api/v1/decisions", json={**decision, "advanced": complete}, headers=national)
    assert answer.status_code == 201
    sent = events(runtime)
    published = [e for e in sent if e["type"] == "winners.published"]
    assert {e["region"] for e in published} == {"almaty", "shymkent"}
    [almaty] = [e for e in published if e["region"] == "almaty"]
    assert sorted(almaty["payload"]["candidate_ids"]) == sorted(complete)
    advanced = [e for e in sent if e["type"] == "candidate.advanced"]
    assert {e["payload"]["to_stage"] for e in advanced} == {"winner"}
    with runtime.db.unit_of_work() as session:
        assert session.get(Candidate, complete[0]).status == "winner"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"justification": "   "}, 422, "justification"),
        ({"advanced": "x"}, 422, "advanced"),
        ({"region": None}, 422, "region"),
        ({"members_present": ["not an email"]}, 422, "members_present"),
    ],
)
def test_bad_bodies_are_422_and_record_nothing(
    runtime: Runtime, client: FlaskClient, change: dict[str, object], status: int, field: str
) -> None:
    ids = seed(runtime, 1)
    answer = client.post("/api/v1/decisions", json={**body(ids), **change}, headers=chair(runtime))
    assert answer.status_code == status
    assert field in answer.get_json()["errors"]
    assert counts(runtime) == (0, 0)


def test_strangers_and_duplicates_are_named(runtime: Runtime, client: FlaskClient) -> None:
    ids = seed(runtime, 2)
    elsewhere = seed(runtime, 1, "shymkent")
    republican = seed(runtime, 1, stage="republican")
    answer = client.post(
        "/api/v1/decisions", json=body([ids[0], *elsewhere, *republican]), headers=chair(runtime)
    )
    assert answer.status_code == 422
    assert answer.get_json()["code"] == "not_in_scope"
    assert answer.get_json()["candidates"] == [*elsewhere, *republican]
    twice = client.post("/api/v1/decisions", json=body([ids[0], ids[0]]), headers=chair(runtime))
    assert twice.status_code == 422 and twice.get_json()["candidates"] == [ids[0]]
    assert counts(runtime) == (0, 0)


def test_only_the_regions_chair_decides(runtime: Runtime, client: FlaskClient) -> None:
    ids = seed(runtime, 1)
    secret = runtime.settings.secret_key
    for headers in (
        seeding.token(secret, "regional_member", "almaty"),
        seeding.token(secret, "admin", "national"),
        chair(runtime, "shymkent"),
        seeding.token(secret, "national_chair", "national"),
    ):
        assert client.post("/api/v1/decisions", json=body(ids), headers=headers).status_code == 403
    assert client.post("/api/v1/decisions", json=body(ids)).status_code == 401
    assert counts(runtime) == (0, 0)


def test_decisions_are_never_updated_or_deleted_in_the_database(
    runtime: Runtime, client: FlaskClient
) -> None:
    ids = seed(runtime, 1)
    decision = client.post("/api/v1/decisions", json=body(ids), headers=chair(runtime)).get_json()
    for statement in ("UPDATE decisions SET justification = 'x'", "DELETE FROM decisions"):
        with pytest.raises(Exception, match="append-only"), runtime.db.unit_of_work() as session:
            session.execute(text(statement))
    assert client.get(f"/api/v1/decisions/{decision['id']}", headers=chair(runtime)).status_code == 200


def test_decisions_corrections_and_extensions_are_audited_and_the_log_is_append_only(
    runtime: Runtime, client: FlaskClient
) -> None:
    from services.review.models import AuditEntry

    ids = seed(runtime, 2)
    first = client.post("/api/v1/decisions", json=body(ids[:1]), headers=chair(runtime)).get_json()
    client.post(
        f"/api/v1/decisions/{first['id']}/corrections",
        json=body(ids[1:], reason="Қате."),
        headers=chair(runtime),
    )
    admin = seeding.token(runtime.settings.secret_key, "admin", "national", "en", "admin@example.kz")
    extension = {"year": 2026, "stage": "regional", "region": "almaty", "until": "2026-10-17T18:00:00+05:00"}
    client.post("/api/v1/extensions", json={**extension, "reason": "Су тасқыны"}, headers=admin)
    with runtime.db.unit_of_work() as session:
        entries = [(e.action, e.region) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert entries == [
        ("decision.recorded", "almaty"),
        ("decision.corrected", "almaty"),
        ("extension.granted", "almaty"),
    ]
    assert (
        client.get(f"/api/v1/decisions/{first['id']}/protocol.pdf", headers=chair(runtime)).status_code == 200
    )
    with runtime.db.unit_of_work() as session:
        read = session.scalars(select(AuditEntry).where(AuditEntry.action == "protocol.read")).one()
        assert read.details == {"decision_id": first["id"], "format": "pdf"}
    log = client.get("/api/v1/audit?action=decision.corrected", headers=chair(runtime)).get_json()["items"]
    assert [item["details"]["supersedes"] for item in log] == [first["id"]]
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), runtime.db.unit_of_work() as session:
            session.execute(text(statement))


def test_the_season_drilled_with_top100_now(
    runtime: Runtime, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The regional decision on 15 Oct's last second, the republican one after 20 Oct; the regional
    stage closed from 16 Oct; the winners' decision closed after 31 Dec."""
    from services.review.tests.people import create_user

    ids = seed(runtime, 3)
    member = create_user(runtime, "regional_member", "almaty", name="Серік Әбенов")
    monkeypatch.setenv("TOP100_NOW", "2026-10-15T23:59:59+05:00")
    regional = client.post(
        "/api/v1/decisions",
        json=body(ids[:2], members_present=[member.email.upper()]),
        headers=chair(runtime),
    )
    assert regional.status_code == 201
    workbook = client.get(
        f"/api/v1/decisions/{regional.get_json()['id']}/protocol.xlsx?lang=en", headers=chair(runtime)
    )
    assert workbook.status_code == 200 and workbook.headers["Content-Language"] == "en"
    from openpyxl import load_workbook

    cells = {
        str(c.value)
        for sheet in load_workbook(io.BytesIO(workbook.data))
        for row in sheet.iter_rows()
        for c in row
    }
    assert any("Серік Әбенов" in cell for cell in cells)
    national = seeding.token(runtime.settings.secret_key, "national_chair", "national", "ru", "nc@example.kz")
    winners = {**body(ids[:1]), "stage": "republican", "region": None}
    monkeypatch.setenv("TOP100_NOW", "2026-10-25T10:00:00+05:00")
    late = client.post(
        f"/api/v1/decisions/{regional.get_json()['id']}/corrections",
        json=body(ids[:1], reason="x"),
        headers=chair(runtime),
    )
    assert late.status_code == 409 and late.get_json()["code"] == "stage_closed"
    monkeypatch.setenv("TOP100_NOW", "2027-01-01T00:00:00+05:00")
    assert (
        client.post("/api/v1/decisions", json=winners, headers=national).get_json()["code"] == "stage_closed"
    )
    monkeypatch.setenv("TOP100_NOW", "2026-12-31T23:59:59+05:00")
    assert client.post("/api/v1/decisions", json=winners, headers=national).status_code == 201
