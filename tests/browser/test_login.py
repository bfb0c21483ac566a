"""Signing in as a person does: the login page in the browser's language, a wrong password answered
in the page's language, the language switch remembered, the shared header on every service, signing
out; and the same on a 360 px phone. Screenshots in var/screenshots/login-*.png."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from services.review.tests.people import PASSWORD
from tests.browser.conftest import System


def test_log_in_wrong_password_switch_language_log_out(
    page: Any, system: System, sign_in: Callable[..., None], shot: Callable[[Any, str], Any]
) -> None:
    who = system.user("regional_chair", "almaty", name="Гүлназ Өмірзақова", language="kk")
    page.goto(system.url("review", "/"))
    assert page.url.startswith(system.url("review", "/login?next="))
    assert page.locator("html").get_attribute("lang") == "ru"
    shot(page, "login-ru")

    page.get_by_role("link", name="Қазақша").click()
    assert page.locator("html").get_attribute("lang") == "kk"
    page.get_by_label("Эл. пошта").fill(who.email)
    page.get_by_label("Құпиясөз").fill("not the password")
    page.get_by_role("button", name="Кіру").click()
    assert page.get_by_role("alert").inner_text() == "Электрондық пошта немесе құпиясөз қате."
    shot(page, "login-wrong-password-kk")

    page.get_by_role("link", name="English").click()
    page.get_by_label("Email").fill(who.email)
    page.get_by_label("Password").fill("still not it")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "Wrong email or password."

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.url == system.url("review", "/")
    assert page.locator("html").get_attribute("lang") == "en"  # the language picked is remembered
    assert "Гүлназ Өмірзақова" in page.locator("header").inner_text()
    shot(page, "login-signed-in-en")

    page.get_by_role("link", name="Русский").click()
    page.goto(system.url("review", "/"))
    assert page.locator("html").get_attribute("lang") == "ru"

    page.goto(system.url("media", "/"))
    assert "Гүлназ Өмірзақова" in page.locator("header").inner_text(), "the session is shared by the services"
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_url(system.url("review", "/login"))
    page.goto(system.url("review", "/"))
    assert "/login" in page.url
    shot(page, "login-signed-out")


def test_the_login_form_works_from_the_keyboard_in_order(page: Any, system: System) -> None:
    who = system.user("national_member", "national")
    page.goto(system.url("review", "/login"))
    order = []
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    assert order.index("email") < order.index("password")
    assert order[0] == "Перейти к содержимому"
    page.focus("#email")
    page.keyboard.type(who.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(system.url("review", "/"))


def test_the_login_and_the_list_fit_a_360px_phone(
    phone: Any, system: System, sign_in: Callable[..., None], shot: Callable[[Any, str], Any]
) -> None:
    who = system.user("regional_member", "shymkent", name="Әлихан Нұрланұлы")
    phone.goto(system.url("review", "/login"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "login-phone")
    sign_in(phone, who)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert not phone.get_by_role("button", name="Выйти").is_visible()  # behind the menu button
    phone.locator("label.menu-button").click()
    assert phone.get_by_role("button", name="Выйти").is_visible()
    shot(phone, "login-phone-signed-in")


def test_five_wrong_passwords_lock_with_a_clear_message(
    page: Any, system: System, shot: Callable[[Any, str], Any]
) -> None:
    who = system.user("regional_member", "almaty")
    page.goto(system.url("review", "/login?lang=kk"))
    for _ in range(5):
        page.fill("#email", who.email)
        page.fill("#password", "wrong password")
        page.press("#password", "Enter")
        page.wait_for_selector("[role=alert]")
    page.fill("#email", who.email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_selector("[role=alert]")
    message = page.get_by_role("alert").inner_text()
    assert message.startswith("Кіру әрекеттері тым көп рет сәтсіз болды. Кіру 15 минутқа бұғатталды")
    assert "/login" in page.url
    shot(page, "login-locked-kk")


@pytest.mark.parametrize("service", ["media", "notify"])
def test_another_services_page_sends_to_the_login_and_back(page: Any, system: System, service: str) -> None:
    who = system.user("admin", "national")
    page.goto(system.url(service, "/"))
    assert page.url.startswith(system.url("review", "/login?next="))
    page.fill("#email", who.email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(system.url(service, "/"))
