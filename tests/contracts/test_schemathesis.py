"""Each service's OpenAPI document (intake, review, media, notify), fuzzed by schemathesis: the API
does what its document says.

For every operation of the document, schemathesis generates requests the schema allows (positive)
and requests it forbids (negative), a bounded number of each (`EXAMPLES`, within a service's
`BUDGET`; `derandomize=True`: the same cases every run), about half of them aimed at a real thing
(intake's submitted nomination, review's candidate, media's published nomination and a kit, a real
year, stage, template, gateway or unsubscribe token), all with valid credentials of a role that may
call the operation (intake's portal key; an administrator where one may, else a chair or a member
of almaty, the seeded candidate's region; a gateway's signature on its receipts; who may call what
is `test_access.py`'s). Every answer passes schemathesis's own checks, and ours:

- `not_a_server_error`: no 5xx;
- `documented_status`: the status is one the operation lists (flask-smorest adds a `default`
  response to every operation, which would let any status through schemathesis's
  `status_code_conformance`);
- `content_type_conformance`, `response_schema_conformance`: the answer has the documented media
  type and matches its schema, problems (`application/problem+json`) included;
- `negative_data_rejection`: a request the schema forbids is refused;
- `refusal_is_explained`: a request the schema allows is refused only for a reason the document
  gives. Either which thing (403 another region's, 404 no such one), or a business rule the schema
  cannot say (an IIN's check digit, a statement's 250 words, a college's quota, a deadline): a 409
  or 422 whose `code` the response's description names; a generic code (`GENERIC`: "some field is
  wrong") explains only through its `codes`, each named (`score.out_of_range`), as no schema-valid
  request should be refused for a field the schema let through. What a schema can say (an IIN's
  shape, the letters of a name, a consent that must be true, a region) it says;
- `problem_is_worded`: a problem's title, detail and `errors` are words, not a catalog's keys.

A service whose app publishes no document yet is skipped, loudly; one that publishes a document
and is not in `FUZZED` fails, so that no document goes unfuzzed. The cases each service's run
made are printed (`-s` not needed).
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
)

from services.intake.tests import factories
from tests.contracts.apps import MEDIA_SHOWN, NAMED_FILLERS, Service, started

#: The services whose OpenAPI document is fuzzed. Enabling one is adding its name here.
FUZZED = ("intake", "review", "media", "notify")
SERVICES = ("intake", "review", "media", "notify")
DOCUMENT = "/api/v1/openapi.json"
#: Generated requests per operation and generation mode (positive, negative): a few seconds per
#: service. `TOP100_SCHEMATHESIS_EXAMPLES=100` is the long run (about 1,100 cases on intake).
EXAMPLES = int(os.environ.get("TOP100_SCHEMATHESIS_EXAMPLES", "25"))
#: A service's cases per generation mode at most, shared by its operations (each `EXAMPLES` at most,
#: 8 at least): review's 19 operations get 11 each, so that no service's run is many times another's.
BUDGET = 9 * EXAMPLES
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same cases every run: a red CI is reproducible, not a dice roll
    suppress_health_check=list(HealthCheck),
)
#: What a refused schema-valid request may be answered, besides the named business rules (409, 422).
WHICH_THING = (403, 404)
NAMED = (409, 422)
#: The codes of a refusal that say only "some field is wrong": a schema-valid request refused with
#: one of them is explained only by its `codes` (each named), else the schema failed to say a rule.
GENERIC = frozenset({"validation_failed", "invalid_body", "invalid_query", "invalid_json"})
#: A code as a description names it: `iin_check_digit`, or a message key such as `field.required`.
CODE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*")
#: Notify's SMS gateway in the run, and the secret that signs its delivery receipts.
GATEWAY, RECEIPT_SECRET = "kcell", "schemathesis-receipts"
#: Path parameters that name who signs the request (a gateway signs its own receipts only): always
#: aimed at the one whose credentials the run has (another gateway's 401 is `test_access.py`'s).
SIGNERS = frozenset({"provider"})
LANGUAGES = st.sampled_from(["kk", "ru", "en"])


@dataclass
class Target:
    """A started service, its OpenAPI document, the credentials it is called with and the real
    values its path parameters are aimed at."""

    service: Service
    document: dict[str, Any]
    #: The credentials of each operation (`"GET /api/v1/..."`): a role that may call it.
    headers: Callable[[Any], dict[str, str]]
    aims: dict[str, Any]
    statuses: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    #: Examples per operation and generation mode (`BUDGET`).
    examples: int = EXAMPLES


def _operation_doc(document: dict[str, Any], operation: Any) -> dict[str, Any]:
    return document["paths"][operation.path][operation.method.lower()]


def _response_doc(document: dict[str, Any], case: Any, status: int) -> dict[str, Any] | None:
    """The operation's documentation of `status` (a `$ref` resolved), None if it lists no such status."""
    responses = _operation_doc(document, case.operation)["responses"]
    found = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    if found and "$ref" in found:
        found = document["components"]["responses"][found["$ref"].rsplit("/", 1)[-1]]
    return found


def documented_status(document: dict[str, Any]) -> Callable[..., None]:
    """A check: the answer's status is one the operation lists by number (not its `default`)."""

    def documented_status(ctx: Any, response: Any, case: Any) -> None:
        if _response_doc(document, case, response.status_code) is None:
            listed = sorted(_operation_doc(document, case.operation)["responses"])
            raise AssertionError(f"status {response.status_code} is not documented (documented: {listed})")

    return documented_status


def _codes(response: Any) -> list[str]:
    """What the refusal gives as its reason: its `code`, or for a generic one (`GENERIC`) every
    message code of its `codes` (by field), none if it has no `codes`."""
    try:
        body = response.json()
    except ValueError:
        return []
    if not isinstance(body, dict) or not body.get("code"):
        return []
    if body["code"] not in GENERIC:
        return [body["code"]]
    return [code for codes in (body.get("codes") or {}).values() for code in codes]


def refusal_is_explained(document: dict[str, Any]) -> Callable[..., None]:
    """A check: a request the schema allows, refused, is refused for a reason the document gives."""

    def refusal_is_explained(ctx: Any, response: Any, case: Any) -> None:
        status = response.status_code
        if case.meta is None or not case.meta.generation.mode.is_positive or status < 400 or status >= 500:
            return
        if status in WHICH_THING:
            return
        if status not in NAMED:
            raise AssertionError(f"a schema-valid request refused with {status}: {response.text[:500]}")
        described = (_response_doc(document, case, status) or {}).get("description", "")
        named = set(CODE.findall(described))
        unnamed = sorted(set(_codes(response)) - named)
        if unnamed or not _codes(response):
            raise AssertionError(
                f"a schema-valid request refused with {status} for {unnamed or 'no code'}, which neither "
                f"the schema says nor the {status} response's description names: {response.text[:800]}"
            )

    return refusal_is_explained


#: A message key where a person's words should be (`problem.unauthorized.title`, `field.invalid`).
MESSAGE_KEY = re.compile(r"[a-z_]+(?:\.[a-z_]+)+")


def problem_is_worded(ctx: Any, response: Any, case: Any) -> None:
    """A check: a problem's title, detail and `errors` are words in the caller's language, never the
    message keys of a catalog that lacks them (which no schema can tell from words)."""
    try:
        body = response.json()
    except ValueError:
        return
    if not isinstance(body, dict) or not str(body.get("type", "")).startswith("/api/v1/problems/"):
        return
    shown = [body.get("title"), body.get("detail")]
    shown += [m for messages in (body.get("errors") or {}).values() for m in messages]
    keys = [text for text in shown if isinstance(text, str) and MESSAGE_KEY.fullmatch(text)]
    if keys:
        raise AssertionError(f"the problem shows message keys instead of words: {keys}")


def _checks(document: dict[str, Any]) -> list[Callable[..., Any]]:
    return [
        not_a_server_error,
        documented_status(document),
        content_type_conformance,
        response_schema_conformance,
        negative_data_rejection,
        refusal_is_explained(document),
        problem_is_worded,
    ]


def _without_security(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its security requirements: the credentials are ours, always valid, so
    that a generated request is not refused for a missing key (refusals of callers are
    `test_access.py`'s)."""
    document = json.loads(json.dumps(document))
    document.pop("security", None)
    for operations in document["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.pop("security", None)
    return document


def _negatable(document: dict[str, Any], operation: Any) -> bool:
    """Whether the operation has an input a request can break: a body that is no bare binary, a query
    or header parameter, or a path parameter with more than a type (a string of at least one
    character cannot be broken in a path, and hypothesis would search for such a case in vain)."""
    path, definition = document["paths"][operation.path], _operation_doc(document, operation)
    for content in definition.get("requestBody", {}).get("content", {}).values():
        if content.get("schema", {}).get("format") != "binary":
            return True
    parameters = [*path.get("parameters", ()), *definition.get("parameters", ())]
    return any(p["in"] != "path" or set(p.get("schema", {})) - {"type", "minLength"} for p in parameters)


def _fuzz(target: Target, operation: Any, mode: GenerationMode, failures: list[str]) -> None:
    """One operation's bounded run in one generation mode; a failure (shrunk) is added to `failures`."""
    aims = {name: value for name, value in target.aims.items() if name in _path_names(operation)}
    cases = operation.as_strategy(generation_mode=mode)
    if aims.keys() & SIGNERS:  # only the aimed signer's credentials exist
        cases = operation.as_strategy(generation_mode=mode, path_parameters=aims)
    elif aims:
        cases = cases | operation.as_strategy(generation_mode=mode, path_parameters=aims)
    checks = _checks(target.document)
    caller = target.headers(operation)

    @settings(SETTINGS, max_examples=target.examples)
    @given(case=cases, language=LANGUAGES)
    def run(case: Any, language: str) -> None:
        headers = {**caller, "Accept-Language": language}
        response = case.call(headers=headers)
        target.statuses[(operation.label, mode.name.lower(), response.status_code)] += 1
        case.validate_response(response, checks=checks, headers=headers)

    try:
        run()
    except BaseException as exc:  # schemathesis's FailureGroup is an exception group
        if isinstance(exc, KeyboardInterrupt):
            raise
        failures.append(f"{operation.label} ({mode.name.lower()}): {exc}")


def _path_names(operation: Any) -> set[str]:
    return {parameter.name for parameter in operation.path_parameters}


def _intake(service: Service) -> tuple[Callable[[Any], dict[str, str]], dict[str, Any]]:
    headers = {"Authorization": f"Bearer {service.key}"}
    answer = service.app.test_client().post(
        "/api/v1/nominations", json=factories.nomination(), headers=headers
    )
    assert answer.status_code == 201, answer.get_data()
    return lambda operation: headers, {"nomination_id": answer.json["id"]}


def _staff(service: Service) -> tuple[Callable[[Any], dict[str, str]], dict[str, Any]]:
    """Each operation called by a role that may call it (an administrator where one may, else a chair
    or a member of almaty, the seeded candidate's region: `Service.caller`), aimed at real things."""
    aims = dict(NAMED_FILLERS)
    if service.candidate_id:
        aims["candidate_id"] = service.candidate_id
    if service.name == "media":
        aims["nomination_id"] = MEDIA_SHOWN
        kit = {"year": NAMED_FILLERS["year"], "stage": "republican"}
        answer = service.app.test_client().post("/api/v1/kits", json=kit, headers=service.admin())
        assert answer.status_code == 202, answer.get_data()
        aims["kit_id"] = answer.json["id"]
    if service.name == "notify":
        from services.notify.operations.unsubscribe import token

        aims["provider"] = GATEWAY
        aims["token"] = token(service.runtime.settings.secret_key, "student@example.kz")
        service.app.wsgi_app = _signing_receipts(service.app.wsgi_app)  # type: ignore[method-assign]
    rules = {
        (re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", r"{\1}", rule.rule), method): rule
        for rule, method in service.rules()
    }
    return lambda operation: service.caller(rules[(operation.path, operation.method.upper())]), aims


def _signing_receipts(wsgi_app: Callable[..., Any]) -> Callable[..., Any]:
    """The gateway's part: every delivery receipt signed with its secret (`X-Signature`), as the
    bearer tokens are the staff's; an unsigned receipt's 401 is `test_access.py`'s."""
    from services.notify.operations.receipts import signature

    def signing(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO", "").startswith("/api/v1/receipts/"):
            raw = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            environ["wsgi.input"] = io.BytesIO(raw)
            environ["HTTP_X_SIGNATURE"] = signature(RECEIPT_SECRET, raw)
        return wsgi_app(environ, start_response)

    return signing


def _documents_its_api(name: str) -> bool:
    """Whether the service's code uses flask-smorest (which publishes `DOCUMENT`): read, not started."""
    folder = Path(__file__).parents[2] / "services" / name
    return any("flask_smorest" in path.read_text(encoding="utf-8") for path in folder.rglob("*.py"))


@pytest.fixture(params=SERVICES)
def target(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Target]:
    name = request.param
    if name not in FUZZED and not _documents_its_api(name):
        pytest.skip(f"NOT FUZZED: {name} publishes no OpenAPI document yet (no flask-smorest in its code)")
    if name == "notify":
        gateway = {
            "name": GATEWAY,
            "url": "http://127.0.0.1:9/",
            "priority": 1,
            "receipt_secret": RECEIPT_SECRET,
        }
        monkeypatch.setenv("NOTIFY_SMS_PROVIDERS", json.dumps([gateway]))
    with started(name, tmp_path, monkeypatch) as service:
        answer = service.app.test_client().get(DOCUMENT)
        if name not in FUZZED:
            assert answer.status_code == 404, f"{name} publishes {DOCUMENT} now: add it to FUZZED"
            pytest.skip(f"NOT FUZZED: {name} publishes no OpenAPI document ({DOCUMENT} is 404) yet")
        assert answer.status_code == 200, f"{name}: {DOCUMENT} is {answer.status_code}"
        headers, aims = (_intake if name == "intake" else _staff)(service)
        yield Target(service, answer.json, headers, aims)


@pytest.fixture
def same_cases_in_any_company(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hypothesis mixes into what it generates the constants of every module of ours loaded so far
    (a private mechanism, `_get_local_constants`): the cases then depend on which other tests ran
    first in the process, and a failure of the suite did not come back when this file ran alone.
    Without them, `derandomize` gives the same cases alone and in the suite."""
    from hypothesis.internal.conjecture import providers

    empty = providers.Constants()
    monkeypatch.setattr(providers, "_get_local_constants", lambda: empty)
    providers.CONSTANTS_CACHE.cache.clear()
    yield
    providers.CONSTANTS_CACHE.cache.clear()


@pytest.mark.usefixtures("same_cases_in_any_company")
def test_every_operation_does_what_its_openapi_document_says(
    target: Target, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = schemathesis.openapi.from_dict(_without_security(target.document))
    schema.app = target.service.app
    operations = [result.ok() for result in schema.get_all_operations()]
    # Deleting last, so that the other operations are aimed at a thing that is still there.
    operations.sort(key=lambda operation: operation.method.upper() == "DELETE")
    failures: list[str] = []
    target.examples = max(8, min(EXAMPLES, BUDGET // len(operations)))
    started_at = time.monotonic()
    for operation in operations:
        _fuzz(target, operation, GenerationMode.POSITIVE, failures)
        if _negatable(target.document, operation):
            _fuzz(target, operation, GenerationMode.NEGATIVE, failures)
    _report(target, len(operations), time.monotonic() - started_at, capsys)
    assert not failures, "\n\n".join(failures)
    # The aimed cases reached real things: some schema-valid request was answered 2xx.
    assert any(200 <= status < 300 for (_, mode, status) in target.statuses if mode == "positive")


def _report(target: Target, operations: int, seconds: float, capsys: pytest.CaptureFixture[str]) -> None:
    """The run's figures on the terminal: cases, and the statuses answered per operation and mode."""
    cases = sum(target.statuses.values())
    with capsys.disabled():
        name = target.service.name
        each = f"{target.examples} per operation and mode"
        print(f"\nschemathesis {name}: {cases} cases, {operations} operations ({each}), {seconds:.0f} s")
        for (label, mode, status), count in sorted(target.statuses.items()):
            print(f"  {label:55} {mode:8} {status}: {count}")
