"""The example the README sends with curl is a nomination intake accepts, photo included."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskClient

from services.intake.tests.factories import multipart

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def test_the_documented_example_is_accepted(client: FlaskClient, auth: dict[str, str]) -> None:
    doc = json.loads((EXAMPLES / "nomination.json").read_text(encoding="utf-8"))
    photo = (EXAMPLES / "photo.jpg").read_bytes()
    response = client.post("/api/v1/nominations", headers=auth, data=multipart(doc, photo))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.json["photo"]["width"] == 600 and response.json["progress"]["missing"] == []
