"""Plain values made of another object's attributes of the same names: a database row read into the
dataclass the rules take, or into the JSON object an API answers, without naming every field twice
(once as the target's, once as the source's) where the two already agree.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def dataclass_of(cls: type[T], source: object, **given: Any) -> T:
    """A `cls` (a dataclass) whose fields are `source`'s attributes of the same names, but those
    `given` (a field `source` names otherwise, or computes); a field with a default that `source`
    has no attribute for keeps its default, and one without a default is a TypeError, as ever."""
    values = {
        field.name: getattr(source, field.name)
        for field in fields(cls)  # type: ignore[arg-type]
        if field.init and field.name not in given and hasattr(source, field.name)
    }
    return cls(**values, **given)


def attributes(source: object, *names: str, **given: Any) -> dict[str, Any]:
    """`source`'s attributes `names` as a dict in that order, each of them `given` (a date written as
    text) taking that value in its place; a `given` name not among `names` comes after them."""
    values = {name: given[name] if name in given else getattr(source, name) for name in names}
    return values | given
