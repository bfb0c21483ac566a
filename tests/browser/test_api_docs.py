"""An API's docs page works in a browser under the services' own Content-Security-Policy: Swagger UI
lists the operations (its start-up was an inline script, which the CSP refused: the page was blank).
Every service's page is opened: it lists every operation of the service's document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import System

#: A path each service's document lists (its page must show it among the operations).
EXPECTED = {
    "intake": "/api/v1/nominations",
    "review": "/api/v1/candidates",
    "media": "/api/v1/assets",
    "notify": "/api/v1/messages",
}


@pytest.mark.parametrize("service", sorted(EXPECTED))
def test_docs_list_the_operations_under_our_csp(
    page: Any, system: System, shot: Callable[[Any, str], Any], service: str
) -> None:
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    response = page.goto(system.url(service, "/api/v1/docs"))
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any(path.startswith(EXPECTED[service]) for path in paths), paths
    document = page.request.get(system.url(service, "/api/v1/openapi.json")).json()
    operations = [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    ]
    methods = page.locator(".opblock-summary-method").all_inner_texts()
    assert sorted(zip(methods, paths, strict=True)) == sorted(operations)
    shot(page, f"{service}-api-docs")
    assert not [text for text in refused if "Content Security Policy" in text], refused
