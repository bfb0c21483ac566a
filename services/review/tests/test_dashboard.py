"""The dashboard: figures per region and nationally, drawn as SVG, in the caller's language and scope."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from services.review.app import create_app
from services.review.tests import seeding
from shared.runtime import Runtime


@pytest.fixture
def client(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    with runtime.db.unit_of_work() as session:
        ids = [seeding.candidate(session, "almaty").id for _ in range(4)]
        seeding.candidate(session, "almaty", status="withdrawn")
        seeding.candidate(session, "shymkent")
        seeding.candidate(session, "shymkent", stage="republican", complete=False)
    client = create_app(runtime).test_client()
    body = {
        "year": 2026,
        "stage": "regional",
        "region": "almaty",
        "advanced": ids[:3],
        "justification": "Иә.",
    }
    headers = seeding.token(runtime.settings.secret_key, "regional_chair", "almaty")
    assert client.post("/api/v1/decisions", json=body, headers=headers).status_code == 201
    return client


def test_figures_per_region_and_nationally(runtime: Runtime, client: FlaskClient) -> None:
    admin = seeding.token(runtime.settings.secret_key, "admin", "national", "en", "admin@example.kz")
    data = client.get("/api/v1/dashboard?year=2026", headers=admin).get_json()
    almaty = next(r for r in data["regions"] if r["region"] == "almaty")
    assert (almaty["nominations_received"], almaty["candidates"], almaty["decided"]) == (5, 4, 4)
    assert (almaty["advanced"], almaty["quota_left"], almaty["incomplete_republican"]) == (3, 7, 0)
    shymkent = next(r for r in data["regions"] if r["region"] == "shymkent")
    assert shymkent["incomplete_republican"] == 1 and shymkent["decided"] == 0
    assert data["national"]["nominations_received"] == 7 and data["national"]["advanced"] == 3
    days = {d["name"]: d["days_left"] for d in data["deadlines"]}
    assert days["regional_decisions_close"] == 5 and days["amendments_close"] == 10
    mine = client.get(
        "/api/v1/dashboard?year=2026",
        headers=seeding.token(runtime.settings.secret_key, "regional_chair", "shymkent"),
    )
    assert [r["region"] for r in mine.get_json()["regions"]] == ["shymkent"]
    assert client.get("/api/v1/dashboard?year=2026").status_code == 401
    media = seeding.token(runtime.settings.secret_key, "media", "national")
    assert client.get("/api/v1/dashboard?year=2026", headers=media).status_code == 403


@pytest.mark.parametrize(
    ("lang", "words"), [("kk", "Қалған квота"), ("ru", "Остаток квоты"), ("en", "Quota left")]
)
def test_the_page_draws_svg_charts_in_each_language(
    runtime: Runtime, client: FlaskClient, lang: str, words: str
) -> None:
    admin = seeding.token(runtime.settings.secret_key, "admin", "national", lang, "admin@example.kz")
    page = client.get(f"/dashboard?year=2026&lang={lang}", headers=admin)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Content-Language"] == lang
    assert html.count("<svg") == 3 and "<script" not in html and "style=" not in html
    assert words in html and ">3/10<" in html
