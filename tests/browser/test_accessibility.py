"""The shared layout and the login page are usable by everyone: labels, names, contrast AA, a
language, no sideways scrolling on a 360 px phone; the focus is visible and the skip link works."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser import a11y
from tests.browser.conftest import System


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_login_page_and_its_error_pass_the_checks_on_a_phone(
    phone: Any, system: System, language: str
) -> None:
    phone.goto(system.url("review", f"/login?lang={language}"))
    assert a11y.problems(phone) == []
    phone.fill("#email", "nobody@example.kz")
    phone.fill("#password", "wrong password")
    phone.press("#password", "Enter")
    phone.wait_for_selector("[role=alert]")
    assert a11y.problems(phone) == []


@pytest.mark.parametrize("service", ["review", "media", "notify"])
def test_every_service_page_in_the_shared_layout_passes_the_checks(
    page: Any, phone: Any, system: System, sign_in: Callable[..., None], service: str,
    shot: Callable[[Any, str], Any],
) -> None:  # fmt: skip
    # Someone whose role opens the service's front page: the log of notify is for administrators.
    role = {"review": "national_member", "media": "media", "notify": "admin"}[service]
    who = system.user(role, "national", name="Айгерім Сәрсенбайқызы")
    for screen, name in ((page, "desktop"), (phone, "phone")):
        sign_in(screen, who)
        screen.goto(system.url(service, "/?lang=kk"))
        assert a11y.problems(screen) == [], f"{service} on the {name}"
        shot(screen, f"layout-{service}-{name}")


def test_the_skip_link_comes_first_and_leads_to_the_content(page: Any, system: System) -> None:
    page.goto(system.url("review", "/login"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none" or page.evaluate("document.activeElement.getBoundingClientRect().left") >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_the_checks_do_find_what_they_look_for(page: Any, system: System) -> None:
    page.goto(system.url("review", "/login"))
    page.evaluate(
        """() => {
        const main = document.querySelector('main');
        const faint = document.createElement('p');
        faint.className = 'faint';
        faint.textContent = 'barely readable';
        main.appendChild(faint);
        main.appendChild(document.createElement('input'));
        const wide = document.createElement('div');
        wide.textContent = 'wide';
        wide.setAttribute('id', 'wide');
        main.appendChild(wide);
        document.styleSheets[0].insertRule('.faint { color: #bbbbbb }');
        document.styleSheets[0].insertRule('#wide { width: 3000px }');
    }"""
    )
    found = "\n".join(a11y.problems(page))
    assert "contrast" in found and "barely readable" in found
    assert "field without a label" in found and "wider than the screen" in found
