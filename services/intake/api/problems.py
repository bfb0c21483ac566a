"""Problem details (RFC 9457) in the language the caller asked for.

Every error leaves the API through `problem()`: `type`, `title`, `status`, `detail`, plus `code`
(always; the 409s' codes are the contract's), `errors` and `codes` for a 422 (field path to
messages, and to message codes for programs). Messages are in kk, ru or en by `Accept-Language`.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask import Response, request

from services.intake.messages import CATALOG
from services.intake.rules import Problem
from shared.i18n import format_day, format_moment, negotiate

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    500: "internal_error",
}


def language() -> str:
    return negotiate(request.headers.get("Accept-Language"))


def _param(value: Any, lang: str) -> Any:
    if isinstance(value, datetime):
        return format_moment(value, lang)
    if isinstance(value, date):
        return format_day(value, lang)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value


def text(key: str, lang: str, params: Mapping[str, Any] | None = None) -> str:
    """A catalog message, formatted; the key itself if the catalog lacks it (a test forbids that)."""
    entry = CATALOG.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["en"]
    values = {name: _param(value, lang) for name, value in (params or {}).items()}
    wanted = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    try:
        return template.format(**{name: values.get(name, "") for name in wanted})
    except (IndexError, ValueError):
        return template


def problem_body(
    status: int,
    code: str | None = None,
    *,
    lang: str,
    params: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[Problem]] | None = None,
) -> dict[str, Any]:
    """A problem's JSON in `lang`: what `problem()` answers, and what the OpenAPI examples show."""
    code = code or STATUS_CODES.get(status, "internal_error" if status >= 500 else "bad_request")
    document: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": text(f"problem.{code}.title", lang),
        "status": status,
        "detail": text(f"problem.{code}.detail", lang, params),
        "code": code,
    }
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
    document = problem_body(status, code, lang=lang, params=params, errors=errors)
    response = Response(json.dumps(document, ensure_ascii=False), status=status, mimetype=PROBLEM_JSON)
    response.headers["Content-Language"] = lang
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def describe(code: str, lang: str) -> dict[str, str]:
    """The title and an explanation of a problem type, for `GET /api/v1/problems/<code>`."""
    return {
        "type": TYPE_BASE + code,
        "code": code,
        "title": text(f"problem.{code}.title", lang),
        "detail": text(f"problem.{code}.detail", lang),
    }


PROBLEM_CODES = tuple(sorted({key.split(".")[1] for key in CATALOG if key.startswith("problem.")}))
