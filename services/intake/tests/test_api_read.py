"""Reading back: one nomination, the region's list, reference data, the OpenAPI document and docs."""

from __future__ import annotations

from flask.testing import FlaskClient

from services.intake.tests import factories
from services.intake.tests.conftest import issue_key
from shared.runtime import Runtime


def test_the_list_is_the_regions_filtered_and_paginated(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    for serial, college in ((1, "ALA-001"), (2, "ALA-001"), (3, "ALA-002")):
        assert (
            client.post(
                "/api/v1/nominations", json=factories.nomination(serial, college=college), headers=auth
            ).status_code
            == 201
        )
    shymkent = {"Authorization": f"Bearer {issue_key(runtime, 'shymkent')}"}
    assert (
        client.post(
            "/api/v1/nominations", json=factories.nomination(9, college="SHY-001"), headers=shymkent
        ).status_code
        == 201
    )
    page = client.get("/api/v1/nominations?per_page=2", headers=auth).json
    assert (page["total"], len(page["items"]), page["page"]) == (3, 2, 1)
    second = client.get("/api/v1/nominations?page=2&per_page=2", headers=auth).json["items"]
    assert len({item["id"] for item in page["items"] + second}) == 3
    assert client.get("/api/v1/nominations?college_code=ALA-001", headers=auth).json["total"] == 2
    assert client.get("/api/v1/nominations?status=withdrawn&year=2026", headers=auth).json["total"] == 0
    bad = client.get("/api/v1/nominations?per_page=1000&status=lost", headers=auth)
    assert bad.status_code == 422 and set(bad.json["codes"]) == {"per_page", "status"}
    other = client.get("/api/v1/nominations", headers=shymkent).json["items"]
    assert client.get(f"/api/v1/nominations/{other[0]['id']}", headers=auth).status_code == 404


def test_reference_data(client: FlaskClient, auth: dict) -> None:
    regions = client.get("/api/v1/regions", headers={**auth, "Accept-Language": "kk"}).json
    assert len(regions) == 20
    assert {"code": "abai", "name": "Абай облысы"}.items() <= next(
        r for r in regions if r["code"] == "abai"
    ).items()
    colleges = client.get("/api/v1/colleges", headers=auth).json
    assert {c["region"] for c in colleges} == {"almaty"} and len(colleges) == 5
    assert client.get("/api/v1/colleges?region=almaty", headers=auth).status_code == 200
    assert client.get("/api/v1/colleges?region=shymkent", headers=auth).status_code == 403
    assert client.get("/api/v1/regions").status_code == 401


def test_the_contract_is_published(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["paths"]["/api/v1/nominations"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert {"/api/v1/nominations/{nomination_id}/photo", "/api/v1/regions", "/api/v1/colleges"} <= set(
        spec["paths"]
    )
    assert "NominationIn" in spec["components"]["schemas"]
    assert spec["components"]["securitySchemes"]["portalKey"]["scheme"] == "bearer"
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and b"/api/v1/docs/assets/swagger-ui-bundle.js" in page.data
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
    problem = client.get("/api/v1/problems/duplicate_student", headers={"Accept-Language": "ru"}).json
    assert problem["title"] == "Студент уже выдвинут"


def test_health_comes_from_the_shared_base(client: FlaskClient) -> None:
    assert client.get("/healthz").json["status"] == "ok"
    assert client.get("/metrics").status_code == 200


def test_the_root_leads_to_the_docs(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/api/v1/docs")
