"""A regional chair corrects the commission's decision on a 360 px phone: every candidate listed with
the decision in force ticked, one unticked and another ticked, the summary of the changes read, then
confirmed. Screenshots in var/screenshots/correction-*.png."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from services.review.models import Decision, outbox
from services.review.operations import decisions
from services.review.tests import seeding
from tests.browser.conftest import System

#: A region no other browser test decides in.
REGION = "mangystau"


def test_a_chair_corrects_the_decision_on_a_phone(
    phone: Any,
    system: System,
    sign_in: Callable[..., None],
    shot: Callable[[Any, str], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    review = system.runtime("review")
    chair = system.user("regional_chair", REGION, name="Ерлан Төлегенов", language="kk")
    with review.db.unit_of_work() as session:
        ids = [
            seeding.candidate(session, REGION, last_name=f"Жұмабек{i:02d}", first_name="Әйгерім").id
            for i in range(15)
        ]
        first = {"year": 2026, "stage": "regional", "region": REGION, "advanced": ids[:10]}
        decisions.record_decision(session, chair, {**first, "justification": "Ең үздік он үміткер."})
    sign_in(phone, chair)
    phone.goto(system.url("review", "/decisions/new?year=2026"))
    boxes = phone.locator('input[name="advanced"]')
    assert boxes.count() == 15
    assert phone.locator('input[name="advanced"]:checked').count() == 10
    assert sorted(
        phone.locator('input[name="advanced"]:checked').evaluate_all("bs => bs.map(b => b.value)")
    ) == sorted(ids[:10])
    phone.locator(f"#adv-{ids[9]}").uncheck()
    phone.locator(f"#adv-{ids[12]}").check()
    phone.fill("#reason", "Апелляция: бір үміткердің балы қате есептелген.")
    shot(phone, "correction-form-phone-kk")
    phone.click("#record")
    phone.wait_for_load_state()
    summary = phone.locator("#changes")
    assert summary.count() == 1
    assert "Жұмабек12" in phone.locator("#now-advanced").inner_text()
    assert "Жұмабек09" in phone.locator("#no-longer-advanced").inner_text()
    with review.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Decision).where(Decision.scope == REGION)) == 1
        before = session.scalar(select(func.max(outbox.c.id)))
    wider = phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wider, "the correction page scrolls sideways on a 360 px phone"
    shot(phone, "correction-summary-phone-kk")
    phone.click("#confirm")
    phone.wait_for_load_state()
    assert phone.locator("#decision").count() == 1
    shot(phone, "correction-recorded-phone-kk")
    with review.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Decision).where(Decision.scope == REGION)) == 2
        bodies = [json.loads(b) for b in session.scalars(select(outbox.c.body).where(outbox.c.id > before))]
    told = sorted(
        (b["type"], b["payload"]["candidate_id"]) for b in bodies if b["type"].startswith("candidate.")
    )
    assert told == [("candidate.advanced", ids[12]), ("candidate.not_advanced", ids[9])]
