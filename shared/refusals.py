"""What a use case raises when it refuses: a domain exception of one of five kinds, never HTTP.

A use case (an operation, or a query that finds nothing the caller may see) raises one and records
nothing (the unit of work rolls back). The service's app answers every one in one place
(`shared.web.create_service_app`'s error handler): on the API a problem (`shared.problems`) in the
words of the service's catalog, with `errors` (field to message keys) and the members of `extra`;
on a page the service's error page for that status. Each kind's `status` is the one it is answered
with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class Refused(Exception):
    """A use case refused: `code` names the rule (a problem code of the service's catalog; None for
    the status's generic one), `params` fill its words, `errors` maps fields to message keys and
    `extra` adds members to the problem (notify's `problems`: each part of a template at fault)."""

    status: ClassVar[int] = 422

    def __init__(
        self,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
        *,
        errors: Mapping[str, list[str]] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(code or type(self).__name__)
        self.code, self.params, self.errors = code, dict(params or {}), errors
        self.extra = dict(extra or {})


class Invalid(Refused):
    """The request's content breaks a rule (a field, a template that would not render)."""

    status = 422


class Conflict(Refused):
    """The state of things forbids it now."""

    status = 409


class Forbidden(Refused):
    """Not this caller's to do (a chair asking for another region)."""

    status = 403


class NotFound(Refused):
    """Nothing the caller may see by that id (outside their scope is the same as absent)."""

    status = 404


class Unauthenticated(Refused):
    """The caller is not who they claim (a gateway's receipt whose signature does not match)."""

    status = 401
