"""A commission's day on a 360 × 740 phone in Kazakh: the member finds their candidates (each
stacked cell labelled, numbers as Kazakh writes them), scores with the total shown as they type and
the next unscored candidate one tap away, declares a conflict with a confirmation; the chair
withdraws it with a reason, opens the ranking (this year's, without asking), the dashboard and the
audit log. On every page axe-core finds no serious or critical violation and the project's own
checks pass. Screenshots in var/screenshots/day-*.png."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from services.review.handlers import HANDLERS
from services.review.models import Candidate
from services.review.tests.factories import submitted
from shared.handling import handle
from tests.browser import a11y, axe
from tests.browser.conftest import PHONE, System

DURING_REGIONAL = "2026-10-10T12:00:00+05:00"
REGION = "pavlodar"
STUDENTS = [("Әбенова", "Әсел"), ("Іскаков", "Іңкәр"), ("Ұлықбеков", "Ұлан")]
VALUES = {
    "achievements_level": 9,
    "skills_contests": 8,
    "leadership_civic": 7,
    "academic_standing": 5,
    "statement": 6,
}


@pytest.fixture
def kazakh_phone(browser: Any, system: System) -> Iterator[Any]:
    """A 360 × 740 phone asking for Kazakh; its CSP bypassed only so axe-core can be injected."""
    system.forget_login_attempts()
    context = browser.new_context(
        viewport=PHONE, locale="kk-KZ", bypass_csp=True, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def candidates(system: System, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("TOP100_NOW", DURING_REGIONAL)
    runtime = system.runtime("review")
    statements = {"kk": "Бірінші абзац.\n\nЕкінші абзац.", "ru": "Абзац."}
    for number, (last, first) in enumerate(STUDENTS):
        name = {"last_name": last, "first_name": first, "patronymic": None}
        event = submitted(f"nom-day-{REGION}-{number}", REGION, candidate=name, statements=statements)
        handle(runtime, HANDLERS, "review", event)
    with runtime.db.unit_of_work() as session:
        query = select(Candidate.id).where(Candidate.region == REGION).order_by(Candidate.search_name)
        return list(session.scalars(query))


def _checked(page: Any, shot: Callable[[Any, str], Any], name: str) -> None:
    """The page passes axe-core and the project's own checks; its screenshot is kept."""
    page.wait_for_load_state()
    shot(page, f"day-{name}")
    assert axe.violations(page) == [], name
    assert a11y.problems(page) == [], name


def test_a_commissions_day_on_a_phone_in_kazakh(
    kazakh_phone: Any,
    system: System,
    sign_in: Callable[..., None],
    shot: Callable[[Any, str], Any],
    candidates: list[str],
) -> None:
    page = kazakh_phone
    member = system.user("regional_member", REGION, name="Айгүл Серікқызы", language="kk")
    chair = system.user("regional_chair", REGION, name="Серік Төрағаұлы", language="kk")

    sign_in(page, member)
    page.goto(system.url("review", "/?lang=kk"))
    _checked(page, shot, "list")
    page.goto(system.url("review", f"/candidates/{candidates[0]}/score?lang=kk"))
    assert "0" in page.locator("#progress label").inner_text()
    for code, value in VALUES.items():
        page.fill(f"#c-{code}", str(value))
    # The weighted total as the member types, written the Kazakh way.
    assert re.fullmatch(r"\d+,\d\d", page.locator("#total").inner_text())
    _checked(page, shot, "scoring")
    page.locator("#save").click()
    page.locator("#save-status.saved").wait_for()
    # A wrong value: said on its field, in words, never the API's `errors`.
    # (the Save button meets the browser's own range check first; Ctrl+Enter asks the server)
    page.fill("#c-statement", "42")
    page.keyboard.press("Control+Enter")
    page.locator("[aria-invalid=true]#c-statement").wait_for()
    assert "errors" not in page.locator("main").inner_text()
    assert page.locator("#e-statement").inner_text().strip() != ""
    _checked(page, shot, "scoring-error")
    # The next unscored candidate, one tap away.
    page.reload()
    page.locator("#go-unscored").click()
    page.wait_for_url(re.compile(f"/candidates/{candidates[1]}/score"))
    assert "1" in page.locator("#progress label").inner_text()

    page.goto(system.url("review", "/?lang=kk"))
    own = page.locator("td.own-score").first
    assert re.search(r"\d+,\d\d", own.inner_text()) and own.locator(".cell-label").is_visible()
    _checked(page, shot, "list-scored")

    # A conflict of interest on the second candidate, confirmed on a second step.
    page.goto(system.url("review", f"/candidates/{candidates[1]}?lang=kk"))
    _checked(page, shot, "candidate")
    page.fill("#conflict-reason", "Менің жиенім")
    page.locator("form.conflict button[type=submit]").click()
    page.locator("#confirm-conflict").wait_for()
    _checked(page, shot, "conflict-confirm")
    page.locator("#confirm-conflict-button").click()
    page.wait_for_load_state()
    assert "Менің жиенім" in page.locator("main").inner_text()

    page.context.clear_cookies()
    sign_in(page, chair)
    page.goto(system.url("review", f"/candidates/{candidates[1]}?lang=kk"))
    page.locator("form.withdraw textarea").fill("Туыстық расталмады")
    _checked(page, shot, "conflict-withdraw")
    page.locator("form.withdraw button").click()
    page.wait_for_load_state()
    assert "Менің жиенім" not in page.locator("main").inner_text()

    page.goto(system.url("review", "/rankings?lang=kk"))
    assert page.locator("#r-year").input_value() == "2026"
    _checked(page, shot, "ranking")
    page.goto(system.url("review", "/decisions/new?lang=kk"))
    page.locator('input[name="advanced"]').first.check()
    assert page.locator("#chosen-count").inner_text() == "1"
    assert page.locator("#present input[type=checkbox]").count() == 2
    _checked(page, shot, "decision")
    page.goto(system.url("review", "/dashboard?lang=kk"))
    assert "-" not in "".join(page.locator("#deadlines td:last-child").all_inner_texts())
    _checked(page, shot, "dashboard")
    page.goto(system.url("review", "/audit?lang=kk"))
    withdrawn = page.locator('td.action[data-action="conflict.withdrawn"]')
    assert withdrawn.count() == 1 and "conflict.withdrawn" not in withdrawn.inner_text()
    _checked(page, shot, "audit")
