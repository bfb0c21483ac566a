"""The chair's decision page, signed in through the real login: a refusal in the chair's language,
nothing recorded; then the decision, its page and its protocol."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from services.review.models import Decision
from services.review.tests import seeding
from services.review.tests.people import csrf_token
from shared.runtime import Runtime


@pytest.mark.parametrize(("lang", "refused"), [("kk", "Шешім жазылмады"), ("ru", "Решение не записано")])
def test_a_chair_hits_the_quota_then_records_and_downloads_the_protocol(
    runtime: Runtime,
    client_as: Callable[..., FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    refused: str,
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    with runtime.db.unit_of_work() as session:
        ids = [seeding.candidate(session, "almaty", last_name=f"Әлиев{i}").id for i in range(12)]
    client = client_as("regional_chair", "almaty", language=lang)
    page = client.get("/decisions/new?year=2026")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count('name="advanced"') == 12
    form = {
        "csrf_token": csrf_token(html),
        "year": "2026",
        "advanced": ids[:11],
        "justification": "Ең үздіктері.",
        "members_present": "a@example.kz, b@example.kz",
    }
    answer = client.post("/decisions/new", data=form)
    assert answer.status_code == 409
    assert refused in answer.get_data(as_text=True) and "10" in answer.get_data(as_text=True)
    with runtime.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 0
    done = client.post("/decisions/new", data={**form, "advanced": ids[:10]})
    assert done.status_code == 302
    decision_page = client.get(done.headers["Location"]).get_data(as_text=True)
    pdf_link = re.search(r'id="protocol-pdf" href="([^"]+)"', decision_page)
    assert pdf_link
    pdf = client.get(pdf_link.group(1).replace("&amp;", "&"))
    assert pdf.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Әлиев0" in text and {"kk": "Қолдар", "ru": "Подписи"}[lang] in text
    # The fingerprint on the page is the one the printed protocol carries in its footer.
    shown = re.search(r'id="fingerprint">([0-9a-f]{64})<', decision_page)
    assert shown and f"SHA-256 {shown.group(1)}" in text
    again = client.get("/decisions/new?year=2026").get_data(as_text=True)
    assert 'name="corrects"' in again
