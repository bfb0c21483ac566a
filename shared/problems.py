"""Problem details (RFC 9457) in kk, ru or en: how every service's API says what went wrong.

A problem is `type`, `title`, `status` and `detail`, plus `code` (the last part of `type`, for
programs) and, where fields are at fault, `errors` (field to messages) and `codes` (field to the
messages' codes, for programs). The language follows
`Accept-Language`, so each answer says `Vary: Accept-Language` and `Content-Language`.

The generic problems (an unknown address, a method the address does not take, a failure of ours)
are worded here once; a service with problems of its own passes its catalog, which includes these.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, Protocol

from flask import Response, request
from marshmallow import Schema, ValidationError, fields
from werkzeug.exceptions import HTTPException

from shared import i18n
from shared.i18n import N_

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"
#: The code of a problem that has no more precise one, by HTTP status.
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


def texts(code: str, title: i18n.Text, detail: i18n.Text) -> dict[str, i18n.Text]:
    """The catalog entries of a problem: its title and detail (English msgids)."""
    return {f"problem.{code}.title": title, f"problem.{code}.detail": detail}


CATALOG: dict[str, i18n.Text] = {
    **texts("unauthorized", N_("Not signed in"), N_("Sign in, or send a valid personal API token.")),
    **texts("forbidden", N_("Forbidden"), N_("Your role may not do this.")),
    **texts("not_found", N_("Not found"), N_("No such resource.")),
    **texts(
        "method_not_allowed",
        N_("Method not allowed"),
        N_("This address does not accept this HTTP method."),
    ),
    **texts(
        "payload_too_large", N_("Payload too large"), N_("The request body must be at most %(maximum)s MB.")
    ),
    **texts("unsupported_media_type", N_("Unsupported media type"), N_("Expected: %(expected)s.")),
    **texts("bad_request", N_("Bad request"), N_("The request could not be parsed.")),
    **texts("internal_error", N_("Internal error"), N_("An unexpected error; try again later.")),
    **texts(
        "invalid_body",
        N_("Invalid request body"),
        N_("Some fields of the request body are invalid; see `errors`."),
    ),
    **texts(
        "invalid_query",
        N_("Invalid query"),
        N_("Some query parameters are invalid; see `errors`."),
    ),
    **texts(
        "invalid_json",
        N_("Invalid JSON"),
        N_("The request body is not JSON this API can read; see `errors`."),
    ),
    # TRANSLATORS: why a request body is not readable JSON (`errors.body` of an `invalid_json` problem).
    "json.unparseable": N_("not valid JSON"),
    # TRANSLATORS: %(depth)s is a number of levels of arrays and objects inside each other.
    "json.too_deep": N_("nested deeper than %(depth)s levels"),
    "json.unstorable": N_("text with a NUL character or a lone surrogate (not Unicode)"),
    # A query parameter's (`shared.bodies.refuse_nul`): the same words.
    "field.unstorable": N_("text with a NUL character or a lone surrogate (not Unicode)"),
    "json.not_object": N_("must be a JSON object"),
    # TRANSLATORS: what is wrong with a query parameter (`?nomination_id=`), shown next to its name.
    "field.required": N_("required"),
    "field.invalid": N_("invalid value"),
}


class ProblemMembers(Schema):
    """The members every service's problem has, as its OpenAPI document shows them: each service's
    `ProblemOut` adds `errors` and `codes` (`by_field`) in its own words, and any members of its own."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    code = fields.String()


def by_field(description: str | None = None) -> fields.Dict:
    """A problem's `errors` or `codes` as a schema documents it: each field at fault to a list of
    texts (messages, or their codes), with `description` where the service says more."""
    return fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": description} if description else {},
    )


class Problem(Exception):
    """Raised anywhere in a request to answer with a problem (`errors`: field to message keys)."""

    def __init__(
        self,
        status: int,
        code: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        self.status, self.code, self.errors = status, code or STATUS_CODES.get(status, "bad_request"), errors
        self.params = params
        super().__init__(self.code)


def language() -> str:
    """The caller's language among kk/ru/en, from `Accept-Language`."""
    return i18n.negotiate(request.headers.get("Accept-Language"))


def text(
    catalog: Mapping[str, i18n.Text], key: str, lang: str, params: Mapping[str, Any] | None = None
) -> str:
    """The message `key` of `catalog` in `lang`, its placeholders filled: the key itself if the
    catalog lacks it (a test forbids that), and a parameter the caller left out reads as empty, as
    an error answer must not become a 500 for want of a detail."""
    message = catalog.get(key)
    if message is None:
        return key
    values: defaultdict[str, Any] = defaultdict(str, params or {})
    return i18n.translate(message, lang, values)


#: A catalog's words: (message key, language, parameters) to the text a person reads.
Words = Callable[[str, str, Mapping[str, Any] | None], str]


def document(
    status: int, code: str | None, lang: str, words: Words, params: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The members every problem has: `type`, `title`, `status`, `detail` and `code`."""
    code = code or STATUS_CODES.get(status, "internal_error" if status >= 500 else "bad_request")
    return {
        "type": TYPE_BASE + code,
        "title": words(f"problem.{code}.title", lang, None),
        "status": status,
        "detail": words(f"problem.{code}.detail", lang, params),
        "code": code,
    }


def respond(body: Mapping[str, Any], lang: str, headers: Mapping[str, str] | None = None) -> Response:
    """The HTTP answer of a problem `body`: `application/problem+json`, whatever `headers` say."""
    response = Response(json.dumps(body, ensure_ascii=False), status=body["status"], mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        if name.lower() != "content-type":  # werkzeug's errors bring their own text/html
            response.headers[name] = value
    response.headers["Content-Language"] = lang
    return response


#: The generic problems' words, what a service without a catalog of its own answers in.
GENERIC: Words = partial(text, CATALOG)


class Message(Protocol):
    """A message of `errors` with its own placeholders' values (intake's rules give each its own)."""

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> Mapping[str, object]: ...


#: What `errors` lists for a field: message keys (the problem's `params` fill their placeholders) or
#: `Message`s (their own do).
Said = str | Message


def body(
    status: int,
    code: str | None = None,
    *,
    lang: str,
    words: Words,
    params: Mapping[str, Any] | None = None,
    errors: Mapping[str, Sequence[Said]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A problem's JSON in `lang`, worded by `words`: `document`, then `errors` (field to messages)
    and `codes` where fields are at fault, then the members of the service's own in `extra`."""
    found = document(status, code, lang, words, params)
    if errors:
        found["errors"] = {
            field: [
                words(_key(said), lang, params if isinstance(said, str) else said.params) for said in items
            ]
            for field, items in errors.items()
        }
        found["codes"] = codes(errors)
    found.update(extra or {})
    return found


def problem(
    status: int,
    code: str | None = None,
    *,
    params: Mapping[str, Any] | None = None,
    errors: Mapping[str, Sequence[Said]] | None = None,
    headers: Mapping[str, str] | None = None,
    words: Words = GENERIC,
    extra: Mapping[str, Any] | None = None,
) -> Response:
    """A problem response in the caller's language (which it therefore varies by): `body`, worded by
    the service's `words` (the generic problems' by default)."""
    lang = language()
    found = body(status, code, lang=lang, words=words, params=params, errors=errors, extra=extra)
    return respond(found, lang, headers)


def codes(errors: Mapping[str, Sequence[Said]]) -> dict[str, list[str]]:
    """`errors`' message codes by field (`field.required`): what a program reads, where `errors` is
    in the caller's language."""
    return {field: [_key(said) for said in items] for field, items in errors.items()}


def _key(said: Said) -> str:
    return said if isinstance(said, str) else said.code


def from_http_error(error: HTTPException) -> Response:
    """A werkzeug error (404, 405, 413...) as a problem; a 405 keeps its `Allow` header, a 413
    says the request's body limit."""
    status = error.code or 500
    params = {"maximum": body_limit_mb()} if status == 413 else None
    return problem(status, params=params, headers=dict(error.get_headers()) if status == 405 else None)


def body_limit_mb() -> int:
    """The current request's body limit in whole MB (`shared.bodies` sets it per view)."""
    return max(1, (request.max_content_length or 0) // (1024 * 1024))


def load_query(schema: Schema, args: Mapping[str, str]) -> dict[str, Any]:
    """The query string loaded by `schema`, or a 422 naming each parameter that is missing or wrong
    (a number out of its range too: no query reaches the database with one it cannot store)."""
    try:
        return schema.load(dict(args.items()))
    except ValidationError as exc:
        fields = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors = {field: ["field.invalid" if field in args else "field.required"] for field in fields}
        raise Problem(422, "invalid_query", errors) from exc
