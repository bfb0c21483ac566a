"""What a request may carry, the same in the four services: how big a body, what JSON is readable.

- **Size.** Every request's body is at most `LIMIT` (1 MB); a view that takes a photo is marked
  `@bodies.upload` and takes up to `UPLOAD_LIMIT` (16 MB). Over it werkzeug refuses the body before
  it is read (413 `payload_too_large`, a page in the reader's language where the address is a page).
- **JSON.** Every JSON API reads its body here (`json_object`, or `parse_object` for a part of a
  multipart body), never with Flask's
  `get_json`: a body that is not JSON, is nested deeper than `MAX_DEPTH` levels or carries text no
  store can keep (a NUL character, a lone surrogate such as "\\ud800") is 422 `invalid_json`, naming
  why in the caller's language. One place, so that a bad body is the same answer in every API
  rather than 400 in some and 422 in others, and so that no view meets a value it cannot store,
  echo or recurse into (each of those was a 500).
- **NUL characters** in the path (404) or the query string (422 naming the parameter) are refused
  before any view, as PostgreSQL refuses them in text.
- **Numbers.** An integer longer than Python reads from text (4,300 digits) is read as the infinite
  float it rounds to, so that the schema names its field as out of range; `NaN` and `Infinity` are
  not JSON (RFC 8259) and are refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from shared import problems

MB = 1024 * 1024
#: The body limit of every request but an upload's.
LIMIT = 1 * MB
#: The body limit of a view marked `@upload` (a photo with its nomination).
UPLOAD_LIMIT = 16 * MB
#: The deepest nesting of arrays and objects a JSON body may have.
MAX_DEPTH = 64

INVALID_JSON = "invalid_json"
#: The field `errors` names for a body that is wrong as a whole.
BODY = "body"

_UPLOAD = "_top100_upload"
View = TypeVar("View", bound=Callable[..., Any])


class Unreadable(ValueError):
    """A body that is not readable JSON; `reason` is a message key of `shared.problems.CATALOG`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def upload(view: View) -> View:
    """Mark a view that takes a photo: its body may be up to `UPLOAD_LIMIT`."""
    setattr(view, _UPLOAD, True)
    return view


def limit_of(endpoint: str | None) -> int:
    """The body limit of the view at `endpoint` (flask-smorest's method views carry the mark on the
    method that answers)."""
    view = current_app.view_functions.get(endpoint or "")
    if view is None:
        return LIMIT
    view_class = getattr(view, "view_class", None)
    method = getattr(view_class, request.method.lower(), None) if view_class else None
    marked = getattr(method, _UPLOAD, False) or getattr(view, _UPLOAD, False)
    return UPLOAD_LIMIT if marked else LIMIT


def install(app: Flask) -> None:
    """Give every request of `app` its body limit, before anything (a CSRF check) reads the body.

    `MAX_CONTENT_LENGTH` is the limit of a request no view matched; `MAX_FORM_MEMORY_SIZE` lets a
    form's text part be as large as the body (intake's nomination part of a multipart submission).
    """
    app.config.update(MAX_CONTENT_LENGTH=LIMIT)

    @app.before_request
    def _limit() -> None:
        allowed = limit_of(request.endpoint)
        request.max_content_length = allowed
        request.max_form_memory_size = allowed
        if (request.content_length or 0) > allowed:
            raise RequestEntityTooLarge()  # announced too large: refused before anyone reads it
        refuse_nul()


def refuse_nul() -> None:
    """A NUL character matches nothing and PostgreSQL refuses it in text, so it never gets that far:
    in the path no resource has it (404), in the query string its parameter is named (422)."""
    if "\x00" in request.path:
        raise NotFound()
    args = request.args.items(multi=True)
    wrong = {key: ["field.unstorable"] for key, value in args if "\x00" in key + value}
    if wrong:
        raise problems.Problem(
            422, "invalid_query", {key.replace("\x00", "\ufffd"): v for key, v in wrong.items()}
        )


def _integer(digits: str) -> int | float:
    """A JSON integer; one too long to convert as the (signed) infinite float it rounds to."""
    try:
        return int(digits)
    except ValueError:
        return float(digits)


def _no_constant(name: str) -> Any:
    raise Unreadable("json.unparseable")


def parse(raw: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON document `raw`, or `Unreadable` saying why it is not one this system can take."""
    try:
        value = json.loads(raw, parse_int=_integer, parse_constant=_no_constant)
    except RecursionError as exc:  # far deeper than MAX_DEPTH: the parser gave up
        raise Unreadable("json.too_deep") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Unreadable("json.unparseable") from exc
    check(value, max_depth)
    return value


def check(value: Any, max_depth: int = MAX_DEPTH) -> None:
    """Refuse a parsed document nested deeper than `max_depth`, or with text no store keeps.

    Iterative, so that no depth makes it recurse; the depth of a scalar is that of its container."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list) and depth > max_depth:
            raise Unreadable("json.too_deep")
        if isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str) and not _storable(item):
            raise Unreadable("json.unstorable")


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refused(reason: str) -> problems.Problem:
    """The 422 `invalid_json` problem for `reason` (a message key of `shared.problems.CATALOG`)."""
    return problems.Problem(422, INVALID_JSON, {BODY: [reason]}, params={"depth": MAX_DEPTH})


def whole_body(parse_form_data: bool = False) -> bytes:
    """The request's whole body (parsed as a form too if asked); 413 if it is over the limit.

    A body without a `Content-Length` (chunked) is not refused up front: werkzeug stops reading at
    the limit and, left alone, hands out what it read as if it were the whole body. One byte more
    read here tells: over the limit it raises 413, at the body's end it reads nothing."""
    data = request.get_data(cache=True, parse_form_data=parse_form_data)
    request.stream.read(1)
    return data


def json_object() -> dict[str, Any]:
    """The request's body as a JSON object; 422 `invalid_json` for anything else."""
    try:
        return parse_object(whole_body())
    except Unreadable as exc:
        raise refused(exc.reason) from exc


def loaded(schema: Schema) -> dict[str, Any]:
    """The request's JSON object loaded by `schema`: 422 `invalid_json` for a body that is no JSON
    object, `invalid_body` naming each field that is missing (`field.required`) or wrong
    (`field.invalid`) otherwise."""
    document = json_object()
    try:
        return schema.load(document)
    except ValidationError as exc:
        fields = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors = {field: ["field.invalid" if field in document else "field.required"] for field in fields}
        raise problems.Problem(422, "invalid_body", errors) from exc


def parse_object(raw: bytes | str) -> dict[str, Any]:
    """`parse`, for a document that must be a JSON object (every body of the four APIs is one)."""
    value = parse(raw)
    if not isinstance(value, dict):
        raise Unreadable("json.not_object")
    return value
