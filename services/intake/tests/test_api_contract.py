"""The published contract (`GET /api/v1/openapi.json`) says what the API really does: the problem
shape of every failure, a summary and a description per operation, and examples that are real
requests and real answers. Answers chosen by Accept-Language say so with `Vary`."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.intake.tests import factories

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
PROBLEM = "application/problem+json"


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").json


def operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
    ]


def _example_nomination(spec: dict[str, Any]) -> dict[str, Any]:
    """The documented example, with a whole statement where the document shows the start of one."""
    doc = copy.deepcopy(
        spec["paths"]["/api/v1/nominations"]["post"]["requestBody"]["content"]["application/json"]["example"]
    )
    doc["statements"]["kk"] = factories.statement("kk")
    return doc


def test_every_failure_is_documented_as_the_problem_it_is(
    client: FlaskClient, auth: dict, spec: dict[str, Any]
) -> None:
    for label, operation in operations(spec):
        assert operation["responses"]["default"] == {"$ref": "#/components/responses/Problem"}, label
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert list(response["content"]) == [PROBLEM], (label, status)
    default = spec["components"]["responses"]["Problem"]
    assert default["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/ProblemOut"}
    assert "Error" not in spec["components"]["schemas"]  # flask-smorest's shape, which is never answered
    documented = set(spec["components"]["schemas"]["ProblemOut"]["properties"])
    answered = client.post("/api/v1/nominations", json={"year": "x"}, headers=auth)
    assert answered.mimetype == PROBLEM and set(answered.json) <= documented
    assert set(client.get("/api/v1/nominations/none", headers=auth).json) <= documented


def test_every_operation_has_a_summary_and_a_description(spec: dict[str, Any]) -> None:
    for label, operation in operations(spec):
        assert operation.get("summary"), label
        assert len(operation.get("description", "")) > 40, label


def test_the_example_nomination_is_a_real_one_and_its_answer_the_real_answer(
    client: FlaskClient, auth: dict, spec: dict[str, Any]
) -> None:
    post = spec["paths"]["/api/v1/nominations"]["post"]
    example = post["requestBody"]["content"]["application/json"]["example"]
    assert post["requestBody"]["content"]["multipart/form-data"]["example"] == {"nomination": example}
    names = "".join(example["student"][name] for name in ("last_name", "first_name", "patronymic"))
    assert KAZAKH_LETTERS & set(names)
    response = client.post(
        "/api/v1/nominations",
        data=factories.multipart(_example_nomination(spec), factories.jpeg()),
        headers=auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    real, documented = (
        response.json,
        copy.deepcopy(post["responses"]["201"]["content"]["application/json"]["example"]),
    )
    # What differs between two submissions of the same document: the id, the moments, the photo's bytes.
    for name in ("id", "submitted_at", "updated_at"):
        documented[name] = real[name]
    documented["photo"] = {**real["photo"], "content_type": documented["photo"]["content_type"]}
    documented["statements"] = real["statements"]
    assert real == documented


def _examples(spec: dict[str, Any], status: str) -> dict[str, Any]:
    content = spec["paths"]["/api/v1/nominations"]["post"]["responses"][status]["content"][PROBLEM]
    return {name: example["value"] for name, example in content["examples"].items()}


def test_the_422_example_is_the_real_answer(client: FlaskClient, auth: dict, spec: dict[str, Any]) -> None:
    doc = _example_nomination(spec)
    doc["student"]["iin"] = doc["student"]["iin"][:11] + str((int(doc["student"]["iin"][11]) + 1) % 10)
    doc["statements"] = {"ru": factories.statement("ru_249")}
    response = client.post("/api/v1/nominations", json=doc, headers=auth)
    assert response.status_code == 422
    assert response.json == _examples(spec, "422")["invalid"]


def test_the_409_examples_are_the_real_answers(
    client: FlaskClient, auth: dict, spec: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    documented = _examples(spec, "409")
    assert set(documented) == {
        "college_quota_exceeded",
        "duplicate_student",
        "deadline_passed",
        "idempotency_key_reused",
    }
    doc = _example_nomination(spec)

    def post(document: dict[str, Any], **headers: str):  # type: ignore[no-untyped-def]
        return client.post("/api/v1/nominations", json=document, headers={**auth, **headers})

    assert post(doc, **{"Idempotency-Key": "example-1"}).status_code == 201
    answers = {
        "duplicate_student": post({**doc, "college_code": "ALA-002"}),
        "idempotency_key_reused": post(factories.nomination(1), **{"Idempotency-Key": "example-1"}),
    }
    for serial in (2, 3):
        assert post(factories.nomination(serial, college=doc["college_code"])).status_code == 201
    answers["college_quota_exceeded"] = post(factories.nomination(4, college=doc["college_code"]))
    monkeypatch.setenv("TOP100_NOW", "2026-10-06T00:00:00+05:00")
    answers["deadline_passed"] = post(factories.nomination(5, college="ALA-003"))
    for code, answer in answers.items():
        assert (answer.status_code, answer.json) == (409, documented[code]), code


def test_answers_chosen_by_accept_language_vary_by_it(client: FlaskClient, auth: dict) -> None:
    kk = {**auth, "Accept-Language": "kk"}
    localized = [
        client.post("/api/v1/nominations", json={}, headers=kk),
        client.get("/api/v1/nominations/none", headers=kk),
        client.get("/api/v1/regions"),
        client.get("/api/v1/regions", headers=kk),
        client.get("/api/v1/colleges", headers=kk),
        client.get("/api/v1/problems/duplicate_student", headers=kk),
        client.delete("/api/v1/regions", headers=kk),
    ]
    for response in localized:
        assert "Accept-Language" in response.vary, (response.request.path, response.status_code)
        assert response.headers["Content-Language"] == "kk" or response.status_code == 401
    created = client.post("/api/v1/nominations", json=factories.nomination(), headers=kk)
    assert created.status_code == 201
    assert "Accept-Language" not in client.get(created.headers["Location"], headers=kk).vary


def test_a_method_not_allowed_is_a_problem_and_says_so(client: FlaskClient) -> None:
    response = client.delete("/api/v1/regions")
    assert (response.status_code, response.mimetype) == (405, PROBLEM)
    assert response.json["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
