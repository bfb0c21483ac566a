"""What changes intake's data: one function per use case, each run inside a unit of work.

The entrypoints (API views, event handlers, CLI commands) parse and render; these functions decide.
Failures are exceptions the entrypoints map to responses: `Invalid` (422, field errors), `Conflict`
(409 with a code), `Forbidden` (403) and `NotFound` (404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.intake.rules import Problem


@dataclass(frozen=True)
class Portal:
    """The caller: a portal key's id, its region and whether it is a sandbox key."""

    key_id: str
    region: str
    sandbox: bool


class OperationError(Exception):
    pass


class Invalid(OperationError):
    """422: fields at fault; `code` is `validation_failed` unless the body was not even JSON."""

    def __init__(self, errors: dict[str, list[Problem]], code: str | None = None) -> None:
        super().__init__(errors)
        self.errors = errors
        self.code = code


class Conflict(OperationError):
    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params = params or {}


class Forbidden(OperationError):
    def __init__(self, region: str) -> None:
        super().__init__(region)
        self.region = region


@dataclass
class NotFound(OperationError):
    what: str = "resource"
    params: dict[str, Any] = field(default_factory=dict)
