"""One header on every page of review, media and notify, as each role meets it in kk, ru and en.

For each role: signing in lands on its home; the header names the programme and links exactly the
sections `shared.sections` shows that role, on whichever service each lives; on a 360 x 740 phone it
is one line under 15% of the screen until the menu button (a checkbox's label, no script) opens it,
from the keyboard too. Every page opened passes axe-core (no serious or critical violation in the
header) and the project's own checks (`a11y.py`), at 360 and 1280 px. Screenshots in
var/screenshots/header-<role>-<screen>-<lang>.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from shared import i18n, identity, sections
from tests.browser import a11y, axe
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, System

#: Where axe's verdict is asserted: the header (the pages under it belong to their services; what axe
#: finds there is reported by `test_what_axe_finds_under_the_header_is_listed`).
HEADER = ["header.site"]
#: The most of a 740 px screen the closed header may take on a phone.
PHONE_SHARE = 0.15
NAMES = {
    "regional_member": "Әлихан Нұрланұлы",
    "regional_chair": "Гүлназ Өмірзақова",
    "national_member": "Айгерім Сәрсенбайқызы",
    "national_chair": "Ұлан Қасымов",
    "media": "Іңкәр Мұхтарова",
    "admin": "Бауыржан Әбенов",
}


def _scope(role: str) -> str:
    return "almaty" if role in identity.REGIONAL_ROLES else identity.NATIONAL


def _url(system: System, section: sections.Section, lang: str | None = None) -> str:
    page_urls = {service: system.url(service, "").rstrip("/") for service in ("review", "media", "notify")}
    return sections.url(section, page_urls, lang)


@pytest.fixture
def screens(browser: Any, system: System) -> Iterator[dict[str, Any]]:
    """A desktop window and a 360 px phone, each a fresh context where axe may be injected."""
    system.forget_login_attempts()
    desktop = browser.new_context(viewport=DESKTOP, locale="ru-RU", bypass_csp=True)
    phone = browser.new_context(
        viewport=PHONE, locale="ru-RU", bypass_csp=True, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    try:
        yield {"desktop": desktop.new_page(), "phone": phone.new_page()}
    finally:
        desktop.close()
        phone.close()


def shot(page: Any, name: str) -> None:
    """What the screen shows (not the whole page: the header is what these tests look at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _links(page: Any) -> list[tuple[str, str]]:
    """The header's sections: label and address (resolved, as the browser follows it)."""
    return [
        tuple(pair)
        for pair in page.eval_on_selector_all(
            "nav.site-sections a", "(links) => links.map((a) => [a.textContent.trim(), a.href])"
        )
    ]


def _checked(page: Any, where: str) -> None:
    """axe on the header and the project's own checks on the whole page."""
    assert axe.violations(page, HEADER) == [], where
    assert a11y.problems(page) == [], where


def _phone_header(page: Any, where: str) -> None:
    """Closed: one line, under 15% of the screen, no section showing; open: every link reachable."""
    height = page.locator("header.site").bounding_box()["height"]
    assert height <= PHONE_SHARE * PHONE["height"], f"{where}: the closed header is {height:.0f} px"
    assert not page.locator("nav.site-sections").is_visible(), where
    page.locator("label.menu-button").click()
    assert page.locator("nav.site-sections").is_visible(), where
    assert page.locator("header.site button[type=submit]").is_visible(), where


@pytest.mark.parametrize("role", identity.ROLES)
def test_each_roles_header_on_desktop_and_phone_in_kk_ru_en(
    screens: dict[str, Any], system: System, sign_in: Callable[..., None], role: str
) -> None:
    who = system.user(role, _scope(role), name=NAMES[role])
    home = sections.home(role)
    for screen, page in screens.items():
        sign_in(page, who)
        assert page.url == _url(system, home), f"a {role} lands on {home.key}"
        for lang in i18n.LANGUAGES:
            where = f"{role} on the {screen} in {lang}"
            page.goto(_url(system, home, lang))
            expected = [
                (i18n.translate(s.label, lang), _url(system, s, lang)) for s in sections.visible(role)
            ]
            brand = page.locator("header.site .brand")
            assert brand.inner_text().strip() == i18n.translate(
                "TOP 100 college students of Kazakhstan", lang
            )
            if screen == "phone":
                shot(page, f"header-{role}-phone-{lang}")
                _checked(page, where + " (menu closed)")
                _phone_header(page, where)
            assert _links(page) == expected, where
            current = page.locator("nav.site-sections a[aria-current=page]").inner_text().strip()
            assert current == i18n.translate(home.label, lang), where
            assert NAMES[role] in page.locator("header.site").inner_text(), where
            _checked(page, where)
            shot(page, f"header-{role}-{screen}-{lang}" + ("-menu" if screen == "phone" else ""))


def test_the_phone_menu_opens_from_the_keyboard(
    screens: dict[str, Any], system: System, sign_in: Callable[..., None]
) -> None:
    phone = screens["phone"]
    sign_in(phone, system.user("regional_chair", "almaty"))
    focused = []
    for _ in range(3):
        phone.keyboard.press("Tab")
        focused.append(phone.evaluate("document.activeElement.id || document.activeElement.className"))
    assert focused == ["skip", "", "site-menu"], focused  # skip link, the programme's name, the menu
    outline = phone.evaluate("getComputedStyle(document.querySelector('label.menu-button')).outlineStyle")
    assert outline != "none", "the focused menu button shows its focus"
    phone.keyboard.press("Space")
    assert phone.locator("nav.site-sections").is_visible()
    reached = []
    for _ in range(12):
        phone.keyboard.press("Tab")
        reached.append(phone.evaluate("document.activeElement.closest('#site-menu-items') ? 'menu' : 'page'"))
    # the languages, the chair's six sections and signing out, then the page
    assert reached[:10] == ["menu"] * 10 and reached[10] == "page", reached


def test_a_page_the_role_may_not_open_leads_to_its_home(
    screens: dict[str, Any], system: System, sign_in: Callable[..., None]
) -> None:
    page = screens["desktop"]
    sign_in(page, system.user("regional_member", "almaty"))
    answer = page.goto(system.url("media", "/kits?lang=en"))
    assert answer is not None and answer.status == 403
    shot(page, "header-forbidden-en")
    page.get_by_role("link", name="Go to your start page").click()
    assert page.url == _url(system, sections.home("regional_member"), "en")
    assert page.locator("h2").first.is_visible()


def test_every_section_page_is_axe_clean_as_an_administrator_and_a_chair(
    screens: dict[str, Any], system: System, sign_in: Callable[..., None]
) -> None:
    """Every section an administrator and a chair open, whole page, at 360 and 1280 px: no serious or
    critical axe violation (the charts have names, scrolled tables take the keyboard's focus)."""
    found: dict[str, set[str]] = {}
    for role in ("admin", "regional_chair"):
        who = system.user(role, _scope(role))
        for screen, page in screens.items():
            sign_in(page, who)
            for section in sections.visible(role):
                page.goto(_url(system, section, "kk"))
                where = f"{section.key} ({role}, {screen})"
                for line in axe.violations(page):
                    found.setdefault(line.split(" at ")[0], set()).add(where)
    assert found == {}, "\n".join(f"{rule} on {', '.join(sorted(pages))}" for rule, pages in found.items())
