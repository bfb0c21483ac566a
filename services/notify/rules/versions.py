"""What changed between two versions of a template, line by line (difflib), for the history page."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

#: Lines of unchanged text kept around each change.
CONTEXT = 2


@dataclass(frozen=True)
class Line:
    """One line of a diff: `kind` is `same`, `added`, `removed` or `gap` (unchanged lines left out)."""

    kind: str
    text: str
    old: int | None = None
    new: int | None = None


def changes(old: str, new: str, context: int = CONTEXT) -> list[Line]:
    """The lines removed and added from `old` to `new`, with `context` unchanged lines around each
    change; an empty list when nothing changed."""
    before, after = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    lines: list[Line] = []
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(Line("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [Line("same", before[i], i + 1, j1 + i - i1 + 1) for i in range(i1, i2)]
                continue
            lines += [Line("removed", before[i], old=i + 1) for i in range(i1, i2)]
            lines += [Line("added", after[j], new=j + 1) for j in range(j1, j2)]
    return lines
