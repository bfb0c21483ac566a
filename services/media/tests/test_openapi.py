"""Media publishes its API's OpenAPI document and docs page, open to anyone, and the document says
what the API really does: every operation has a summary, its body and answer schemas with examples,
and the problems it may answer; the answers it documents are the answers it gives."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from services.media.app import create_app
from services.media.handlers import HANDLERS
from services.media.tests.factories import advanced, media_token, submitted
from shared.handling import handle
from shared.runtime import Runtime

OPERATIONS = {
    ("/api/v1/assets", "get"),
    ("/api/v1/kits", "post"),
    ("/api/v1/kits/{kit_id}", "get"),
    ("/api/v1/publications", "post"),
    ("/api/v1/publications", "get"),
}


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    return create_app(runtime).test_client()


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    answer = client.get("/api/v1/openapi.json")  # no token: the document is public
    assert answer.status_code == 200
    return answer.get_json()


def _operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (path, method): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method != "parameters"
    }


def test_the_document_is_valid_openapi_and_lists_every_operation(spec: dict[str, Any]) -> None:
    validate(spec)
    assert set(_operations(spec)) == OPERATIONS


def test_every_operation_has_a_summary_schemas_examples_and_its_problems(spec: dict[str, Any]) -> None:
    for (path, method), op in _operations(spec).items():
        assert op.get("summary"), (path, method)
        success = [status for status in op["responses"] if status.startswith("2")]
        assert len(success) == 1, (path, method)
        content = op["responses"][success[0]]["content"]["application/json"]
        assert content["schema"] and content["example"], (path, method)
        assert {"401", "403"} <= set(op["responses"]), (path, method)
        for status, answer in op["responses"].items():
            if status.startswith("4"):
                assert answer["content"]["application/problem+json"]["example"]["status"] == int(status)
        if method == "post":
            body = op["requestBody"]["content"]["application/json"]
            assert body["schema"] and body["example"], path
            assert "422" in op["responses"], path


def test_the_docs_page_renders_under_our_csp(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert b"<script>" not in page.data  # no inline start-up: the CSP would block it
    assert client.get("/api/v1/docs/assets/top100-start.js").status_code == 200


def test_the_documented_examples_are_what_the_api_answers(
    client: FlaskClient, runtime: Runtime, spec: dict[str, Any]
) -> None:
    auth = {"Authorization": f"Bearer {media_token(runtime)}"}
    operations = _operations(spec)
    kit_in = operations[("/api/v1/kits", "post")]["requestBody"]["content"]["application/json"]["example"]
    made = client.post("/api/v1/kits", json=kit_in, headers=auth)
    documented = operations[("/api/v1/kits", "post")]["responses"]["202"]["content"]["application/json"]
    assert made.status_code == 202 and set(made.get_json()) == set(documented["example"])

    published = operations[("/api/v1/publications", "post")]["requestBody"]["content"]["application/json"]
    for nomination in published["example"]["candidate_ids"]:  # candidates the media team may see
        handle(runtime, HANDLERS, "media", submitted(None, nomination))
        handle(runtime, HANDLERS, "media", advanced(nomination))
    logged = client.post("/api/v1/publications", json=published["example"], headers=auth)
    assert logged.status_code == 201
    assert {k: logged.get_json()[k] for k in published["example"]} == published["example"]

    missing = client.get("/api/v1/kits/no-such-kit", headers=auth)
    assert missing.status_code == 404 and missing.content_type == "application/problem+json"
    bad = client.get("/api/v1/publications", headers=auth)  # no year
    example = operations[("/api/v1/publications", "get")]["responses"]["422"]["content"]
    assert bad.status_code == 422
    assert bad.get_json()["code"] == example["application/problem+json"]["example"]["code"]
    assert client.get("/api/v1/assets?year=2026").status_code == 401
