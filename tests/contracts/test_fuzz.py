"""No input makes a 5xx: a fuzzer over every JSON endpoint of the four services, with valid callers.

- The four services' OpenAPI documents (intake, review, media, notify) are fuzzed by schemathesis in
  `test_schemathesis.py`, which checks much more than the absence of 5xx; `fuzz_operation` here is
  the bare "no 5xx, 4xx are problems" run of one operation, which
  `tests/integration/test_intake_races.py` repeats on PostgreSQL.
- Review (its public process group too, the vote's JSON under `/public/api/`), media and notify are
  also fuzzed here from each app's URL map by hypothesis, beyond what
  their documents describe (bodies of any shape, query parameters of other names): every route
  under `/api/` with each of its methods, called by an administrator and by a regional chair, with
  random path values (or the seeded candidate, a real year, stage or template), random query strings
  (the parameters the APIs know and others) and random bodies (JSON of any shape,
  objects with the fields the APIs know, and bytes that are no JSON at all).

Every answer is below 500, and every 4xx is a problem (`application/problem+json`). Bounded and
reproducible: a fixed number of examples per route (`derandomize=True`, the same cases every run),
a few seconds per service.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode
from werkzeug.routing import IntegerConverter, Rule

from shared import identity
from tests.contracts.apps import FILLER, NAMED_FILLERS, Service, fixture, started

PROBLEM_JSON = "application/problem+json"
#: Examples per route (review, media, notify) and per operation and mode (`fuzz_operation`).
EXAMPLES = 12
INTAKE_EXAMPLES = 10
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same cases every run: a red CI is reproducible, not a dice roll
    suppress_health_check=list(HealthCheck),
)

#: Query parameters the APIs know, so that a generated request gets past "unknown parameter".
QUERY_NAMES = (
    "year", "page", "per_page", "limit", "before", "stage", "region", "status", "college", "q",
    "unscored", "from", "to", "actor", "action", "candidate", "nomination_id", "template", "channel",
)  # fmt: skip
#: Body fields the APIs know.
BODY_NAMES = (
    "year", "stage", "region", "criteria", "comment", "reason", "blind", "scorers", "assignments",
    "advanced", "justification", "members_present", "place", "until", "channel", "subject", "body",
    "language", "params", "candidate_ids", "published_on", "outlet", "url", "title", "kk", "ru", "en",
    "id", "status", "contest", "phone", "code", "candidate", "opens_at", "closes_at",
)  # fmt: skip
#: What each query parameter of each GET route is tried with, alone: a number no column holds, and
#: a digit that is no number ("²".isdigit() is true). Negative numbers are in `test_bodies.py`.
SWEEP = (str(10**20), "²")
#: Values that mean something somewhere: a region, stages, a date, a template, a language.
KNOWN = st.sampled_from(
    [
        "almaty", "shymkent", "regional", "republican", "winners", "2026", "2026-10-20",
        "2026-10-20T10:00:00+05:00", "nomination_received", "email", "sms", "kk", "ru", "true",
        "0", "-1", "²", "1e400", "\u0000", "\ud800", "ә" * 300, FILLER, "2026-regional-almaty",
        "+77011234567", "8 701 123 45 67", "012345",
    ]
)  # fmt: skip
NUMBERS = st.integers(min_value=-(10**30), max_value=10**30)
SCALARS = (
    st.none()
    | st.booleans()
    | NUMBERS
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | KNOWN
)
FIELDS = st.sampled_from(BODY_NAMES) | st.text(max_size=8)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(FIELDS, inner, max_size=4),
    max_leaves=12,
)
OBJECTS = st.dictionaries(st.sampled_from(BODY_NAMES), JSON_VALUES, max_size=6)
#: A known field with an integer longer than Python reads from text (read as infinite).
HUGE = st.sampled_from(BODY_NAMES).map(lambda name: f'{{"{name}": -{"9" * 5000}}}')
#: A body: an object with known fields, any JSON, a huge number, or bytes (JSON or not).
BODIES = OBJECTS.map(json.dumps) | JSON_VALUES.map(json.dumps) | HUGE | st.binary(max_size=40)
QUERIES = st.dictionaries(
    st.sampled_from(QUERY_NAMES) | st.text(min_size=1, max_size=8),
    KNOWN | NUMBERS.map(str) | st.text(max_size=20),
    max_size=4,
)
#: GET routes whose answers take no query: the probes and a signed blob link.
NOT_SWEPT = {"health.healthz", "health.readyz", "health.metrics", "files.download"}
#: Who calls: an administrator, and a chair of the seeded candidate's region.
CALLERS = (("admin", identity.NATIONAL), ("regional_chair", "almaty"))


def _path_values(rule: Rule, service: Service) -> st.SearchStrategy[dict[str, Any]]:
    """Each variable of `rule`: the value that reaches a real thing, or anything its converter takes."""
    values = {}
    for name, converter in rule._converters.items():
        real = (
            service.candidate_id
            if "candidate" in name and service.candidate_id
            else NAMED_FILLERS.get(name, FILLER)
        )
        if isinstance(converter, IntegerConverter):
            values[name] = st.just(real) | st.integers(min_value=0, max_value=10**30)
        else:
            values[name] = st.just(real) | st.text(min_size=1, max_size=40) | KNOWN
    return st.fixed_dictionaries(values)


#: Where each app's JSON lives: the services' `/api/`, the public process group's `/public/api/`.
API_PREFIXES = ("/api/", "/public/api/")


def _api_routes(service: Service) -> list[tuple[Rule, str]]:
    return [(rule, method) for rule, method in service.rules() if rule.rule.startswith(API_PREFIXES)]


def _check(service: Service, method: str, address: str, headers: dict[str, str], body: Any = None) -> int:
    """Call `address`: never a 5xx, and a problem for every 4xx of an API. The status, for the record."""
    answer = service.app.test_client().open(address, method=method, data=body, headers=headers)
    case = f"{method} {address!r:.300} body {body!r:.200}"
    assert answer.status_code < 500, f"{case}: {answer.status_code} {answer.get_data()[:500]!r}"
    if answer.status_code >= 400 and address.startswith(API_PREFIXES):
        assert answer.mimetype == PROBLEM_JSON, f"{case}: {answer.status_code} {answer.mimetype}"
    return answer.status_code


def _fuzz_route(service: Service, rule: Rule, method: str, seen: dict[str, int]) -> None:
    """One route's bounded run of random path values, query strings, bodies and callers."""
    credentials = {role: service.bearer(role, scope) for role, scope in CALLERS}

    @SETTINGS
    @given(
        path=_path_values(rule, service),
        query=QUERIES,
        body=BODIES,
        role=st.sampled_from(sorted(credentials)),
        language=st.sampled_from(["kk", "ru", "en", "de"]),
    )
    def run(path: dict[str, Any], query: dict[str, str], body: str | bytes, role: str, language: str) -> None:
        try:
            address = rule.build(path, append_unknown=False)[1]
        except Exception:  # a value the converter refuses to build: no request to send
            return
        if query:
            address += "?" + urlencode(query, encoding="utf-8", errors="surrogatepass")
        headers = {**credentials[role], "Accept-Language": language, "Content-Type": "application/json"}
        seen[f"{method} {rule.rule}"] = _check(
            service, method, address, headers, body if method != "GET" else None
        )

    run()


def _sweep_queries(service: Service, rule: Rule) -> None:
    """Each known query parameter alone with each value of `SWEEP`, by a caller the route lets in: an
    error the random run may miss because another parameter of the same request was refused first."""
    headers = service.caller(rule)
    for name in QUERY_NAMES:
        for value in SWEEP:
            _check(service, "GET", f"{service.path(rule)}?{urlencode({name: value})}", headers)


service = fixture("review", "review-public", "media", "notify")


def test_no_request_to_an_api_of_review_media_or_notify_makes_a_server_error(service: Service) -> None:
    routes = _api_routes(service)
    seen: dict[str, int] = {}
    for rule, method in routes:
        _fuzz_route(service, rule, method, seen)
    assert len(seen) == len(routes), sorted(set(f"{m} {r.rule}" for r, m in routes) - set(seen))


def test_no_query_parameter_makes_a_server_error_on_an_api_or_a_page(service: Service) -> None:
    """Pages too: a page's query (`?year=`, `?page=`) is input like an API's. Not the probes (a
    503 from `/readyz` is its answer when the broker is away) nor static files."""
    for rule, method in service.rules():
        if method == "GET" and not rule.endpoint.endswith("static") and rule.endpoint not in NOT_SWEPT:
            _sweep_queries(service, rule)


def _content_type(response: Any) -> str:
    value = response.headers.get("content-type") or response.headers.get("Content-Type") or ""
    return (value[0] if isinstance(value, list) else value).split(";")[0]


def fuzz_operation(
    operation: Any, mode: GenerationMode, auth: dict[str, str], real_id: str, seen: set
) -> None:  # type: ignore[type-arg]
    """One intake operation's bounded run in one generation mode."""

    @settings(SETTINGS, max_examples=INTAKE_EXAMPLES)
    @given(case=operation.as_strategy(generation_mode=mode), aim=st.booleans())
    def run(case: Any, aim: bool) -> None:
        if aim and case.path_parameters and "nomination_id" in case.path_parameters:
            case.path_parameters["nomination_id"] = real_id
        response = case.call(headers=auth)
        seen.add((operation.label, response.status_code))
        assert response.status_code < 500, f"{operation.label}: {response.status_code} {response.text[:500]}"
        if response.status_code >= 400:
            assert _content_type(response) == PROBLEM_JSON, f"{operation.label}: {response.status_code}"

    run()


#: What the fuzzer found (500s before), each kept as a case: (service, role, method, address, body,
#: the answer now). Bodies and query numbers out of range are in `test_bodies.py`.
FOUND = [
    # A year no column holds, and a digit that is no number: pages fall back to this year...
    ("review", "regional_chair", "GET", "/decisions/new?year=100000000000000000000", None, 200),
    ("review", "regional_chair", "GET", "/decisions/new?year=abc", None, 200),
    ("media", "media", "GET", "/?year=%C2%B2", None, 200),
    # ...and a form with one is refused, not recorded for another year.
    ("review", "regional_chair", "POST", "/decisions/new", {"year": "²", "justification": "x"}, 422),
    # A query parameter named like the path's variable (or url_for's own) broke the language links.
    ("notify", "admin", "GET", "/templates/nomination_received/email?channel=sms", None, 200),
    ("review", "admin", "GET", "/?endpoint=x&_external=1", None, 200),
]


@pytest.mark.parametrize(("name", "role", "method", "address", "form", "status"), FOUND)
def test_what_the_fuzzer_found_stays_fixed(
    name: str,
    role: str,
    method: str,
    address: str,
    form: dict[str, str] | None,
    status: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with started(name, tmp_path, monkeypatch) as found:
        scope = "almaty" if role in identity.REGIONAL_ROLES else identity.NATIONAL
        answer = found.app.test_client().open(
            address, method=method, data=form, headers=found.bearer(role, scope)
        )
    assert answer.status_code == status, answer.get_data()[:300]
