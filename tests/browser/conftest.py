"""Browser tests: review, media and notify served for real (embedded mode, a werkzeug server thread
each on a free port, one data folder in tmp), driven by Debian's chromium through playwright.

Fixtures for every browser test of the system:
- `system`: the running services (`system.url("review", "/login")`, `system.runtime("media")`) and
  `system.user(role, scope, **fields)` to make an account in review's database;
- `page` (a desktop window) and `phone` (a 360 px wide one), fresh browser contexts per test;
- `sign_in(page, who)`: the login form filled and sent as a person would;
- `shot(page, name)`: a full-page screenshot in `var/screenshots/<name>.png` (gitignored; CI keeps it
  as an artefact): look at them.

Without chromium (`/usr/bin/chromium`, or `TOP100_CHROMIUM`) the tests skip loudly, and fail where
servers are required (CI: `scripts/test` installs chromium first).
"""

from __future__ import annotations

import importlib
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete
from werkzeug.serving import BaseWSGIServer, make_server

from services.review.models import LoginAttempt
from services.review.tests import people
from shared import config, identity, testing
from shared.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
SERVICES = ("intake", "review", "media", "notify")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder `browser`, so `-m browser` and `-m "not browser"` select them
    (a `pytestmark` in a conftest marks nothing: pytest reads it only from test modules), and put them
    in one pytest-xdist group, so that with `--dist loadgroup` one worker starts the system and
    chromium (session fixtures) for all of them."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


def chromium_path() -> str | None:
    configured = os.environ.get("TOP100_CHROMIUM", "")
    for candidate in (configured, "/usr/bin/chromium", shutil.which("chromium") or ""):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@dataclass
class System:
    """The services under test, on 127.0.0.1."""

    ports: dict[str, int]
    runtimes: dict[str, Runtime]
    servers: list[BaseWSGIServer] = field(default_factory=list)

    def url(self, service: str, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.ports[service]}{path}"

    def runtime(self, service: str) -> Runtime:
        return self.runtimes[service]

    def forget_login_attempts(self) -> None:
        """Every browser comes from 127.0.0.1: one test's failed logins must not lock the next test
        out (the throttle counts per address too). The `page` and `phone` fixtures call this."""
        with self.runtimes["review"].db.unit_of_work() as session:
            session.execute(delete(LoginAttempt))

    def user(self, role: str = "regional_chair", scope: str = "almaty", **fields: Any) -> identity.Identity:
        """A new account in review's database; its password is `people.PASSWORD`."""
        return people.create_user(self.runtimes["review"], role, scope, **fields)


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    data_dir = tmp_path_factory.mktemp("browser-system")
    ports = dict(zip(SERVICES, testing.free_ports(len(SERVICES)), strict=True))
    with ExitStack() as stack:
        # The environment says where everything is only while the services are built (their settings
        # are read then): the rest of the session's tests see their own.
        with pytest.MonkeyPatch.context() as env:
            env.setenv("TOP100_DATA_DIR", str(data_dir))
            env.setenv("TOP100_SECRET_KEY", "browser-tests-secret")
            env.setenv("TOP100_LOGIN_URL", f"http://127.0.0.1:{ports['review']}/login")
            env.delenv("BROKER_URL", raising=False)
            env.delenv("TOP100_PUBLIC_ORIGINS", raising=False)
            for service, port in ports.items():
                env.setenv(f"{service.upper()}_PORT", str(port))
                env.delenv(f"{service.upper()}_DATABASE_URL", raising=False)
            runtimes = {
                service: stack.enter_context(testing.migrated_runtime(service, config.load(service)))
                for service in SERVICES
            }
            apps = {
                service: importlib.import_module(f"services.{service}.app").create_app(runtimes[service])
                for service in SERVICES
            }
        running = System(ports, runtimes)
        for service, app in apps.items():
            server = make_server("127.0.0.1", ports[service], app, threaded=True)
            threading.Thread(target=server.serve_forever, name=f"browser-{service}", daemon=True).start()
            running.servers.append(server)
        try:
            yield running
        finally:
            for server in running.servers:
                server.shutdown()
                server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        testing.server_unavailable("CHROMIUM NOT FOUND at /usr/bin/chromium: browser tests not run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _context(browser: Any, viewport: dict[str, int], **options: Any) -> Any:
    return browser.new_context(viewport=viewport, locale="ru-RU", **options)


@pytest.fixture
def page(browser: Any, system: System) -> Iterator[Any]:
    """A desktop window in a fresh context (no cookies), its browser asking for Russian."""
    system.forget_login_attempts()
    context = _context(browser, DESKTOP)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def phone(browser: Any, system: System) -> Iterator[Any]:
    """A 360 px wide phone screen in a fresh context."""
    system.forget_login_attempts()
    context = _context(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def shot() -> Callable[[Any, str], Path]:
    def save(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def sign_in(system: System) -> Callable[..., None]:
    """`sign_in(page, who, password=PASSWORD)`: open review's login page and sign in as `who`."""

    def fill(page: Any, who: identity.Identity, password: str = people.PASSWORD, next_url: str = "") -> None:
        query = f"?next={next_url}" if next_url else ""
        page.goto(system.url("review", f"/login{query}"))
        page.fill("#email", who.email)
        page.fill("#password", password)
        page.press("#password", "Enter")
        page.wait_for_load_state()

    return fill
