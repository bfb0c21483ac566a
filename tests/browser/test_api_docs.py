"""An API's docs page works in a browser under the services' own Content-Security-Policy: Swagger UI
lists the operations (its start-up was an inline script, which the CSP refused: the page was blank)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.browser.conftest import System


def test_intake_docs_list_the_operations_under_our_csp(
    page: Any, system: System, shot: Callable[[Any, str], Any]
) -> None:
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    response = page.goto(system.url("intake", "/api/v1/docs"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/nominations" in path for path in paths), paths
    shot(page, "intake-api-docs")
    assert not [text for text in refused if "Content Security Policy" in text], refused
