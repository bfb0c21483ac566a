"""axe-core, the accessibility engine browsers' own tools use, run inside the page a test opened.

`violations(page, include)` injects `axe.min.js` (the npm package pinned in tools/axe/package.json;
`scripts/test` installs it, `node_modules` is not committed) and lists the serious and critical
violations in the part of the page `include` names (CSS selectors; None: the whole page). The page's
own CSP forbids inline script, so the context of a page checked this way needs `bypass_csp=True`.
The project's own checks (`a11y.py`) stay beside it: they look at contrast on the real background
and at sideways scrolling on a phone, as a person meets them.

Without the package the test skips loudly, and fails where servers are required (CI).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from shared import testing

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("TOP100_AXE", ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))
#: What fails a test: the impacts axe rates as blocking someone from the page.
BLOCKING = ("serious", "critical")

_RUN = """async (include) => {
  const context = include ? {include: include.map((selector) => [selector])} : document;
  const result = await axe.run(context, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((node) => node.target.join(' ')).slice(0, 5),
  }));
}"""


def results(page: Any, include: list[str] | None = None) -> list[dict[str, Any]]:
    """Every violation axe finds in `include` (or the page), whatever its impact."""
    if not AXE.is_file():
        testing.server_unavailable(f"AXE-CORE NOT FOUND at {AXE} (npm ci --prefix tools/axe): not run")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(_RUN, include)
    return found


def violations(page: Any, include: list[str] | None = None) -> list[str]:
    """The serious and critical violations in `include` (or the page), one line each."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}"
        for v in results(page, include)
        if v["impact"] in BLOCKING
    ]
