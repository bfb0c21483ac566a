"""Integers longer than Python reads from text (4,300 digits) are a field's 422, never a 500."""

from __future__ import annotations

import io
import json

import pytest
from flask.testing import FlaskClient

from services.intake.tests import factories

HUGE = "1" + "0" * 5000


def _with_huge(path: str) -> str:
    """A valid nomination's JSON with the number at `path` (dotted) replaced by a 5,001-digit one."""
    doc = factories.nomination()
    *parents, last = path.split(".")
    node = doc
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = "HUGE"
    return json.dumps(doc).replace('"HUGE"', HUGE)


@pytest.mark.parametrize("path", ["year", "student.course", "achievements.0.year"])
def test_a_5000_digit_integer_is_named_as_its_field(client: FlaskClient, auth: dict, path: str) -> None:
    response = client.post(
        "/api/v1/nominations", data=_with_huge(path), headers=auth, content_type="application/json"
    )
    assert response.status_code == 422, response.data[:300]
    assert response.mimetype == "application/problem+json"
    assert list(response.json["codes"]) == [path]
    assert response.json["codes"][path][0].startswith("range")


def test_a_5000_digit_integer_in_a_multipart_part_is_named_too(client: FlaskClient, auth: dict) -> None:
    part = (io.BytesIO(_with_huge("year").encode()), "nomination.json", "application/json")
    response = client.post(
        "/api/v1/nominations",
        data={"nomination": part},
        headers=auth,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert list(response.json["codes"]) == ["year"]


def test_a_negative_5000_digit_integer_in_a_patch_is_named(client: FlaskClient, auth: dict) -> None:
    created = client.post("/api/v1/nominations", json=factories.nomination(), headers=auth).json
    response = client.patch(
        f"/api/v1/nominations/{created['id']}",
        data='{"student": {"course": -' + HUGE + "}}",
        headers=auth,
        content_type="application/merge-patch+json",
    )
    assert response.status_code == 422
    assert list(response.json["codes"]) == ["student.course"]


def test_json_that_does_not_parse_names_the_nomination_part(client: FlaskClient, auth: dict) -> None:
    response = client.post(
        "/api/v1/nominations", data='{"year": ' + HUGE, headers=auth, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json["codes"] == {"nomination": ["invalid_json"]}


def test_a_5000_digit_query_number_is_a_field_error(client: FlaskClient, auth: dict) -> None:
    response = client.get(f"/api/v1/nominations?year={HUGE}", headers=auth)
    assert response.status_code == 422
    assert list(response.json["codes"]) == ["year"]
