"""Problem details (RFC 9457) in the language the caller asked for.

Every error leaves the API through `problem()`: `type`, `title`, `status`, `detail`, plus `code`
(always; the 409s' codes are the contract's), `errors` and `codes` for a 422 (field path to
messages, and to message codes for programs). Messages are in kk, ru or en by `Accept-Language`.
"""

from __future__ import annotations

from functools import partial

from services.intake.messages import CATALOG, text
from shared import problems
from shared.problems import TYPE_BASE

#: A problem's JSON in `lang`, in intake's words: what `problem()` answers, and what the OpenAPI
#: examples show. `errors` lists the `Problem`s of the rules, each worded with its own values.
problem_body = partial(problems.body, words=text)

#: The problem response, in the language `Accept-Language` asks for (which it therefore varies by).
problem = partial(problems.problem, words=text)


def describe(code: str, lang: str) -> dict[str, str]:
    """The title and an explanation of a problem type, for `GET /api/v1/problems/<code>`."""
    return {
        "type": TYPE_BASE + code,
        "code": code,
        "title": text(f"problem.{code}.title", lang),
        "detail": text(f"problem.{code}.detail", lang),
    }


PROBLEM_CODES = tuple(sorted({key.split(".")[1] for key in CATALOG if key.startswith("problem.")}))
