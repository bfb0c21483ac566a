"""The public vote on a 360 px phone in kk, ru and en, as the public process group serves it, with no
script: the contest's page is read (axe-core finds no serious or critical violation, the project's
own checks pass, the candidates keep their Kazakh letters), a phone is given, the code is taken from
the SMS a local gateway received from notify, then the voter chooses a candidate and the page says
what is recorded, in the reader's language. Screenshots in var/screenshots/vote-phone-<lang>-*.png.

Review's `vote.code_requested` reaches notify here as the bus would hand it over (notify's handler
on the event from review's outbox); `tests/e2e/test_vote_code.py` takes the same path over RabbitMQ.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from services.notify.handlers import HANDLERS as NOTIFY
from services.notify.tests.servers import Gateway, sms_gateway
from services.review.models import outbox
from services.review.public_app import create_app
from services.review.tests import seeding
from shared import config, i18n, testing
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime
from tests.browser import a11y, axe
from tests.browser.conftest import PHONE, System

#: A year no other browser test uses: this contest's candidates are this test's alone.
YEAR = 2032
NOW = f"{YEAR}-10-08T12:00:00+05:00"
#: As the pages show them: surname, then given name.
CANDIDATES = ("Сәрсенұлы Әлихан", "Жұмабекова Іңкәр", "Қасымова Ұлжан")
#: A phone per language (a phone may ask for one code a minute).
PHONES = {"kk": "+77017000001", "ru": "+77017000002", "en": "+77017000003"}
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture(scope="module")
def vote(system: System, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The public process group on review's store (its own server, the vote open), the candidates,
    and a notify of its own that texts a local SMS gateway."""
    review = system.runtime("review")
    with review.db.unit_of_work() as session:
        for name in CANDIDATES:
            last, first = name.split()
            seeding.candidate(session, "almaty", year=YEAR, first_name=first, last_name=last)
    with pytest.MonkeyPatch.context() as env, sms_gateway() as gateway:
        env.setenv("TOP100_NOW", NOW)
        env.setenv("TOP100_DATA_DIR", str(tmp_path_factory.mktemp("vote-notify")))
        env.setenv("NOTIFY_SMS_PROVIDERS", f'[{{"name": "gw", "url": "{gateway.url}", "token": "t"}}]')
        env.delenv("NOTIFY_DATABASE_URL", raising=False)
        with testing.migrated_runtime("notify", config.load("notify")) as notify:
            [port] = testing.free_ports(1)
            server = make_server("127.0.0.1", port, create_app(review), threaded=True)
            threading.Thread(target=server.serve_forever, name="browser-vote", daemon=True).start()
            try:
                yield {"url": f"http://127.0.0.1:{port}", "review": review, "notify": notify, "sms": gateway}
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


def _deliver_codes(review: Runtime, notify: Runtime) -> None:
    """Hand review's `vote.code_requested` events to notify, as the bus would (twice is harmless)."""
    with review.db.unit_of_work() as session:
        bodies = list(session.scalars(select(outbox.c.body).order_by(outbox.c.id)))
    for body in bodies:
        event = Event.from_json(body)
        if event.type == "vote.code_requested":
            handle(notify, NOTIFY, "notify", event)


def _code_for(gateway: Gateway, phone: str) -> str:
    texts = [body["text"] for _headers, body in list(gateway.requests) if body["to"] == phone]
    assert texts, f"no SMS to {phone} at the gateway"
    found = CODE.search(texts[-1])
    assert found is not None, texts[-1]
    return found[1]


def _clean(page: Any) -> None:
    assert axe.violations(page) == []
    assert a11y.problems(page) == []


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_reading_and_voting_on_a_phone_in_each_language(
    vote: dict[str, Any], phone_page: Any, shot: Callable[[Any, str], Path], language: str
) -> None:
    def words(message: str) -> str:
        return i18n.translate(i18n.N_(message), language)

    page = phone_page
    answer = page.goto(f"{vote['url']}/public/{YEAR}/regional/almaty?lang={language}")
    assert answer is not None and answer.status == 200
    assert answer.headers["cache-control"] == "public, max-age=60"
    assert page.locator("html").get_attribute("lang") == language
    assert words("TOP 100: people's choice") in page.locator("h1").inner_text()
    assert sorted(page.locator(".card h3").all_inner_texts()) == sorted(CANDIDATES)
    assert page.locator("script").count() == 0
    shot(page, f"vote-phone-{language}-read")
    _clean(page)

    page.fill("#phone", PHONES[language])
    page.click("form[action*='/phone'] button")
    assert "verification=" in page.url and page.locator("#code").is_visible()
    _deliver_codes(vote["review"], vote["notify"])
    code = _code_for(vote["sms"], PHONES[language])
    shot(page, f"vote-phone-{language}-code")
    _clean(page)

    page.fill("#code", code)
    page.click("form[action*='/code'] button")
    page.get_by_label(CANDIDATES[1]).check()
    shot(page, f"vote-phone-{language}-ballot")
    _clean(page)
    page.click("form.ballot button")

    recorded = page.locator(".recorded")
    assert words("Your vote is recorded") in recorded.locator("h2").inner_text()
    assert CANDIDATES[1] in recorded.inner_text()
    assert page.locator("input[name=candidate]:checked").get_attribute("value") is not None
    shot(page, f"vote-phone-{language}-voted")
    _clean(page)
    # Back later: the page shows the same vote, and the voter may change it.
    page.goto(f"{vote['url']}/public/{YEAR}/regional/almaty?lang={language}")
    assert CANDIDATES[1] in page.locator(".recorded").inner_text()
    assert page.locator("form.ballot button").inner_text() == words("Change my vote")
