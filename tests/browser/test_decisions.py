"""A regional chair records the commission's decision in Chromium: too many boxes ticked, the refusal
in the chair's language and nothing recorded; then ten, the decision's page, the protocol downloaded
(a PDF with the candidates' Kazakh names in it). Screenshots in var/screenshots/decision-*.png."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from services.review.models import Decision
from services.review.tests import seeding
from tests.browser.conftest import System

#: The browser tests share one system: a region no other browser test works in (a decision closes
#: the region's scoring).
REGION = "north_kazakhstan"


def test_a_chair_hits_the_quota_then_records_and_downloads_the_protocol(
    page: Any,
    system: System,
    sign_in: Callable[..., None],
    shot: Callable[[Any, str], Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    review = system.runtime("review")
    with review.db.unit_of_work() as session:
        for i in range(12):
            seeding.candidate(session, REGION, last_name=f"Қасымов{i:02d}", first_name="Ұлан")
    chair = system.user("regional_chair", REGION, name="Әсем Жұмабаева", language="kk")
    sign_in(page, chair)
    page.goto(system.url("review", "/decisions/new?year=2026"))
    assert page.locator("html").get_attribute("lang") == "kk"
    boxes = page.locator('input[name="advanced"]')
    assert boxes.count() == 12
    for index in range(10):
        boxes.nth(index).check()
    # The counter stops at the quota: the other boxes wait. The server refuses an eleventh all the
    # same (a browser without script, here one box re-enabled by hand).
    assert page.locator("#chosen-count").inner_text() == "10" and boxes.nth(10).is_disabled()
    boxes.nth(10).evaluate("box => { box.disabled = false; box.checked = true; }")
    page.fill("#justification", "Комиссия ең жоғары ұпай алғандарды таңдады.")
    page.fill("#members_present", "a@example.kz, b@example.kz")
    page.click("#record")
    page.wait_for_load_state()
    refusal = page.get_by_role("alert").inner_text()
    assert "Шешім жазылмады" in refusal and "10" in refusal
    shot(page, "decision-quota-kk")
    with review.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Decision).where(Decision.scope == REGION)) == 0

    page.locator('input[name="advanced"]:checked').nth(10).uncheck()
    page.click("#record")
    page.wait_for_load_state()
    # What will be recorded, nothing yet; "back" keeps every choice; then confirmed.
    assert page.locator("#will-advance li").count() == 10
    assert "a@example.kz" in page.locator("#will-be-present").inner_text()
    shot(page, "decision-confirm-kk")
    page.click("#back")
    page.wait_for_load_state()
    assert page.locator('input[name="advanced"]:checked').count() == 10
    page.click("#record")
    page.wait_for_load_state()
    with review.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Decision).where(Decision.scope == REGION)) == 0
    page.click("#confirm")
    page.wait_for_load_state()
    assert page.locator("#decision").count() == 1
    shot(page, "decision-recorded-kk")
    with page.expect_download() as download_info:
        page.click("#protocol-pdf")
    path = download_info.value.path()
    with open(path, "rb") as handle:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Комиссия отырысының хаттамасы" in text and "Қасымов00 Ұлан" in text and "Қолдар" in text


def test_the_dashboard_reads_on_a_phone_in_russian(
    phone: Any, system: System, sign_in: Callable[..., None], shot: Callable[[Any, str], Any]
) -> None:
    admin = system.user("admin", "national", name="Админ Әкімшісі", language="ru")
    sign_in(phone, admin)
    phone.goto(system.url("review", "/dashboard?year=2026"))
    assert phone.locator("html").get_attribute("lang") == "ru"
    assert phone.locator("svg.chart").count() == 3
    assert "Остаток квоты" in phone.locator("main").inner_text()
    wider = phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not wider, "the dashboard scrolls sideways on a 360 px phone"
    shot(phone, "dashboard-phone-ru")
