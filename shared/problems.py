"""Problem details (RFC 9457) in kk, ru or en: how every service's API says what went wrong.

A problem is `type`, `title`, `status` and `detail`, plus `code` (the last part of `type`, for
programs) and, where fields are at fault, `errors` (field to messages). The language follows
`Accept-Language`, so each answer says `Vary: Accept-Language` and `Content-Language`.

The generic problems (an unknown address, a method the address does not take, a failure of ours)
are worded here once; a service with problems of its own passes its catalog, which includes these.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from flask import Response, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException

from shared import i18n

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


def texts(
    code: str, kk: tuple[str, str], ru: tuple[str, str], en: tuple[str, str]
) -> dict[str, dict[str, str]]:
    """The catalog entries of a problem: its (title, detail) in kk, ru and en."""
    return {
        f"problem.{code}.title": {"kk": kk[0], "ru": ru[0], "en": en[0]},
        f"problem.{code}.detail": {"kk": kk[1], "ru": ru[1], "en": en[1]},
    }


CATALOG: i18n.Catalog = {
    **texts(
        "not_found",
        ("Табылмады", "Мұндай ресурс жоқ."),
        ("Не найдено", "Такого ресурса нет."),
        ("Not found", "No such resource."),
    ),
    **texts(
        "method_not_allowed",
        ("Әдіс рұқсат етілмеген", "Бұл мекенжай мұндай HTTP әдісін қабылдамайды."),
        ("Метод не поддерживается", "Этот адрес не принимает такой HTTP-метод."),
        ("Method not allowed", "This address does not accept this HTTP method."),
    ),
    **texts(
        "payload_too_large",
        ("Сұрау тым үлкен", "Сұрау денесі {maximum} МБ-тан аспауы керек."),
        ("Запрос слишком большой", "Тело запроса должно быть не больше {maximum} МБ."),
        ("Payload too large", "The request body must be at most {maximum} MB."),
    ),
    **texts(
        "unsupported_media_type",
        ("Қолдау көрсетілмейтін мазмұн түрі", "Күтілетін түр: {expected}."),
        ("Неподдерживаемый тип содержимого", "Ожидается: {expected}."),
        ("Unsupported media type", "Expected: {expected}."),
    ),
    **texts(
        "bad_request",
        ("Қате сұрау", "Сұрауды оқу мүмкін болмады."),
        ("Неверный запрос", "Не удалось разобрать запрос."),
        ("Bad request", "The request could not be parsed."),
    ),
    **texts(
        "internal_error",
        ("Ішкі қате", "Күтпеген қате; кейінірек қайталаңыз."),
        ("Внутренняя ошибка", "Непредвиденная ошибка; повторите позже."),
        ("Internal error", "An unexpected error; try again later."),
    ),
    **texts(
        "invalid_query",
        ("Сұрау параметрлері қате", "Кейбір сұрау параметрлері қате; `errors` бөлімін қараңыз."),
        ("Неверные параметры запроса", "Некоторые параметры запроса неверны; см. `errors`."),
        ("Invalid query", "Some query parameters are invalid; see `errors`."),
    ),
    "field.required": {"kk": "міндетті параметр", "ru": "обязательный параметр", "en": "required"},
    "field.invalid": {"kk": "жарамсыз мән", "ru": "недопустимое значение", "en": "invalid value"},
}


class Problem(Exception):
    """Raised anywhere in a request to answer with a problem (`errors`: field to message keys)."""

    def __init__(
        self, status: int, code: str | None = None, errors: Mapping[str, list[str]] | None = None
    ) -> None:
        self.status, self.code, self.errors = status, code or STATUS_CODES.get(status, "bad_request"), errors
        super().__init__(self.code)


def language() -> str:
    """The caller's language among kk/ru/en, from `Accept-Language`."""
    return i18n.negotiate(request.headers.get("Accept-Language"))


def text(catalog: i18n.Catalog, key: str, lang: str, params: Mapping[str, Any] | None = None) -> str:
    """A catalog message with its placeholders filled (a missing parameter shows as nothing)."""
    entry = catalog.get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry["en"]
    wanted = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    try:
        return template.format(**{name: (params or {}).get(name, "") for name in wanted})
    except (IndexError, ValueError):
        return template


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
    response.vary.add("Accept-Language")
    return response


def problem(
    status: int,
    code: str | None = None,
    *,
    params: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
    catalog: i18n.Catalog = CATALOG,
) -> Response:
    """A problem response in the caller's language; `errors` maps fields to message keys."""
    lang = language()
    body = document(status, code, lang, partial(text, catalog), params)
    if errors:
        body["errors"] = {field: [text(catalog, key, lang) for key in keys] for field, keys in errors.items()}
    return respond(body, lang, headers)


def from_http_error(error: HTTPException) -> Response:
    """A werkzeug error (404, 405, 413...) as a problem; a 405 keeps its `Allow` header."""
    status = error.code or 500
    return problem(status, headers=dict(error.get_headers()) if status == 405 else None)


def load_query(schema: Schema, args: Mapping[str, str]) -> dict[str, Any]:
    """The query string loaded by `schema`, or a 400 naming each parameter that is missing or wrong."""
    try:
        return schema.load(dict(args.items()))
    except ValidationError as exc:
        fields = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        errors = {field: ["field.invalid" if field in args else "field.required"] for field in fields}
        raise Problem(400, "invalid_query", errors) from exc
