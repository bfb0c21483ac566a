"""The chair's decision page, signed in through the real login: a refusal in the chair's language,
nothing recorded; then the decision, its page and its protocol."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from services.review.models import Decision
from services.review.tests import seeding
from services.review.tests.people import csrf_token
from shared import i18n
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
    done = client.post("/decisions/new", data={**form, "advanced": ids[:10], "confirm": "1"})
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


def _count(runtime: Runtime, table: object) -> int:
    with runtime.db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(table))  # type: ignore[arg-type]


def test_a_first_decision_shows_what_will_be_recorded_and_records_only_once_confirmed(
    runtime: Runtime, client_as: Callable[..., FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Send: a page with who advances (in rank order), the members present by name, the justification;
    nothing written, not even an event. Back: the form as filled. Confirm: recorded."""
    from services.review.models import outbox

    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    with runtime.db.unit_of_work() as session:
        ids = [seeding.candidate(session, "almaty", last_name=f"Нұрлан{i:02d}").id for i in range(12)]
    client = client_as("regional_chair", "almaty", language="kk", name="Гүлнар Төраға")
    html = client.get("/decisions/new?year=2026").get_data(as_text=True)
    chair_email = client.identity.email  # type: ignore[attr-defined]
    form = {
        "csrf_token": csrf_token(html),
        "year": "2026",
        "advanced": ids[:10],
        "justification": "Комиссия ең үздіктерін таңдады.",
        "members_present": [chair_email, "qonaq@example.kz"],
        "place": "Алматы, 12-аудитория",
    }
    events_before = _count(runtime, outbox)
    shown = client.post("/decisions/new", data=form)
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and 'id="confirm"' in page and 'id="back"' in page
    assert 'id="decision-form"' not in page  # the confirmation step alone, not the form again
    advancing = re.search(r'<ol id="will-advance">(.*?)</ol>', page, re.S).group(1)  # type: ignore[union-attr]
    assert advancing.count("<li>") == 10 and "Нұрлан10" not in advancing and "Нұрлан00" in advancing
    present = re.search(r'<ul id="will-be-present">(.*?)</ul>', page, re.S).group(1)  # type: ignore[union-attr]
    assert "Гүлнар Төраға" in present and "qonaq@example.kz" in present and chair_email not in present
    assert "Комиссия ең үздіктерін таңдады." in page and "Алматы, 12-аудитория" in page
    assert i18n.translate("Will advance: %(count)s of %(quota)s", "kk", {"count": 10, "quota": 10}) in page
    assert _count(runtime, Decision) == 0 and _count(runtime, outbox) == events_before
    # Back: the form, every choice kept; still nothing recorded.
    back = client.post("/decisions/new", data={**form, "confirm": "1", "back": "1"}).get_data(as_text=True)
    assert 'id="decision-form"' in back and 'id="confirm"' not in back
    assert sorted(re.findall(r'name="advanced" value="([^"]+)"[^>]* checked', back)) == sorted(ids[:10])
    assert re.search(rf'value="{re.escape(chair_email)}" checked', back)
    assert 'value="qonaq@example.kz"' in back and "Алматы, 12-аудитория" in back
    assert _count(runtime, Decision) == 0
    confirmed = client.post("/decisions/new", data={**form, "confirm": "1"})
    assert confirmed.status_code == 302
    with runtime.db.unit_of_work() as session:
        decision = session.scalars(select(Decision)).one()
        assert sorted(decision.advanced) == sorted(ids[:10])
        assert decision.members_present == [chair_email, "qonaq@example.kz"]
        assert decision.place == "Алматы, 12-аудитория"


def test_a_refused_first_decision_never_reaches_the_confirmation_step(
    runtime: Runtime, client_as: Callable[..., FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    with runtime.db.unit_of_work() as session:
        ids = [seeding.candidate(session, "almaty").id for _ in range(12)]
    client = client_as("regional_chair", "almaty", language="ru")
    html = client.get("/decisions/new?year=2026").get_data(as_text=True)
    form = {"csrf_token": csrf_token(html), "year": "2026", "advanced": ids[:11], "justification": "Ж."}
    refused = client.post("/decisions/new", data=form)
    assert refused.status_code == 409 and 'id="confirm"' not in refused.get_data(as_text=True)
    # A form without its justification says so in words, on the page, never "see `errors`".
    unjustified = client.post("/decisions/new", data={**form, "advanced": ids[:2], "justification": " "})
    said = unjustified.get_data(as_text=True)
    assert unjustified.status_code == 422 and "Напишите обоснование" in said and "`errors`" not in said
    # Nor does a forged confirmation record more than the quota.
    assert client.post("/decisions/new", data={**form, "confirm": "1"}).status_code == 409
    assert _count(runtime, Decision) == 0


def _decide_ten_of_fifteen(runtime: Runtime, client: FlaskClient) -> list[str]:
    with runtime.db.unit_of_work() as session:
        ids = [seeding.candidate(session, "almaty", last_name=f"Сәрсен{i:02d}").id for i in range(15)]
    html = client.get("/decisions/new?year=2026").get_data(as_text=True)
    form = {
        "csrf_token": csrf_token(html),
        "year": "2026",
        "advanced": ids[:10],
        "justification": "Ең үздіктері.",
        "members_present": "a@example.kz",
    }
    assert client.post("/decisions/new", data={**form, "confirm": "1"}).status_code == 302
    return ids


def test_the_correction_page_shows_every_candidate_ticked_as_decided_and_confirms_the_changes(
    runtime: Runtime, client_as: Callable[..., FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The found case: after the decision the page listed only the 5 not advanced, none ticked."""
    from services.review.models import outbox

    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    client = client_as("regional_chair", "almaty", language="ru")
    ids = _decide_ten_of_fifteen(runtime, client)
    html = client.get("/decisions/new?year=2026").get_data(as_text=True)
    assert html.count('name="advanced"') == 15
    ticked = re.findall(r'name="advanced" value="([^"]+)"[^>]* checked', html)
    assert sorted(ticked) == sorted(ids[:10])
    assert "Сәрсен14" in html and 'name="corrects"' in html
    form = {
        "csrf_token": csrf_token(html),
        "year": "2026",
        "corrects": re.search(r'name="corrects" value="([^"]+)"', html).group(1),  # type: ignore[union-attr]
        "justification": "Ең үздіктері.",
        "members_present": "a@example.kz",
        "reason": "Апелляция.",
    }
    same = client.post("/decisions/new", data={**form, "advanced": ids[:10]})
    assert same.status_code == 422 and "тех же" in same.get_data(as_text=True)
    with runtime.db.unit_of_work() as session:
        events_before = session.scalar(select(func.count()).select_from(outbox))
    swap = {**form, "advanced": [*ids[:9], ids[12]]}
    preview = client.post("/decisions/new", data=swap)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'id="confirm"' in page
    now = re.search(r'id="now-advanced">(.*?)</p>', page, re.S).group(1)  # type: ignore[union-attr]
    gone = re.search(r'id="no-longer-advanced">(.*?)</p>', page, re.S).group(1)  # type: ignore[union-attr]
    assert "Сәрсен12" in now and "Сәрсен09" not in now and "Сәрсен09" in gone
    with runtime.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 1  # nothing recorded yet
        assert session.scalar(select(func.count()).select_from(outbox)) == events_before
    confirmed = client.post("/decisions/new", data={**swap, "confirm": "1"})
    assert confirmed.status_code == 302
    with runtime.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Decision)) == 2
        bodies = [json.loads(row) for row in session.scalars(select(outbox.c.body).order_by(outbox.c.id))]
    told = [b for b in bodies[events_before:] if b["type"].startswith("candidate.")]
    assert sorted((b["type"], b["payload"]["candidate_id"]) for b in told) == [
        ("candidate.advanced", ids[12]),
        ("candidate.not_advanced", ids[9]),
    ]
    assert all(b["payload"]["correction"] and b["payload"]["sequence"] == 2 for b in told)


def test_the_national_chair_sees_the_republican_decision_is_to_be_checked_again(
    runtime: Runtime, client_as: Callable[..., FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.review.app import create_app

    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    with runtime.db.unit_of_work() as session:
        ids = [seeding.candidate(session, "almaty").id for _ in range(3)]
    api = create_app(runtime).test_client()
    secret = runtime.settings.secret_key
    body = {"year": 2026, "stage": "regional", "region": "almaty", "justification": "Ж."}
    regional = api.post(
        "/api/v1/decisions",
        json={**body, "advanced": ids[:2]},
        headers=seeding.token(secret, "regional_chair", "almaty"),
    ).get_json()
    republican = {**body, "stage": "republican", "region": None, "advanced": ids[:1]}
    national = seeding.token(secret, "national_chair", "national", "en", "nc@example.kz")
    assert api.post("/api/v1/decisions", json=republican, headers=national).status_code == 201
    override = {
        **body,
        "advanced": [ids[0], ids[2]],
        "reason": "Апелляция.",
        "override_reason": "Сот шешімі.",
    }
    admin = seeding.token(secret, "admin", "national", "en", "admin@example.kz")
    assert (
        api.post(f"/api/v1/decisions/{regional['id']}/corrections", json=override, headers=admin).status_code
        == 201
    )
    chair = client_as("national_chair", "national", language="en")
    page = chair.get("/decisions/new?year=2026").get_data(as_text=True)
    assert 'id="rechecks"' in page and "Сот шешімі." in page and "To check again" in page
