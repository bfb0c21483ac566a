"""Notify publishes its API's OpenAPI document and docs page, open to anyone, and the document says
what the API really does: every operation has a summary, its body and answer schemas with examples,
and the problems it may answer; the answers it documents are the answers it gives."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from services.notify.app import create_app
from services.notify.tests.factories import bearer
from shared.runtime import Runtime

OPERATIONS = {
    ("/api/v1/messages", "get"),
    ("/api/v1/templates", "get"),
    ("/api/v1/templates/{code}", "get"),
    ("/api/v1/templates/{code}", "put"),
    ("/api/v1/templates/{code}/preview", "post"),
    ("/api/v1/receipts/{provider}", "post"),
    ("/api/v1/unsubscribe/{token}", "post"),
}
#: Called without signing in: their own check (a signature, a signed token) is the access control.
PUBLIC = {("/api/v1/receipts/{provider}", "post"), ("/api/v1/unsubscribe/{token}", "post")}


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


def _example(op: dict[str, Any], status: str, kind: str = "application/json") -> Any:
    return op["responses"][status]["content"][kind]["example"]


def test_the_document_is_valid_openapi_and_lists_every_operation(spec: dict[str, Any]) -> None:
    validate(spec)
    assert set(_operations(spec)) == OPERATIONS


def test_every_operation_has_a_summary_schemas_examples_and_its_problems(spec: dict[str, Any]) -> None:
    for key, op in _operations(spec).items():
        assert op.get("summary"), key
        successes = [status for status in op["responses"] if status.startswith("2")]
        assert successes, key
        for success in successes:  # a receipt: 200 recorded, 202 no message of that id
            assert op["responses"][success]["content"]["application/json"]["schema"], key
            assert _example(op, success), key
        assert ("401" in op["responses"]) == (key not in PUBLIC or key[0].startswith("/api/v1/receipts")), key
        assert (op.get("security") == []) == (key in PUBLIC), key
        for status in (s for s in op["responses"] if s.startswith("4")):
            assert _example(op, status, "application/problem+json")["status"] == int(status), key
        if key[1] in ("post", "put") and key[0] != "/api/v1/unsubscribe/{token}":
            content = op["requestBody"]["content"]["application/json"]
            assert content["schema"] and content["example"], key


def test_the_docs_page_renders_under_our_csp(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert b"<script>" not in page.data
    assert client.get("/api/v1/docs/assets/top100-start.js").status_code == 200


def test_the_documented_examples_are_what_the_api_answers(
    client: FlaskClient, runtime: Runtime, spec: dict[str, Any]
) -> None:
    admin, ops = bearer(runtime), _operations(spec)
    detail = client.get("/api/v1/templates/nomination_received", headers=admin)
    assert detail.status_code == 200
    assert set(detail.get_json()) == set(_example(ops[("/api/v1/templates/{code}", "get")], "200"))

    put = ops[("/api/v1/templates/{code}", "put")]
    saved = client.put(
        "/api/v1/templates/nomination_received",
        json=put["requestBody"]["content"]["application/json"]["example"],
        headers=admin,
    )
    assert saved.status_code == 201 and set(saved.get_json()) == set(_example(put, "201"))

    preview = ops[("/api/v1/templates/{code}/preview", "post")]
    shown = client.post(
        "/api/v1/templates/nomination_received/preview",
        json=preview["requestBody"]["content"]["application/json"]["example"],
        headers=admin,
    )
    assert shown.status_code == 200 and set(shown.get_json()) == set(_example(preview, "200"))

    logged = client.get("/api/v1/messages", headers=admin)
    assert logged.status_code == 200 and set(logged.get_json()) == set(
        _example(ops[("/api/v1/messages", "get")], "200")
    )
    assert client.get("/api/v1/templates/no_such", headers=admin).status_code == 404
    assert client.post("/api/v1/unsubscribe/forged").status_code == 404
    assert client.get("/api/v1/templates").status_code == 401
