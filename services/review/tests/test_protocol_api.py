"""A recorded decision's protocol downloaded as a commission does: the fingerprint in its footer is the
one the API gives, the chair signs once, unscored candidates are marked, typed text is never a formula."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from pypdf import PdfReader

from services.review.api.protocol import content as protocol
from services.review.app import create_app
from services.review.tests import seeding
from services.review.tests.test_protocol import HYPERLINK, LONG_NAME, flat
from shared.runtime import Runtime

OPEN = "2026-10-10T12:00:00+05:00"
CHAIR_EMAIL = "chair@example.kz"


@pytest.fixture
def client(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[FlaskClient]:
    monkeypatch.setenv("TOP100_NOW", OPEN)
    yield create_app(runtime).test_client()


@dataclass(frozen=True)
class Made:
    id: str
    headers: dict[str, str]
    created: dict[str, Any]


def decide(runtime: Runtime, client: FlaskClient) -> Made:
    """A decision about two candidates, one with a 60-letter Kazakh name; nobody scored them, and
    the chair's own email is among the members present (as a chair's form may well send it)."""
    last, first = LONG_NAME.split(" ", 1)
    with runtime.db.unit_of_work() as session:
        ids = [
            seeding.candidate(session, last_name=last, first_name=first).id,
            seeding.candidate(session, last_name="+77011234567", first_name="-x").id,
        ]
    headers = seeding.token(runtime.settings.secret_key, "regional_chair", "almaty", "kk", CHAIR_EMAIL)
    body = {
        "year": 2026,
        "stage": "regional",
        "region": "almaty",
        "advanced": ids[:1],
        "justification": HYPERLINK,
        "members_present": ["a@example.kz", CHAIR_EMAIL.upper(), "a@example.kz"],
    }
    created = client.post("/api/v1/decisions", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    return Made(created.get_json()["id"], headers, created.get_json())


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_footer_carries_the_fingerprint_the_api_gives(
    runtime: Runtime, client: FlaskClient, lang: str
) -> None:
    made = decide(runtime, client)
    headers = made.headers
    shown = client.get(f"/api/v1/decisions/{made.id}", headers=headers).get_json()
    digest = shown["sha256"]
    assert len(digest) == 64 and made.created["sha256"] == digest
    listed = client.get("/api/v1/decisions?year=2026", headers=headers).get_json()["items"]
    assert [item["sha256"] for item in listed] == [digest]
    pdf = client.get(f"/api/v1/decisions/{made.id}/protocol.pdf?lang={lang}", headers=headers)
    pages = [flat(page.extract_text()) for page in PdfReader(io.BytesIO(pdf.data)).pages]
    word = protocol.words(lang)
    for number, page in enumerate(pages, start=1):
        assert f"SHA-256 {digest}" in page and str(made.id)[:8] in page
        assert word("page", page=number, pages=len(pages)) in page
    text = " ".join(pages)
    assert LONG_NAME in text and f"{LONG_NAME} {protocol.TOO_FEW_MARK}" in text
    signing = text[text.rindex(word("signatures")) :]
    assert signing.lower().count(CHAIR_EMAIL) == 1 and signing.count("a@example.kz") == 1


def test_the_workbook_keeps_typed_text_as_text(runtime: Runtime, client: FlaskClient) -> None:
    made = decide(runtime, client)
    workbook = client.get(f"/api/v1/decisions/{made.id}/protocol.xlsx", headers=made.headers)
    cells = {
        cell.value: cell.data_type
        for sheet in load_workbook(io.BytesIO(workbook.data))
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert cells[HYPERLINK] == "s" and cells["+77011234567 -x"] == "s"
    assert "f" not in set(cells.values())


@pytest.mark.integration
def test_on_postgresql_the_fingerprint_survives_the_round_trip_and_scores_are_marked(
    pg_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real scores frozen in the record (floats, Kazakh names): the fingerprint the POST answers is
    the one GET gives after PostgreSQL stored and read it back, and the one the PDF prints."""
    monkeypatch.setenv("TOP100_NOW", OPEN)
    client = create_app(pg_runtime).test_client()
    with pg_runtime.db.unit_of_work() as session:
        scored, barely = (seeding.candidate(session).id, seeding.candidate(session, last_name="Өтегенова").id)
    secret = pg_runtime.settings.secret_key
    values = {"achievements_level": 8, "skills_contests": 7, "leadership_civic": 6, "academic_standing": 4}
    for number in range(3):
        member = seeding.token(
            secret, "regional_member", "almaty", "kk", f"m{number}@example.kz", f"Мүше {number}"
        )
        score = {"criteria": {**values, "statement": 5 + number}, "comment": "Жақсы"}
        for candidate in (scored, barely) if number == 0 else (scored,):
            assert (
                client.put(f"/api/v1/candidates/{candidate}/score", json=score, headers=member).status_code
                == 200
            )
    headers = seeding.token(secret, "regional_chair", "almaty", "kk", CHAIR_EMAIL)
    body = {"year": 2026, "stage": "regional", "region": "almaty", "advanced": [scored], "justification": "Ж"}
    created = client.post("/api/v1/decisions", json=body, headers=headers).get_json()
    shown = client.get(f"/api/v1/decisions/{created['id']}", headers=headers).get_json()
    assert created["sha256"] == shown["sha256"]
    pdf = client.get(f"/api/v1/decisions/{created['id']}/protocol.pdf", headers=headers).data
    text = flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert f"SHA-256 {shown['sha256']}" in text and "Мүше 2" in text
    assert f"Өтегенова Әлихан {protocol.TOO_FEW_MARK}" in text
    assert f"Нұрланұлы Әлихан {protocol.TOO_FEW_MARK}" not in text
    book = load_workbook(
        io.BytesIO(client.get(f"/api/v1/decisions/{created['id']}/protocol.xlsx", headers=headers).data)
    )
    header = [cell.value for cell in book[book.sheetnames[2]][1]]
    assert "Жетістіктер деңгейі" in header and "achievements_level" not in header
