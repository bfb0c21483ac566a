"""The media team's pages as the team uses them, on a 1280 px desktop and a 360 x 740 phone: find a
candidate, move the photo's crop point by clicking it, download the candidate's files, log a
publication by ticking candidates. axe-core finds no serious or critical violation on any of the
pages, the project's own checks (contrast, labels, nothing wider than the screen) pass.
Screenshots in var/screenshots/media-<page>-<screen>.png.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from services.media.tests.factories import jpeg, stored_photo
from services.media.tests.team import candidate
from tests.browser import a11y, axe
from tests.browser.conftest import DESKTOP, PHONE, System

PAGES = {
    "list": "/?year=2026&lang=kk",
    "search": "/?year=2026&lang=kk&q=%D3%99%D0%BB%D0%B8%D1%85%D0%B0%D0%BD&banner=1",
    "candidate": "/candidates/brw-m1?lang=kk&w=320&h=240&at.x=80&at.y=60",
    "kits": "/kits?lang=ru",
    "publications": "/publications?year=2026&lang=en",
}


@pytest.fixture(scope="module")
def seeded(system: System, tmp_path_factory: pytest.TempPathFactory) -> None:
    runtime = system.runtime("media")
    folder = tmp_path_factory.mktemp("media-team-photos")
    candidate(
        runtime,
        "brw-m1",
        name=("Нұрланұлы", "Әлихан"),
        banner=True,
        photo=stored_photo(folder, jpeg(), "brw-m1"),
    )
    candidate(runtime, "brw-m2", region="shymkent", name=("Сейітқали", "Іңкәр"), stage="winner")


@pytest.fixture
def screens(browser: Any, system: System) -> Iterator[dict[str, Any]]:
    """A 1280 px desktop window and a 360 x 740 phone, each a fresh context where axe may be injected
    (the pages' CSP forbids the inline script playwright adds it with)."""
    system.forget_login_attempts()
    desktop = browser.new_context(viewport=DESKTOP, locale="ru-RU", bypass_csp=True, accept_downloads=True)
    phone = browser.new_context(
        viewport=PHONE,
        locale="ru-RU",
        bypass_csp=True,
        accept_downloads=True,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        yield {"desktop": desktop.new_page(), "phone": phone.new_page()}
    finally:
        desktop.close()
        phone.close()


def _checked(screen: Any, where: str) -> None:
    assert axe.violations(screen) == [], where
    assert a11y.problems(screen) == [], where


@pytest.mark.usefixtures("seeded")
def test_every_media_page_passes_axe_on_a_desktop_and_a_phone(
    screens: dict[str, Any], system: System, sign_in: Callable[..., None], shot: Callable[[Any, str], Path]
) -> None:
    who = system.user("media", "national", name="Медиа Тобы")
    for name, screen in screens.items():
        sign_in(screen, who)
        for key, path in PAGES.items():
            screen.goto(system.url("media", path))
            _checked(screen, f"{key} on the {name}")
            shot(screen, f"media-{key}-{name}")


@pytest.mark.usefixtures("seeded")
def test_the_team_walks_its_day_on_a_phone(
    screens: dict[str, Any], system: System, sign_in: Callable[..., None], shot: Callable[[Any, str], Path]
) -> None:
    phone = screens["phone"]
    who = system.user("media", "national", name="Медиа Тобы")
    sign_in(phone, who)
    phone.goto(system.url("media", "/?year=2026&lang=kk"))
    phone.fill("#f-q", "ӘЛИХАН")
    phone.click("form.filters button[type=submit]")
    phone.wait_for_load_state()
    # Other browser tests of the shared system may have an Әлихан too: this test's is brw-m1.
    links = phone.locator('table.candidates a[href*="brw-m1"]')
    assert links.count() == 1 and "Нұрланұлы Әлихан" in links.first.inner_text()
    assert phone.locator("table.candidates a").count() >= 1
    links.first.click()
    phone.wait_for_load_state()
    # A tap on the photo's left edge: the previews and the save button appear.
    phone.locator("input[type=image]").click(position={"x": 10, "y": 120})
    phone.wait_for_load_state()
    assert phone.locator("ul.previews img").count() == 3
    assert phone.evaluate("[...document.querySelectorAll('ul.previews img')].every(i => i.naturalWidth > 0)")
    _checked(phone, "candidate with previews")
    shot(phone, "media-focus-preview-phone")
    phone.locator("section.focus form[method=post] button").click()
    phone.wait_for_load_state()
    assert phone.locator("section.focus .ok").count() == 1
    with phone.expect_download() as waiting:
        phone.locator("a[href$='files.zip']").click()
    names = zipfile.ZipFile(io.BytesIO(Path(waiting.value.path()).read_bytes())).namelist()
    assert {"square.jpg", "card.jpg", "story.jpg", "banner.pdf"} <= set(names)
    phone.goto(system.url("media", "/publications?year=2026&lang=ru"))
    phone.fill("#p-outlet", "Егемен Қазақстан")
    phone.fill("#p-url", "https://egemen.kz/a/1")
    phone.fill("#p-date", "2026-10-20")
    phone.locator("fieldset.pick summary").first.click()
    phone.locator("input[name=candidate_ids][value=brw-m1]").check()
    phone.locator("form.publication button[type=submit]").click()
    phone.wait_for_load_state()
    assert "Нұрланұлы Әлихан" in phone.locator("table").first.inner_text()
    _checked(phone, "publications after logging one")
    shot(phone, "media-publication-logged-phone")
