"""Problem details (RFC 9457) in the language the caller asked for.

Every error leaves the API through `problem()`: `type`, `title`, `status`, `detail`, plus `code`
(always; the 409s' codes are the contract's), `errors` and `codes` for a 422 (field path to
messages, and to message codes for programs). Messages are in kk, ru or en by `Accept-Language`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response

from services.intake.messages import CATALOG, text
from services.intake.rules import Problem
from shared import problems
from shared.problems import TYPE_BASE, language, respond


def problem_body(
    status: int,
    code: str | None = None,
    *,
    lang: str,
    params: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[Problem]] | None = None,
) -> dict[str, Any]:
    """A problem's JSON in `lang`: what `problem()` answers, and what the OpenAPI examples show."""
    document = problems.document(status, code, lang, text, params)
    if errors:
        document["errors"] = {
            path: [text(p.code, lang, p.params) for p in items] for path, items in errors.items()
        }
        document["codes"] = {path: [p.code for p in items] for path, items in errors.items()}
    return document


def problem(
    status: int,
    code: str | None = None,
    *,
    params: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[Problem]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The problem response, in the language `Accept-Language` asks for (which it therefore varies by)."""
    lang = language()
    return respond(problem_body(status, code, lang=lang, params=params, errors=errors), lang, headers)


def describe(code: str, lang: str) -> dict[str, str]:
    """The title and an explanation of a problem type, for `GET /api/v1/problems/<code>`."""
    return {
        "type": TYPE_BASE + code,
        "code": code,
        "title": text(f"problem.{code}.title", lang),
        "detail": text(f"problem.{code}.detail", lang),
    }


PROBLEM_CODES = tuple(sorted({key.split(".")[1] for key in CATALOG if key.startswith("problem.")}))
