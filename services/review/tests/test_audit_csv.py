"""The audit CSV export: values a person typed that a spreadsheet would run as formulas come out as
text behind an apostrophe (`shared.exports`), read back with the csv module."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from services.review.app import create_app
from services.review.operations import audit
from services.review.tests import seeding, tokens
from shared.runtime import Runtime

HYPERLINK = '=HYPERLINK("http://evil.example/","Ашу")'


def test_formula_like_cells_are_quoted_and_the_rest_as_written(runtime: Runtime) -> None:
    actor = replace(tokens.person("regional_chair", "almaty", user_id="@user"), email="-x@example.kz")
    with runtime.db.unit_of_work() as session:
        audit.record(
            session, actor, "decision.recorded", candidate=HYPERLINK, region="almaty", note="\tқадам"
        )
    client = create_app(runtime).test_client()
    admin = seeding.token(runtime.settings.secret_key, "admin", "national", "kk", "admin@example.kz")
    exported = client.get("/audit.csv", headers=admin)
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert text.startswith("\ufeff")
    reader = csv.DictReader(io.StringIO(text[1:], newline=""))
    rows = list(reader)
    assert list(reader.fieldnames or [])[:3] == ["id", "at", "actor_id"]
    row = next(r for r in rows if r["action"] == "decision.recorded")
    assert row["actor_id"] == "'@user" and row["actor_email"] == "'-x@example.kz"
    assert row["candidate_id"] == "'" + HYPERLINK
    assert row["region"] == "almaty" and row["role"] == "regional_chair"
    assert '"note": "\\tқадам"' in row["details"]  # JSON: starts with "{", written as it is
    assert not any(value.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for value in r.values())
