"""A docstring that names a file or a function names one that exists.

Docstrings here say why, often by pointing elsewhere (`shared/outbox.py`, `shared.outbox.emit`,
`handlers.IGNORED_FIELDS`); a rename that forgets them leaves a reader looking for what is gone. This
reads every docstring of the services and `shared/` and resolves:
- paths under the repository's top folders (`services/...`, `shared/...`, `docs/...`) to files;
- dotted names under `services.` or `shared.` to a module and a name defined at its top level (and
  a class's attribute one level down);
- `module.name` where `module` is a module of the docstring's own service or of `shared` (the way a
  module names its neighbours) to the same. Other dotted words (`user.changed`, `request.form`) are
  not modules of ours and are left alone.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from shared import events

ROOT = Path(__file__).resolve().parents[2]
#: An event type (`audit.recorded`) is a word of the contract, not a module's attribute.
EVENT_TYPES = frozenset(event_type for event_type, _version in events.known())
PATH = re.compile(
    r"(?<![\w/<{])((?:services|shared|tests|deploy|docs|bench|scripts)/[\w./-]*\w\.(?:py|md|sql|json|toml|html|js|css|ya?ml|po|csv))"
)
DOTTED = re.compile(r"(?<![\w.])([a-z_][a-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)(?![\w])")
#: A dotted word ending so is a file's name (`rules.md`, `outbox.log`), not a module's attribute.
FILE_ENDINGS = frozenset(
    ("py", "md", "js", "css", "html", "json", "csv", "log", "txt", "eml", "toml", "yml", "yaml", "sql", "pdf")
)


def _sources() -> Iterator[Path]:
    for top in ("services", "shared"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts:
                continue
            yield path


def _docstrings(tree: ast.Module) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield doc


def _module_file(dotted: list[str]) -> Path | None:
    base = ROOT.joinpath(*dotted)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


_NAMES: dict[Path, dict[str, ast.AST | None]] = {}


def _top_level(path: Path) -> dict[str, ast.AST | None]:
    """What a module defines at its top level: functions, classes, assignments, imports."""
    if path not in _NAMES:
        names: dict[str, ast.AST | None] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names[node.name] = node
            elif isinstance(node, ast.Assign):
                names.update({t.id: None for t in node.targets if isinstance(t, ast.Name)})
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names[node.target.id] = None
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names.update({(a.asname or a.name).split(".")[0]: None for a in node.names})
        _NAMES[path] = names
    return _NAMES[path]


def _resolves(parts: list[str]) -> bool:
    """`parts` is a module path, or a module path and a name in it (and a class's attribute)."""
    for split in range(len(parts), 0, -1):
        module = _module_file(parts[:split])
        if module is None:
            continue
        rest = [p.removesuffix("()") for p in parts[split:]]
        if not rest:
            return True
        if rest[0] not in _top_level(module):
            return (module.parent / rest[0]).with_suffix(".py").is_file()
        node = _top_level(module)[rest[0]]
        if len(rest) == 1 or not isinstance(node, ast.ClassDef):
            return True
        return any(
            getattr(item, "name", None) == rest[1]
            or (isinstance(item, ast.AnnAssign | ast.Assign) and rest[1] in ast.unparse(item).split(" ")[0])
            for item in node.body
        )
    return False


def _neighbours(source: Path) -> list[list[str]]:
    """The packages a docstring's short `module.name` may refer to: its own package's (`api/`), its
    service's, then shared."""
    own = list(source.relative_to(ROOT).parent.parts)
    service = own[:2] if own[0] == "services" else ["shared"]
    return [own, service, ["shared"]]


def _broken(source: Path, doc: str) -> Iterator[str]:
    for path in PATH.findall(doc):
        if not (ROOT / path).exists():
            yield path
    for dotted in DOTTED.findall(doc):
        parts = dotted.split(".")
        if parts[-1] in FILE_ENDINGS or dotted in EVENT_TYPES:
            continue
        if parts[0] in ("services", "shared"):
            if not _resolves(parts):
                yield dotted
            continue
        packages = [p for p in _neighbours(source) if _module_file([*p, parts[0]]) is not None]
        if packages and not any(_resolves([*p, *parts]) for p in packages):
            yield dotted


def test_every_file_and_function_a_docstring_names_exists() -> None:
    broken = [
        f"{source.relative_to(ROOT)}: {name}"
        for source in _sources()
        for doc in _docstrings(ast.parse(source.read_text(encoding="utf-8")))
        for name in sorted(set(_broken(source, doc)))
    ]
    assert not broken, "docstrings name what does not exist:\n" + "\n".join(broken)


def test_the_check_finds_a_stale_reference() -> None:
    source = ROOT / "services" / "review" / "app.py"
    assert list(_broken(source, "See `shared/nowhere.py` and `shared.outbox.no_such_function`.")) == [
        "shared/nowhere.py",
        "shared.outbox.no_such_function",
    ]
    assert list(_broken(source, "`shared.outbox.emit`, `handlers.HANDLERS`, `audit.recorded`.")) == []
