"""The administrator's template editor in Russian, as a person uses it on a desktop and a 360 x 740
phone: signed in through review's login, the editor's preview follows typing (the letter's own HTML in
a sandboxed frame, the SMS with its segments), a mistake is named with its line in Russian, a save
makes a new version whose change the history shows, and "send me a test" lands in the local mail
folder. Under the pages' real CSP nothing is refused; axe-core finds no serious or critical violation
on the editor, the history and the delivery log. Screenshots: var/screenshots/notify-editor-*.png."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser import a11y, axe
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, System

SCREENS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(SCREENS))
def screen(request: pytest.FixtureRequest, browser: Any, system: System) -> Iterator[tuple[str, Any, Any]]:
    """(name, a page under the real CSP, a page where axe may be injected), both of that screen's size."""
    system.forget_login_attempts()
    name = request.param
    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if name == "phone" else {}
    strict = browser.new_context(viewport=SCREENS[name], locale="ru-RU", **phone)
    lenient = browser.new_context(viewport=SCREENS[name], locale="ru-RU", bypass_csp=True, **phone)
    try:
        yield name, strict.new_page(), lenient.new_page()
    finally:
        strict.close()
        lenient.close()


def _refused(page: Any) -> list[str]:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    return refused


def test_the_editor_in_russian(
    screen: tuple[str, Any, Any], system: System, sign_in: Callable[..., None]
) -> None:
    from playwright.sync_api import expect

    name, page, checked = screen
    admin = system.user("admin", "national", name="Бауыржан Әбенов", email=f"admin-{name}@example.kz")
    refused = _refused(page)
    sign_in(page, admin)
    page.goto(system.url("notify", "/templates/winner/sms?lang=ru"))
    expect(page.get_by_role("heading", level=2)).to_contain_text("Победитель")
    frame = page.frame_locator("#preview-ru")
    expect(frame.locator("body")).to_contain_text("SMS")
    text = "Поздравляем, {{ greeting_name }}!\nВы среди ТОП 100, заявка {{ reference }}."
    page.fill("#body-ru", text + " Ждём вас на церемонии награждения.")
    expect(frame.locator("body")).to_contain_text("Поздравляем, Әлихан Қайратұлы!")
    expect(frame.locator("body")).to_contain_text("2 SMS")
    assert page.eval_on_selector("#body-ru", "area => area.rows") >= 4
    page.get_by_text("Какие параметры можно использовать").click()
    expect(page.locator("details.parameters")).to_contain_text("Короткий номер заявки для SMS")
    page.locator("#preview-ru").screenshot(path=str(SCREENSHOTS / f"notify-editor-sms-preview-{name}.png"))
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / f"notify-editor-{name}.png"), full_page=True)

    page.fill("#body-en", "Congratulations\n{{ refrence }}")
    page.get_by_role("button", name="Сохранить новую версию").click()
    expect(page.get_by_role("alert")).to_contain_text("Строка 2: «refrence» — не параметр этого сообщения")
    page.screenshot(path=str(SCREENSHOTS / f"notify-editor-error-{name}.png"), full_page=True)
    page.fill("#body-en", "Congratulations, {{ reference }}")
    page.get_by_role("button", name="Сохранить новую версию").click()
    expect(page.get_by_role("status").first).to_contain_text("Сохранено как версия")

    page.get_by_role("link", name="История версий").click()
    expect(page.locator("table.diff tr.added").first).to_contain_text("Поздравляем")
    expect(page.locator("section.version").first).to_contain_text("Бауыржан Әбенов")
    page.screenshot(path=str(SCREENSHOTS / f"notify-editor-history-{name}.png"), full_page=True)

    page.goto(system.url("notify", "/templates/winner/email?lang=ru"))
    expect(page.frame_locator("#preview-ru").locator("header")).to_contain_text("ТОП 100")
    page.locator("#preview-ru").screenshot(path=str(SCREENSHOTS / f"notify-editor-email-preview-{name}.png"))
    page.get_by_role("button", name="Отправить мне тест").click()
    expect(page.locator("#test-result")).to_contain_text("Тест отправлен на")
    letters = list((system.runtime("notify").settings.data_dir / "mail").glob("*.eml"))
    assert any(f"admin-{name}@example.kz" in letter.read_text(errors="replace") for letter in letters)
    assert refused == [], refused

    sign_in(checked, admin)
    for path in ("/templates/winner/email?lang=ru", "/templates/winner/sms/versions?lang=ru", "/?lang=ru"):
        checked.goto(system.url("notify", path))
        assert axe.violations(checked) == [], f"{path} on the {name}"
        assert a11y.problems(checked) == [], f"{path} on the {name}"
        wide = checked.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{path} is {wide} px wider than the {name}'s screen"
    checked.screenshot(path=str(SCREENSHOTS / f"notify-log-{name}.png"), full_page=True)
