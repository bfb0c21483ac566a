"""The audit page and its CSV export: the filters, each viewer's scope, Kazakh letters intact."""

from __future__ import annotations

import csv
import io

from services.review.app import create_app
from services.review.operations import audit
from services.review.rules import audit as actions
from services.review.tests import seeding
from shared.runtime import Runtime


def test_the_page_and_the_csv_show_what_the_viewer_may_see(runtime: Runtime) -> None:
    with runtime.db.unit_of_work() as session:
        audit.record(session, None, actions.LOGIN_FAILED, region="almaty", email="ә***@example.kz")
        audit.record(session, None, "decision.recorded", region="almaty", decision_id="d-1")
        audit.record(session, None, "decision.recorded", region="shymkent", decision_id="=HYPERLINK()")
    client = create_app(runtime).test_client()
    secret = runtime.settings.secret_key
    admin = seeding.token(secret, "admin", "national", "kk", "admin@example.kz")
    page = client.get("/audit?action=decision.recorded&lang=kk", headers=admin)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Аудит журналы" in html
    assert "d-1" in html and "login.failed" not in html
    exported = client.get("/audit.csv?action=decision.recorded", headers=admin)
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:6] == ["id", "at", "actor_id", "actor_email", "role", "action"]
    assert len(rows) == 3 and {r[7] for r in rows[1:]} == {"almaty", "shymkent"}
    assert not any(cell.startswith("=") for row in rows for cell in row)
    chair = seeding.token(secret, "regional_chair", "almaty")
    rows = list(
        csv.reader(
            io.StringIO(client.get("/audit.csv", headers=chair).get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert {r[7] for r in rows[1:]} == {"almaty"} and "ә***@example.kz" in rows[-1][8]
    member = seeding.token(secret, "regional_member", "almaty")
    assert client.get("/audit.csv", headers=member).status_code == 403
    assert client.get("/audit", headers={}).status_code == 302
