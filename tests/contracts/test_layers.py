"""Every service has the same layers, and imports only go down through them.

The rule (`docs/architecture.md`, "One shape"): a service's code lives in its layers, `api` (JSON
routes), `pages` (HTML routes), `handlers` (bus consumers), `operations` (use cases), `queries`
(reads), `rules` (pure functions), `schemas`, `models` and `messages`, each a module or a package of
that name; only the glue (`app`, `bootstrap`, `cli`, `public_app`, `__init__`) sits beside them.
Routes and handlers call use cases, use cases read and apply rules, and nothing below calls back
up: a rule never touches the store, a model never reaches a query. This reads the imports (the
syntax tree, function-level imports included) of every module of every service, so a new module
outside the layers or an import that runs back up fails here with the file and the import.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("intake", "review", "media", "notify")

#: The glue that wires the layers together: it may import any of them, and none imports it.
GLUE = frozenset({"app", "bootstrap", "cli", "public_app", "__init__"})

#: What each layer may import of its own service besides itself (a package's modules import each
#: other freely). Read downwards: routes and handlers → use cases → reads → pure rules and the store.
ALLOWED: dict[str, frozenset[str]] = {
    "api": frozenset({"operations", "queries", "rules", "schemas", "models", "messages"}),
    "pages": frozenset({"operations", "queries", "rules", "schemas", "models", "messages"}),
    "handlers": frozenset({"operations", "queries", "rules", "schemas", "models", "messages"}),
    "operations": frozenset({"queries", "rules", "schemas", "models", "messages"}),
    "queries": frozenset({"rules", "models", "messages"}),
    "schemas": frozenset({"rules", "models", "messages"}),
    "models": frozenset({"rules"}),
    "messages": frozenset({"rules"}),
    "rules": frozenset(),
}
LAYERS = frozenset(ALLOWED)

#: Not code of the service: its tests, its migrations (which freeze what a model was) and data.
NOT_CODE = frozenset({"tests", "migrations", "templates", "static"})


def _modules(service: str) -> Iterator[tuple[Path, tuple[str, ...]]]:
    """Each module of `service` and its dotted path inside the service (`("api", "decisions")`)."""
    base = ROOT / "services" / service
    for path in sorted(base.rglob("*.py")):
        parts = path.relative_to(base).with_suffix("").parts
        if parts[0] not in NOT_CODE:
            yield path, parts


def _layer(parts: tuple[str, ...]) -> str:
    """The layer a module belongs to: its first name inside the service (`api` of `api/audit.py`)."""
    return parts[0]


def _imported(tree: ast.Module, service: str, own: tuple[str, ...]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """The service's own modules that a module imports (dotted path inside the service), by line.

    `from services.review import audit` gives `("audit",)`, `from services.review.models import
    Candidate` gives `("models", "Candidate")`: the first name is the layer. A relative import is
    resolved from the importing module's package.
    """
    prefix = ("services", service)
    package = own[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = tuple(alias.name.split("."))
                if parts[:2] == prefix and len(parts) > 2:
                    yield node.lineno, parts[2:]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                parts = (*prefix, *base, *(node.module.split(".") if node.module else ()))
            else:
                parts = tuple((node.module or "").split("."))
            if parts[:2] != prefix:
                continue
            for alias in node.names:
                yield node.lineno, (*parts[2:], alias.name)


def _other_service(tree: ast.Module, service: str) -> Iterator[tuple[int, str]]:
    """Imports of another service's code: services couple through events only."""
    for node in ast.walk(tree):
        names = (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom) and not node.level
            else []
        )
        for name in names:
            parts = name.split(".")
            if parts[0] == "services" and len(parts) > 1 and parts[1] in SERVICES and parts[1] != service:
                yield node.lineno, name


def violations(service: str) -> list[str]:
    """What breaks the layer rule in `service`, one line per module outside the layers or import."""
    wrong = []
    for path, own in _modules(service):
        where = path.relative_to(ROOT)
        layer = _layer(own)
        if layer not in LAYERS and layer not in GLUE:
            wrong.append(f"{where}: `{layer}` is neither a layer nor the glue")
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, name in _other_service(tree, service):
            wrong.append(f"{where}:{line}: imports another service ({name})")
        if layer in GLUE:
            continue
        for line, target in _imported(tree, service, own):
            to = _layer(target)
            if to == layer:
                continue
            if to in GLUE:
                wrong.append(f"{where}:{line}: {layer} imports the glue ({'.'.join(target)})")
            elif to not in ALLOWED[layer]:
                wrong.append(
                    f"{where}:{line}: {layer} imports {to} ({'.'.join(target)}), which is above or beside it"
                )
    return wrong


@pytest.mark.parametrize("service", SERVICES)
def test_every_module_is_in_a_layer_and_imports_only_go_down(service: str) -> None:
    wrong = violations(service)
    assert wrong == [], f"{service} breaks the layer rule:\n" + "\n".join(wrong)


def test_the_rule_sees_an_import_that_runs_back_up() -> None:
    """The check can fail: a rule importing a query, and a model importing an operation, are found."""
    rule = ast.parse("from services.review.queries import stages\nfrom services.review import operations\n")
    found = list(_imported(rule, "review", ("rules", "scoring")))
    assert found == [(1, ("queries", "stages")), (2, ("operations",))]
    assert all(_layer(target) not in ALLOWED["rules"] for _line, target in found)
    relative = ast.parse("from ..queries import stages\nfrom . import fingerprint\n")
    assert [target for _line, target in _imported(relative, "review", ("rules", "scoring"))] == [
        ("queries", "stages"),
        ("rules", "fingerprint"),
    ]
    other = ast.parse("import services.intake.models\n")
    assert list(_other_service(other, "review")) == [(1, "services.intake.models")]
