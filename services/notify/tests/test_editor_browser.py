"""The template editor in a real browser (Chromium, under the pages' CSP): the preview follows what is
typed, with SMS segments and encoding, and saving makes a new version; a sandbox escape is refused."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from services.notify.app import create_app
from shared import identity, testing
from shared.runtime import Runtime

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"


@pytest.fixture
def served(runtime: Runtime) -> Iterator[tuple[str, str]]:
    """Notify on a real port, and a session cookie of an administrator signed as review signs it."""
    app = create_app(runtime)
    cookie = testing.session_cookie(app, "admin", "national", user_id="u-admin", name="Әлия", language="kk")
    port = testing.free_ports()[0]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", cookie
    finally:
        server.shutdown()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
def test_the_preview_follows_typing_and_a_save_makes_a_new_version(served: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, cookie = served
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            context = browser.new_context()
            context.add_cookies([{"name": identity.SESSION_COOKIE, "value": cookie, "url": base}])
            page = context.new_page()
            errors: list[str] = []
            page.on(
                "console",
                lambda message: (
                    errors.append(f"{message.text} at {message.location}")
                    if message.type == "error"
                    else None
                ),
            )
            page.goto(f"{base}/templates/winner/sms?lang=kk")
            kk = page.locator("output.preview[data-language=kk]")
            expect(kk).to_contain_text("UCS-2")
            page.fill("textarea[name='body.kk']", "Құттықтаймыз, {{ reference }}! " + "ә" * 60)
            expect(kk).to_contain_text("Құттықтаймыз, 0B6F3C1E!")
            expect(kk).to_contain_text("[UCS-2, 84 / 2 SMS]")
            page.fill("textarea[name='body.en']", "Congratulations {{ reference }}")
            expect(page.locator("output.preview[data-language=en]")).to_contain_text("[GSM-7, 24 / 1 SMS]")
            page.click("#template-form button[type=submit]")
            expect(page.locator("#template-status")).to_have_text("v2")
            page.fill("textarea[name='body.ru']", "{{ ''.__class__ }}")
            expect(page.locator("output.preview[data-language=ru]")).to_contain_text("SecurityError")
            expect(kk).to_contain_text("Құттықтаймыз, 0B6F3C1E!")  # other languages still preview
            page.click("#template-form button[type=submit]")
            expect(page.locator("#template-status")).to_contain_text("body.ru")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "notify-template-editor.png"), full_page=True)
            # Nothing of the page (the shared layout included) is refused by the CSP.
            assert not [e for e in errors if "Content Security Policy" in e], errors
        finally:
            browser.close()
