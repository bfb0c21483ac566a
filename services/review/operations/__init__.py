"""What changes review's data: one function per use case, each run in the caller's unit of work.

The entrypoints (API routes, pages, event handlers, CLI commands) parse and render; these functions
decide. A use case the programme's rules refuse raises a `Refused` of one of its kinds, and records
nothing (the unit of work rolls back); `app.py` answers each as a problem in one error handler, and
a page that shows the refusal in its form catches it. Each kind's `status` is the one it is answered
with: `Invalid` (422: the content breaks a rule; `errors` names the fields at fault), `Conflict`
(409: the season's state forbids it now), `Forbidden` (403: not this caller's to do), `NotFound`
(404: nothing the caller may see by that id) and, for the public vote, `Unverified` (401: no
verified phone), `Gone` (410: a spent code) and `Throttled` (429, with the seconds to wait).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared import refusals


class Refused(refusals.Refused):
    """A use case refused: `code` names the rule (a problem code of `messages`), `params` fill its
    words, `errors` maps fields to message keys, `candidates` lists the candidates at fault. Each kind
    takes its `status` from the shared kind of the same name (`shared.refusals`)."""

    def __init__(
        self,
        code: str,
        params: Mapping[str, Any] | None = None,
        *,
        errors: Mapping[str, list[str]] | None = None,
        candidates: Sequence[Any] = (),
    ) -> None:
        super().__init__(code, params, errors=errors)
        self.candidates = list(candidates)


class Invalid(Refused, refusals.Invalid):
    """The request's content breaks a rule (a field, a candidate outside the scope...)."""


class Conflict(Refused, refusals.Conflict):
    """The season's state forbids it now: a stage closed or decided, a quota, a conflict of interest."""


class Forbidden(Refused, refusals.Forbidden):
    """Not this caller's to do: another commission's stage, another member's assignment."""


class NotFound(Refused, refusals.NotFound):
    """Nothing the caller may see by that id (outside their scope is the same as absent)."""

class Unverified(Refused):
    """The caller has not proved who they are: a voter without a verified phone for the contest."""

    status = 401


class Gone(Refused):
    """What was asked for existed but is spent: a one-time code used or past its time."""

    status = 410


class Throttled(Refused):
    """Too many of these too fast: the caller may try again after `retry_after` seconds."""

    status = 429

    def __init__(self, code: str, retry_after: int, params: Mapping[str, Any] | None = None) -> None:
        super().__init__(code, {**(params or {}), "retry_after": retry_after})
        self.retry_after = retry_after
