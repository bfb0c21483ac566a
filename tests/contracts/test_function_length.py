"""No function of the services or `shared/` is longer than 50 lines (migrations and tests aside).

A function that long does several things: a reader has to hold all of them to change one. The span
counted is the def's own, from its `def` line to its last line (decorators aside, docstring and
nested functions within), as `ast` reports it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LONGEST = 50


def _sources() -> Iterator[Path]:
    for top in ("services", "shared"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "tests" not in parts and "migrations" not in parts:
                yield path


def _spans(path: Path) -> Iterator[tuple[int, str]]:
    """(lines, `file:line name`) of every function and method in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            yield lines, f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"


def test_the_sources_are_read() -> None:
    """The walk finds the code it is about (a moved folder would make the next test pass vacuously)."""
    found = [where for path in _sources() for _lines, where in _spans(path)]
    assert any("services/review/operations/decisions.py" in where for where in found)
    assert len(found) > 500


def test_no_function_is_longer_than_fifty_lines() -> None:
    too_long = sorted(
        (
            f"{lines} lines: {where}"
            for path in _sources()
            for lines, where in _spans(path)
            if lines > LONGEST
        ),
        reverse=True,
    )
    assert not too_long, "\n".join(too_long)
