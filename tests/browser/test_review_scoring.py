"""A commission at work in the browser: a member signs in, scores three candidates one after the
other on the scoring page (saved through the API by score.js, keyboard included), declares a
conflict of interest (the candidate leaves the member's ranking), and the chair sees the ranking
move; the same pages on a 360 px phone, with no accessibility problem. Screenshots in
var/screenshots/review-*.png."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from services.review.handlers import HANDLERS
from services.review.models import Candidate, Score
from services.review.tests.factories import submitted
from shared.handling import handle
from tests.browser import a11y
from tests.browser.conftest import System

#: During the regional stage of 2026: scoring is open until 15 October.
DURING_REGIONAL = "2026-10-10T12:00:00+05:00"
REGION = "kostanay"
STUDENTS = [
    ("Әбенова", "Әсел"),
    ("Іскаков", "Іңкәр"),
    ("Ұлықбеков", "Ұлан"),
]
#: The member's values for each student: the first highest, then the second, then the third.
GIVEN = [
    {
        "achievements_level": 10,
        "skills_contests": 9,
        "leadership_civic": 9,
        "academic_standing": 5,
        "statement": 9,
    },
    {
        "achievements_level": 7,
        "skills_contests": 7,
        "leadership_civic": 6,
        "academic_standing": 4,
        "statement": 7,
    },
    {
        "achievements_level": 3,
        "skills_contests": 4,
        "leadership_civic": 3,
        "academic_standing": 3,
        "statement": 4,
    },
]
#: The chair's: the same for all three (so the member's scores decide the order, and withdrawing
#: one of them moves the ranking).
CHAIR_GIVEN = [
    {
        "achievements_level": 5,
        "skills_contests": 5,
        "leadership_civic": 5,
        "academic_standing": 3,
        "statement": 5,
    }
] * 3


@pytest.fixture
def candidates(system: System, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("TOP100_NOW", DURING_REGIONAL)
    runtime = system.runtime("review")
    ids = []
    for number, (last, first) in enumerate(STUDENTS):
        nomination = f"nom-browser-{REGION}-{number}"
        name = {"last_name": last, "first_name": first, "patronymic": None}
        handle(runtime, HANDLERS, "review", submitted(nomination, REGION, candidate=name))
        with runtime.db.unit_of_work() as session:
            ids.append(session.scalar(select(Candidate.id).where(Candidate.nomination_id == nomination)))
    return ids


def _score_on_page(page: Any, values: dict[str, int], comment: str) -> None:
    for code, value in values.items():
        page.fill(f"#c-{code}", str(value))
    page.fill("#comment", comment)


def _ranking_names(page: Any) -> list[str]:
    return [row.inner_text() for row in page.locator("#ranking tbody tr td:nth-child(2)").all()]


def test_score_three_declare_a_conflict_and_see_the_ranking_move(
    page: Any,
    system: System,
    sign_in: Callable[..., None],
    shot: Callable[[Any, str], Any],
    candidates: list[str],
) -> None:
    runtime = system.runtime("review")
    chair = system.user("regional_chair", REGION, name="Төраға Серік")
    member = system.user("regional_member", REGION, name="Мүше Айгүл")

    # The chair scores first, in the opposite order.
    sign_in(page, chair)
    for candidate, values in zip(candidates, CHAIR_GIVEN, strict=True):
        page.goto(system.url("review", f"/candidates/{candidate}/score?lang=ru"))
        _score_on_page(page, values, "")
        page.get_by_role("button", name="Сохранить", exact=True).click()
        page.get_by_role("status").filter(has_text="Сохранено.").wait_for()
    page.get_by_role("button", name="Выйти").click()

    # The member works through the list: first candidate, then "save and next", then Ctrl+Enter.
    sign_in(page, member)
    page.goto(system.url("review", "/?unscored=1&lang=ru"))
    assert a11y.problems(page) == []
    shot(page, "review-list-unscored")
    page.get_by_role("link", name="Оценить").first.click()
    assert "/score" in page.url
    first_url = page.url
    ordered = []
    for step, values in enumerate(GIVEN):
        heading = page.locator("main h2").inner_text()
        ordered.append(heading)
        _score_on_page(page, values, f"Пікір {step} <b>бөлек</b>")
        if step == 0:
            assert a11y.problems(page) == []
            shot(page, "review-scoring-page")
            page.get_by_role("button", name="Сохранить и дальше").click()
            page.wait_for_url(lambda url: url != first_url)
        elif step == 1:
            page.get_by_role("button", name="Сохранить", exact=True).click()
            page.get_by_role("status").filter(has_text="Сохранено.").wait_for()
            page.locator("#go-next").click()
            page.wait_for_load_state()
        else:
            page.keyboard.press("Control+Enter")
            page.get_by_role("status").filter(has_text="Сохранено.").wait_for()
    with runtime.db.unit_of_work() as session:
        mine = session.scalars(select(Score).where(Score.member_id == member.user_id)).all()
        assert len(mine) == 3 and {s.comment for s in mine} == {f"Пікір {i} <b>бөлек</b>" for i in range(3)}

    # A wrong value is refused next to its field, nothing changes.
    page.fill("#c-statement", "42")
    page.keyboard.press("Control+Enter")
    page.locator("[aria-invalid=true]#c-statement").wait_for()
    shot(page, "review-scoring-error")

    # The member's top candidate, by the member's scores.
    page.goto(system.url("review", "/rankings?year=2026&stage=regional&lang=ru"))
    before = _ranking_names(page)
    shot(page, "review-ranking-before")
    top = before[0]
    top_id = page.locator("#ranking tbody tr").first.get_attribute("data-candidate")

    # A conflict of interest with the top candidate: the member's score is withdrawn.
    page.goto(system.url("review", f"/candidates/{top_id}?lang=ru"))
    page.get_by_label("Заявить о конфликте интересов: причина").fill("Это моя племянница")
    page.get_by_role("button", name="Заявить о конфликте (моя оценка будет отозвана)").click()
    page.wait_for_load_state()
    # The confirmation says what follows; nothing is recorded until it is confirmed.
    page.locator("#confirm-conflict-button").click()
    page.wait_for_load_state()
    assert "Это моя племянница" in page.locator("main").inner_text()
    page.goto(system.url("review", "/rankings?year=2026&stage=regional&lang=ru"))
    # The member sees no score or rank of a candidate they declared a conflict on.
    assert top not in _ranking_names(page) and len(_ranking_names(page)) == 2
    assert page.locator("#not-shown-conflict").count() == 1
    shot(page, "review-ranking-after-conflict")

    # The chair, who scored every candidate, sees the ranking move.
    page.get_by_role("button", name="Выйти").click()
    sign_in(page, chair)
    page.goto(system.url("review", "/rankings?year=2026&stage=regional&lang=ru"))
    after = _ranking_names(page)
    assert sorted(after) == sorted(before) and after != before
    assert after[0] != top


def test_the_scoring_page_on_a_phone(
    phone: Any,
    system: System,
    sign_in: Callable[..., None],
    shot: Callable[[Any, str], Any],
    candidates: list[str],
) -> None:
    member = system.user("regional_member", REGION)
    sign_in(phone, member)
    phone.goto(system.url("review", f"/candidates/{candidates[0]}/score?lang=kk"))
    assert a11y.problems(phone) == []
    shot(phone, "review-scoring-phone-kk")
    phone.goto(system.url("review", "/rankings?year=2026&stage=regional&lang=kk"))
    assert a11y.problems(phone) == []
    shot(phone, "review-ranking-phone-kk")
