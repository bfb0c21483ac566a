"""The commissions' pages: signed in through the real login, scoring with a form (CSRF), moving on
to the next candidate, declaring a conflict, the ranking page; free text escaped everywhere."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from services.review.handlers import HANDLERS
from services.review.models import Candidate, Score
from services.review.tests import people
from services.review.tests.factories import submitted
from shared.handling import handle
from shared.runtime import Runtime

XSS = '<script>alert("x")</script>'
VALUES = {
    "criteria.achievements_level": "9",
    "criteria.skills_contests": "8",
    "criteria.leadership_civic": "7",
    "criteria.academic_standing": "5",
    "criteria.statement": "6",
}


@pytest.fixture
def ids(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    handle(runtime, HANDLERS, "review", submitted("nom-0001", "almaty"))
    evil = {"last_name": XSS, "first_name": "Әлия", "patronymic": None}
    handle(runtime, HANDLERS, "review", submitted("nom-0002", "almaty", candidate=evil))
    handle(runtime, HANDLERS, "review", submitted("nom-0003", "shymkent"))
    with runtime.db.unit_of_work() as session:
        rows = session.execute(select(Candidate.id, Candidate.region).order_by(Candidate.search_name)).all()
    return [cid for cid, region in rows if region == "almaty"] + [
        cid for cid, region in rows if region != "almaty"
    ]


def _form(client: FlaskClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return people.csrf_token(page.get_data(as_text=True))


def test_a_member_scores_with_the_form_and_moves_on(
    client_as: Callable[..., FlaskClient], ids: list[str], runtime: Runtime
) -> None:
    client = client_as("regional_member", "almaty")
    first, second = ids[0], ids[1]
    token = _form(client, f"/candidates/{first}/score?lang=kk")
    html = client.get(f"/candidates/{first}/score?lang=kk").get_data(as_text=True)
    assert (
        'id="go-next"' in html
        and "score.js" in html
        and "<script>" not in html.replace('<script src="/static/review/score.js" defer></script>', "")
    )
    assert 'for="c-achievements_level"' in html and "Жетістіктер деңгейі" in html
    answer = client.post(
        f"/candidates/{first}/score?lang=kk",
        data={**VALUES, "comment": XSS, "csrf_token": token, "then": second},
    )
    assert answer.status_code == 302 and f"/candidates/{second}/score" in answer.headers["Location"]
    with runtime.db.unit_of_work() as session:
        [score] = session.scalars(select(Score)).all()
        assert score.values["achievements_level"] == 9 and score.comment == XSS
    # Out of range: the same page again, with the error next to its field, nothing saved.
    bad = client.post(
        f"/candidates/{second}/score?lang=ru",
        data={**VALUES, "criteria.statement": "99", "csrf_token": token},
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "вне диапазона критерия" in text and 'aria-invalid="true"' in text
    # Without a CSRF token the form is refused.
    assert client.post(f"/candidates/{second}/score", data=VALUES).status_code == 400


def test_outside_the_scope_every_page_is_404(client_as: Callable[..., FlaskClient], ids: list[str]) -> None:
    client = client_as("regional_member", "almaty")
    outside = ids[-1]
    token = _form(client, f"/candidates/{ids[0]}/score")
    assert client.get(f"/candidates/{outside}").status_code == 404
    assert client.get(f"/candidates/{outside}/score").status_code == 404
    assert (
        client.post(f"/candidates/{outside}/score", data={**VALUES, "csrf_token": token}).status_code == 404
    )
    assert (
        client.post(f"/candidates/{outside}/conflict", data={"reason": "x", "csrf_token": token}).status_code
        == 404
    )


def test_free_text_is_escaped_on_every_page(
    client_as: Callable[..., FlaskClient], ids: list[str], runtime: Runtime
) -> None:
    member = client_as("regional_member", "almaty")
    with runtime.db.unit_of_work() as session:
        evil_id = session.scalar(select(Candidate.id).where(Candidate.nomination_id == "nom-0002"))
    token = _form(member, f"/candidates/{evil_id}")
    member.post(f"/candidates/{evil_id}/score", data={**VALUES, "comment": XSS, "csrf_token": token})
    chair = client_as("regional_chair", "almaty")
    chair_token = _form(chair, f"/candidates/{evil_id}")
    declared = {"reason": XSS, "confirm": "1", "csrf_token": chair_token}
    chair.post(f"/candidates/{evil_id}/conflict", data=declared)
    # The chair declared a conflict on the candidate: their ranking leaves them out; an admin's has them.
    admin = client_as("admin", "national")
    pages = [
        (chair, "/?lang=en"),
        (chair, f"/candidates/{evil_id}?lang=en"),
        (chair, f"/candidates/{evil_id}/score?lang=en"),
        (admin, "/rankings?year=2026&stage=regional&lang=en"),
    ]
    for who, path in pages:
        html = who.get(path).get_data(as_text=True)
        assert XSS not in html, path
        assert "&lt;script&gt;" in html, path


def test_a_conflict_from_the_page_withdraws_the_score_and_shows_for_the_chair(
    client_as: Callable[..., FlaskClient], ids: list[str], runtime: Runtime
) -> None:
    member = client_as("regional_member", "almaty")
    token = _form(member, f"/candidates/{ids[0]}")
    member.post(f"/candidates/{ids[0]}/score", data={**VALUES, "csrf_token": token})
    answer = member.post(
        f"/candidates/{ids[0]}/conflict", data={"reason": "Менің туысым", "confirm": "1", "csrf_token": token}
    )
    assert answer.status_code == 302
    with runtime.db.unit_of_work() as session:
        assert session.scalars(select(Score)).all() == []
    refused = member.get(f"/candidates/{ids[0]}/score?lang=en").get_data(as_text=True)
    assert "You declared a conflict of interest" in refused and 'id="score-form"' not in refused
    chair = client_as("regional_chair", "almaty").get(f"/candidates/{ids[0]}?lang=kk").get_data(as_text=True)
    assert "Менің туысым" in chair


def test_the_ranking_page_names_its_normalisation_and_rule(
    client_as: Callable[..., FlaskClient], ids: list[str]
) -> None:
    chair = client_as("regional_chair", "almaty")
    html = chair.get("/rankings?year=2026&stage=regional&lang=ru").get_data(as_text=True)
    assert "z-балл" in html and "Порядок: сначала выше нормированный балл" in html
    # Nobody has scored yet: the chair sees the ranking once they show the scores (the page's button).
    assert html.count("data-candidate=") == 0 and 'id="show-scores"' in html
    token = _form(chair, "/rankings?year=2026&stage=regional&lang=ru")
    shown = chair.post(
        "/rankings/scores-shown?lang=ru", data={"year": "2026", "stage": "regional", "csrf_token": token}
    )
    assert shown.status_code == 302 and "/rankings?" in shown.headers["Location"]
    html = chair.get(shown.headers["Location"]).get_data(as_text=True)
    assert html.count("data-candidate=") == 2 and 'id="show-scores"' not in html


def test_a_blind_stage_hides_names_and_colleges_on_the_members_pages(
    client_as: Callable[..., FlaskClient], ids: list[str], runtime: Runtime
) -> None:
    admin = client_as("admin", "national")
    token = _form(admin, "/?lang=en")
    admin.put("/api/v1/stages/2026/regional/blind", json={"blind": True}, headers={"X-CSRF-Token": token})
    member = client_as("regional_member", "almaty")
    for path in (
        "/?lang=en",
        f"/candidates/{ids[0]}?lang=en",
        f"/candidates/{ids[0]}/score?lang=en",
        "/rankings?year=2026&stage=regional&lang=en",
    ):
        html = member.get(path).get_data(as_text=True)
        assert "Әлихан" not in html and "Polytechnic" not in html, path
    assert "This stage is blind" in member.get(f"/candidates/{ids[0]}?lang=en").get_data(as_text=True)
    chair = client_as("regional_chair", "almaty").get("/?lang=en").get_data(as_text=True)
    assert "Әлихан" in chair and "Polytechnic" in chair
