"""The TOP 100 gallery on a 360 px phone in kk, ru and en, as the public process group serves it:
axe-core finds no serious or critical violation on the whole page, the project's own checks
(contrast, nothing wider than the screen) pass, every winner's name keeps its Kazakh letters; and a
winner who withdraws the consent is gone from the page as soon as it is asked for again (a browser
may keep its copy for the 60 s the page allows, and no longer).
Screenshots in var/screenshots/gallery-phone-<lang>.png.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from werkzeug.serving import make_server

from services.review.handlers import HANDLERS
from services.review.models import Candidate
from services.review.pages import gallery
from services.review.pages import public as public_pages
from services.review.tests.factories import event, submitted
from shared import testing
from shared.handling import handle
from shared.web import create_service_app
from tests.browser import a11y, axe
from tests.browser.conftest import PHONE, System

#: A year no other browser test decides: the winners written here are this test's alone.
YEAR = 2031
WINNERS = {
    "gal-1": ("almaty", "Әбілқайырова", "Ұлжан"),
    "gal-2": ("almaty", "Ахметов", "Ерлан"),
    "gal-3": ("shymkent", "Сейітқали", "Іңкәр"),
}
TITLES = {
    "kk": "2031 жылғы ТОП 100 жеңімпаздары",
    "ru": "Победители ТОП 100 2031 года",
    "en": "TOP 100 winners of 2031",
}


@pytest.fixture(scope="module")
def public_url(system: System) -> Iterator[str]:
    """The gallery's blueprints on a server of their own (the public process group's), on review's
    store, with this test's winners in it."""
    runtime = system.runtime("review")
    for nomination_id, (region, last, first) in WINNERS.items():
        told = submitted(
            nomination_id,
            region,
            year=YEAR,
            revision=1,
            consent_publication=True,
            candidate={"last_name": last, "first_name": first, "patronymic": None},
        )
        handle(runtime, HANDLERS, "review", told)
    with runtime.db.unit_of_work() as session:
        ids = list(WINNERS)
        session.execute(
            update(Candidate).where(Candidate.nomination_id.in_(ids)).values(stage="winner", status="winner")
        )
    app = create_service_app("services.review.app", runtime, (gallery.bp, public_pages.assets), people=False)
    [port] = testing.free_ports(1)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, name="browser-public", daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def phone_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport=PHONE, locale="kk-KZ", bypass_csp=True, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_gallery_on_a_phone_is_accessible_in_each_language(
    public_url: str, phone_page: Any, shot: Callable[[Any, str], Path], language: str
) -> None:
    response = phone_page.goto(f"{public_url}/public/winners/{YEAR}?lang={language}")
    assert response is not None and response.status == 200
    assert response.headers["cache-control"] == "public, max-age=60"
    assert phone_page.locator("html").get_attribute("lang") == language
    assert phone_page.locator("h1").inner_text() == TITLES[language]
    names = phone_page.locator(".card h3").all_inner_texts()
    assert names == ["Ахметов Ерлан", "Әбілқайырова Ұлжан", "Сейітқали Іңкәр"]
    phone_page.locator("details summary").first.click()  # the statement opens without script
    assert phone_page.locator(".card .statement").first.is_visible()
    shot(phone_page, f"gallery-phone-{language}")
    assert axe.violations(phone_page) == []
    assert a11y.problems(phone_page) == []


def test_a_withdrawn_consent_is_gone_when_the_page_is_asked_again(
    public_url: str, phone_page: Any, system: System
) -> None:
    url = f"{public_url}/public/winners/{YEAR}?lang=kk"
    phone_page.goto(url)
    assert "Сейітқали Іңкәр" in phone_page.locator("main").inner_text()
    withdrawal = {
        "nomination_id": "gal-3",
        "changed": ["consent.publication"],
        "consent_publication": False,
        "revision": 2,
    }
    handle(system.runtime("review"), HANDLERS, "review", event("nomination.amended", withdrawal, "shymkent"))
    phone_page.goto(url)  # the browser may keep its copy for the minute the page allows...
    phone_page.reload()  # ...asked again (as after that minute), the server leaves them out
    text = phone_page.locator("main").inner_text()
    assert "Сейітқали" not in text and "Ахметов Ерлан" in text
