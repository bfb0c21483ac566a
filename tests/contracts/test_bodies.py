"""What a request may carry, the same in the four services (`shared.bodies`).

Found before: a bad JSON body was 400 in review's and media's APIs and 422 in the others; a JSON
body with a NUL character or a lone surrogate, a year of 10**20 in a query, a page of 10**30 or a
negative one, and a dashboard year of "²" were 500s; an over-large form was a problem+json even
on a page. Every JSON body route is found in the URL maps, so a new one is checked the day it is
added (or listed in `NO_JSON_BODY`, with why).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from werkzeug.routing import Rule
from werkzeug.test import EnvironBuilder, run_wsgi_app

from shared import bodies
from tests.contracts.apps import Service, fixture, started

SERVICES = ("intake", "review", "review-public", "media", "notify")
BODY_METHODS = ("POST", "PUT", "PATCH")
#: API routes taking a body that is not JSON, or reading none: (service, endpoint) -> why.
NO_JSON_BODY = {
    ("intake", "nominations.put_photo"): "a JPEG as the whole body",
    ("notify", "notify_api.unsubscribe"): "a mail client's one-click POST, body ignored",
    ("notify", "notify_api.receipt"): "read only once its signature checks out (401 here)",
    ("review-public", "public_vote_api.vote"): "read only with a verified voter's cookie (401 here)",
}
#: Bodies no JSON API reads, and why each is refused (`shared.problems` message keys).
UNREADABLE = {
    b"{not json": "json.unparseable",
    b"": "json.unparseable",
    b"NaN": "json.unparseable",
    b"\xff\xfe": "json.unparseable",
    ("[" * 65 + "]" * 65).encode(): "json.too_deep",
    ('{"a": ' * 65 + "1" + "}" * 65).encode(): "json.too_deep",
    ("[" * 100_000 + "]" * 100_000).encode(): "json.too_deep",
    b'{"a": "nul \\u0000"}': "json.unstorable",
    b'{"a": ["\\ud800"]}': "json.unstorable",
    b'["an", "array"]': "json.not_object",
}
PROBLEM_JSON = "application/problem+json"
JSON = "application/json"
AT_MOST = "The request body must be at most"


service = fixture(*SERVICES)


def json_routes(service: Service) -> list[tuple[Rule, str]]:
    return [
        (rule, method)
        for rule, method in service.rules()
        if rule.rule.startswith(("/api/", "/public/api/"))
        and method in BODY_METHODS
        and (service.name, rule.endpoint) not in NO_JSON_BODY
    ]


def _problem(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert (response.status_code, response.mimetype) == (status, PROBLEM_JSON), response.get_data()[:300]
    body = response.get_json(force=True)
    assert body["code"] == code and body["status"] == status
    return body


def test_every_json_api_refuses_an_unreadable_body_with_422_invalid_json(service: Service) -> None:
    routes = json_routes(service)
    assert routes, "no JSON body route found"
    client = service.app.test_client()
    wrong = []
    for rule, method in routes:
        headers = {**service.caller(rule), "Accept-Language": "kk", "Content-Type": "application/json"}
        for raw, reason in UNREADABLE.items():
            answer = client.open(service.path(rule), method=method, data=raw, headers=headers)
            body = answer.get_json(force=True, silent=True) or {}
            if (answer.status_code, body.get("code")) != (422, "invalid_json"):
                wrong.append(f"{method} {rule.rule} {raw[:20]!r}: {answer.status_code} {body.get('code')}")
            elif body["title"] != "Жарамсыз JSON" or not body.get("errors"):
                wrong.append(f"{method} {rule.rule} {raw[:20]!r}: {body}")
            elif reason == "json.too_deep" and "64" not in str(body["errors"]):
                wrong.append(f"{method} {rule.rule}: the depth is not named: {body['errors']}")
    assert wrong == [], "\n".join(wrong)


def test_64_levels_are_still_json(service: Service) -> None:
    client = service.app.test_client()
    deep = ('{"a": ' * 63 + "[1]" + "}" * 63).encode()
    for rule, method in json_routes(service):
        headers = {**service.caller(rule), "Content-Type": "application/json"}
        answer = client.open(service.path(rule), method=method, data=deep, headers=headers)
        assert answer.status_code < 500, (rule.rule, answer.get_data()[:300])
        assert (answer.get_json(silent=True) or {}).get("code") != "invalid_json", rule.rule


def test_a_body_over_one_mb_is_413_in_the_callers_language(service: Service) -> None:
    client = service.app.test_client()
    too_large = b" " * bodies.LIMIT + b"{}"
    for rule, method in json_routes(service):
        if rule.endpoint == "nominations.submit":
            continue  # takes a photo: 16 MB, below
        headers = {**service.caller(rule), "Accept-Language": "ru", "Content-Type": "application/json"}
        answer = client.open(service.path(rule), method=method, data=too_large, headers=headers)
        body = _problem(answer, 413, "payload_too_large")
        assert body["detail"] == "Тело запроса должно быть не больше 1 МБ.", rule.rule


def test_intake_takes_a_photo_of_up_to_16_mb_and_nothing_else_over_1_mb(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with started("intake", tmp_path, monkeypatch) as intake:
        client = intake.app.test_client()
        auth = {"Authorization": f"Bearer {intake.key}", "Accept-Language": "en"}
        jpeg, document = b"\xff\xd8" + b"\0" * (2 * bodies.MB), b" " * (2 * bodies.MB) + b"{}"
        photo = client.put("/api/v1/nominations/x/photo", data=jpeg, headers=auth, content_type="image/jpeg")
        assert list(photo.json["codes"]) == ["photo"]  # read and judged: not refused for its size
        submitted = client.post("/api/v1/nominations", data=document, headers=auth, content_type=JSON)
        assert submitted.status_code == 422  # read, then judged
        patched = client.patch("/api/v1/nominations/x", data=document, headers=auth, content_type=JSON)
        assert _problem(patched, 413, "payload_too_large")["detail"] == f"{AT_MOST} 1 MB."
        huge = b" " * (bodies.UPLOAD_LIMIT + 1)
        answer = client.post("/api/v1/nominations", data=huge, headers=auth, content_type=JSON)
        assert _problem(answer, 413, "payload_too_large")["detail"] == f"{AT_MOST} 16 MB."


def _chunked(service: Service, method: str, path: str, body: bytes, headers: dict[str, str]) -> int:
    """Send `body` without a Content-Length, as a chunked request reaches gunicorn: the status."""
    builder = EnvironBuilder(path=path, method=method, headers=headers, input_stream=io.BytesIO(body))
    environ = builder.get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input_terminated"] = True  # what gunicorn says of a chunked body it de-chunks
    _body, status, _headers = run_wsgi_app(service.app.wsgi_app, environ, buffered=True)
    return int(status.split()[0])


def test_a_chunked_body_over_the_limit_is_413_not_cut_short(service: Service) -> None:
    """werkzeug stops reading a body without a length at the limit and would hand out the part."""
    for rule, method in json_routes(service):
        headers = {**service.caller(rule), "Content-Type": JSON}
        limit = bodies.UPLOAD_LIMIT if rule.endpoint == "nominations.submit" else bodies.LIMIT
        too_large = b"{}" + b" " * limit  # valid JSON if cut at the limit
        assert _chunked(service, method, service.path(rule), too_large, headers) == 413, rule.rule
        assert _chunked(service, method, service.path(rule), b"[]", headers) == 422, rule.rule
    if service.name == "intake":
        headers = {**service.caller(rule), "Content-Type": "image/jpeg"}
        photo = b"\xff\xd8" + b"\0" * bodies.UPLOAD_LIMIT
        assert _chunked(service, "PUT", "/api/v1/nominations/x/photo", photo, headers) == 413


@pytest.mark.parametrize(
    ("name", "path", "lang", "sentence"),
    [
        ("review", "/login?lang=kk", "kk", "Жіберілгені тым үлкен: ең көбі 1 МБ."),
        ("media", "/kits?lang=en", "en", "What you sent is too large: at most 1 MB."),
        ("notify", "/unsubscribe/some-token?lang=ru", "ru", "Отправленное слишком велико: не больше 1 МБ."),
    ],
)
def test_a_form_over_the_limit_is_a_page_in_the_readers_language(
    name: str, path: str, lang: str, sentence: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with started(name, tmp_path, monkeypatch) as service:
        answer = service.app.test_client().post(path, data={"text": "ә" * bodies.LIMIT})
    assert (answer.status_code, answer.mimetype) == (413, "text/html")
    assert answer.headers["Content-Language"] == lang and sentence in answer.get_data(as_text=True)


#: Numbers out of a query parameter's range: (service, address, parameter, value).
OUT_OF_RANGE = [
    ("intake", "/api/v1/nominations", "year", 10**20),
    ("intake", "/api/v1/nominations", "page", 10**30),
    ("intake", "/api/v1/nominations", "page", -1),
    ("intake", "/api/v1/nominations", "per_page", 10**30),
    ("review", "/api/v1/candidates", "year", 10**20),
    ("review", "/api/v1/candidates", "page", 10**30),
    ("review", "/api/v1/candidates", "page", -1),
    ("review", "/api/v1/decisions", "year", 10**20),
    ("review", "/api/v1/audit", "before", 10**30),
    ("review", "/api/v1/audit", "limit", -1),
    ("review", "/api/v1/dashboard", "year", 10**20),
    ("review", "/api/v1/dashboard", "year", "²"),
    ("review", "/api/v1/rankings?stage=regional", "year", 10**20),
    ("media", "/api/v1/assets", "year", 10**20),
    ("media", "/api/v1/publications", "year", -1),
    ("notify", "/api/v1/messages", "limit", 10**30),
    ("notify", "/api/v1/messages", "limit", -1),
]


@pytest.mark.parametrize(("name", "address", "parameter", "value"), OUT_OF_RANGE)
def test_a_number_out_of_range_is_422_naming_the_parameter(
    name: str, address: str, parameter: str, value: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with started(name, tmp_path, monkeypatch) as service:
        headers = service.admin()
        separator = "&" if "?" in address else "?"
        answer = service.app.test_client().get(f"{address}{separator}{parameter}={value}", headers=headers)
    body = answer.get_json(force=True)
    assert answer.status_code == 422 and answer.mimetype == PROBLEM_JSON, body
    assert list(body["errors"]) == [parameter]


LISTS = {
    "intake": "/api/v1/nominations",
    "review": "/api/v1/candidates",
    "media": "/api/v1/publications",
    "notify": "/api/v1/messages",
    "review-public": "/public/api/v1/contests",
}
#: The list's parameter that takes text (`region`), or a number where it has none.
LIST_PARAMETER = {"review-public": "year"}


def test_a_nul_character_never_reaches_the_database(service: Service) -> None:
    client = service.app.test_client()
    headers = service.admin()
    listing, parameter = LISTS[service.name], LIST_PARAMETER.get(service.name, "region")
    query = client.get(f"{listing}?{parameter}=a%00b", headers=headers)
    assert list(_problem(query, 422, "invalid_query")["errors"]) == [parameter]
    assert client.get(f"{listing}/a%00b", headers=headers).status_code == 404
