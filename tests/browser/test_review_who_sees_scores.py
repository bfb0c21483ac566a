"""Who sees scores, tried as a member would on a 360 px phone: the ranking shows nothing of the
others' scores before the member has scored; after scoring one candidate, that candidate's scores
(and only theirs) appear. Screenshots in var/screenshots/review-scores-*.png."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from services.review.handlers import HANDLERS
from services.review.models import Candidate
from services.review.operations import scoring
from services.review.tests.factories import submitted
from shared.handling import handle
from tests.browser import a11y
from tests.browser.conftest import System

DURING_REGIONAL = "2026-10-10T12:00:00+05:00"
REGION = "atyrau"  # its own region: the shared browser system keeps every test's decisions
STUDENTS = [("Жұмабаева", "Гүлнұр"), ("Қасымов", "Нұрлан")]
VALUES = {
    "achievements_level": 8,
    "skills_contests": 7,
    "leadership_civic": 6,
    "academic_standing": 4,
    "statement": 8,
}


@pytest.fixture
def scored(system: System, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Two candidates of the region, each scored by two other members of its commission."""
    monkeypatch.setenv("TOP100_NOW", DURING_REGIONAL)
    runtime = system.runtime("review")
    others = [
        system.user("regional_member", REGION, name=name) for name in ("Бауыржан Оразов", "Сәуле Темірова")
    ]
    ids = []
    for number, (last, first) in enumerate(STUDENTS):
        nomination = f"nom-scores-{REGION}-{number}"
        name = {"last_name": last, "first_name": first, "patronymic": None}
        handle(runtime, HANDLERS, "review", submitted(nomination, REGION, candidate=name))
        with runtime.db.unit_of_work() as session:
            candidate = session.scalars(select(Candidate).where(Candidate.nomination_id == nomination)).one()
            for member in others:
                scoring.put_score(session, member, candidate, {"criteria": VALUES, "comment": ""})
            ids.append(candidate.id)
    return ids


def test_a_member_on_a_phone_sees_the_others_scores_only_after_saving_their_own(
    phone: Any,
    system: System,
    sign_in: Callable[..., None],
    shot: Callable[[Any, str], Any],
    scored: list[str],
) -> None:
    member = system.user("regional_member", REGION, name="Мүше Дана")
    sign_in(phone, member)
    ranking = system.url("review", "/rankings?year=2026&stage=regional&lang=ru")
    phone.goto(ranking)
    text = phone.locator("main").inner_text()
    assert "Бауыржан Оразов" not in text and "Сәуле Темірова" not in text
    assert phone.locator("#ranking").count() == 0
    assert "2 кандидата" in phone.locator("#not-shown").inner_text()
    assert a11y.problems(phone) == []
    shot(phone, "review-scores-phone-before")

    phone.goto(system.url("review", f"/candidates/{scored[0]}/score?lang=ru"))
    for code, value in VALUES.items():
        phone.fill(f"#c-{code}", str(value))
    phone.get_by_role("button", name="Сохранить", exact=True).click()
    phone.get_by_role("status").filter(has_text="Сохранено.").wait_for()

    phone.goto(ranking)
    rows = phone.locator("#ranking tbody tr")
    assert rows.count() == 1 and rows.first.get_attribute("data-candidate") == scored[0]
    row = rows.first.inner_text()
    assert "Бауыржан Оразов" in row and "Сәуле Темірова" in row and "Мүше Дана" in row
    assert "Қасымов" not in phone.locator("main").inner_text()
    assert "1 кандидат" in phone.locator("#not-shown").inner_text()
    assert a11y.problems(phone) == []
    shot(phone, "review-scores-phone-after")

    phone.goto(system.url("review", f"/candidates/{scored[1]}?lang=ru"))
    assert "Бауыржан Оразов" not in phone.locator("main").inner_text()
    phone.goto(system.url("review", f"/candidates/{scored[0]}?lang=ru"))
    assert "Сәуле Темірова" in phone.locator("main").inner_text()
    shot(phone, "review-scores-phone-candidate")
