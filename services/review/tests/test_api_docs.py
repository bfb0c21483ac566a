"""Review publishes its contract: `GET /api/v1/openapi.json` describes every route under `/api/v1/`
(and nothing the app does not have), each with a summary, its answer's schema and an example, and
the problems it may answer; `GET /api/v1/docs` is Swagger UI started from a file, under our CSP."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from openapi_spec_validator import validate

from services.review.api import docs
from services.review.tests import seeding
from shared.runtime import Runtime

PROBLEM = "application/problem+json"
CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def _spec(app: Flask) -> dict[str, Any]:
    answer = app.test_client().get("/api/v1/openapi.json")
    assert answer.status_code == 200, answer.data
    return answer.json


def _routes(app: Flask) -> set[tuple[str, str]]:
    """The app's JSON operations (method, OpenAPI path), the document's own routes aside."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint.startswith(("api-docs.", "apidocs.")):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((method.lower(), CONVERTER.sub(r"{\1}", rule.rule)))
    return found


def test_the_document_is_valid_openapi_and_describes_every_route(app: Flask) -> None:
    spec = _spec(app)
    validate(spec)
    described = {
        (method, path) for path, item in spec["paths"].items() for method in item if method != "parameters"
    }
    assert described == _routes(app)


def test_every_operation_has_a_summary_a_schema_an_example_and_its_problems(app: Flask) -> None:
    spec = _spec(app)
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            assert operation["summary"], where
            success = [code for code in operation["responses"] if code.startswith("2")]
            assert success, where
            for code in success:  # a conflict declared again: 200, the first declaration
                (content,) = operation["responses"][code]["content"].values()
                assert content["schema"], where
                binary = content["schema"].get("format") == "binary"
                assert binary or "example" in content, where
            assert "401" in operation["responses"], where
            for code, answer in operation["responses"].items():
                if not code.startswith("2"):
                    assert PROBLEM in answer["content"], (where, code)
            if "requestBody" in operation:
                body = operation["requestBody"]["content"]["application/json"]
                assert body["schema"] and body["example"], where
                assert "422" in operation["responses"], where


def test_a_documented_example_body_is_a_request_the_api_reads(runtime: Runtime, app: Flask) -> None:
    """The decision's example is a real request: a chair sending it in the season is refused only
    for what the store holds (no such candidates: a documented code), never for the body's shape."""
    (post,) = [op for op in docs.OPERATIONS if op.endpoint == "review_decisions.post_decision"]
    headers = seeding.token(runtime.settings.secret_key, "regional_chair", "almaty", "ru")
    answer = app.test_client().post("/api/v1/decisions", json=post.body_example, headers=headers)
    assert answer.status_code in post.problems, answer.json
    assert answer.json["code"] in post.problems[answer.status_code], answer.json
    assert answer.json["code"] != "validation_failed", answer.json


def test_the_docs_page_is_open_and_starts_swagger_ui_from_a_file(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "top100-start.js" in html
    assert "<script>" not in html  # no inline script: the CSP would block it
    assert client.get("/api/v1/docs/assets/top100-start.js").status_code == 200
