"""Every service's API says what went wrong the same way: problem+json in the caller's language.

Review, media and notify answered a bad query in English and in a shape of their own, and a 405
carried a problem body labelled `text/html`; these run each app as gunicorn serves it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from shared import config, testing
from tests.contracts.apps import APPS

#: A read-only address of each service's API, which takes GET only.
LISTS = {
    "intake": "/api/v1/nominations",
    "review": "/api/v1/candidates",
    "media": "/api/v1/assets",
    "notify": "/api/v1/messages",
    "review-public": "/public/api/v1/contests",
}


def _app(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The app `name` (a service's, or review's public process group) on a migrated database."""
    service, module = APPS.get(name, (name, f"services.{name}.app"))
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(f"{service.upper()}_DATABASE_URL", raising=False)
    return service, importlib.import_module(module)


def _admin_token(runtime) -> str:  # type: ignore[no-untyped-def]
    """An administrator's credentials: a service whose API is closed reads the query only then."""
    return testing.token(
        runtime.settings.secret_key, "admin", user_id="u-admin", name="Әкімші", language="ru"
    )


@pytest.fixture(params=sorted(LISTS))
def client(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FlaskClient]:
    service, module = _app(request.param, tmp_path, monkeypatch)
    with testing.migrated_runtime(service, config.load(service)) as runtime:
        client = module.create_app(runtime).test_client()
        client.service = request.param  # type: ignore[attr-defined]
        yield client


def _is_problem(response, status: int, language: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert "Accept-Language" in response.headers.get("Vary", "")
    assert response.headers["Content-Language"] == language
    body = response.get_json(force=True)
    assert body["status"] == status and body["type"].endswith(body["code"])
    return body


def test_a_method_the_address_does_not_take_is_a_problem_labelled_as_one(client: FlaskClient) -> None:
    path = LISTS[client.service]  # type: ignore[attr-defined]
    response = client.delete(path, headers={"Accept-Language": "kk-KZ"})
    body = _is_problem(response, 405, "kk")
    assert body["title"] == "Әдіс рұқсат етілмеген"
    assert "GET" in response.headers["Allow"]


def test_an_unknown_api_address_is_a_problem_in_the_callers_language(client: FlaskClient) -> None:
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": "en"})
    assert _is_problem(response, 404, "en")["title"] == "Not found"


@pytest.mark.parametrize("service", ["review", "media", "notify"])
def test_an_anonymous_or_unentitled_caller_is_told_so_in_words(
    service: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Media and notify answered 401 and 403 with their catalog's keys (`problem.unauthorized.title`)
    as title and detail: the shared catalog lacked the words."""
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    with testing.migrated_runtime(service, config.load(service)) as runtime:
        client = importlib.import_module(f"services.{service}.app").create_app(runtime).test_client()
        anonymous = client.get(LISTS[service], headers={"Accept-Language": "kk"})
        member = testing.bearer(runtime.settings.secret_key, "regional_member", "almaty", user_id="u-m")
        unentitled = client.get(
            "/api/v1/audit" if service == "review" else LISTS[service],
            headers={"Accept-Language": "ru", **member},
        )
    assert _is_problem(anonymous, 401, "kk")["title"] == "Жүйеге кірмегенсіз"
    assert _is_problem(unentitled, 403, "ru")["detail"] == "Ваша роль не позволяет это сделать."


@pytest.mark.parametrize(
    ("service", "query", "message"),
    [
        ("review", "?region=atlantis", "недопустимое значение"),
        ("media", "", "обязательный параметр"),
        ("notify", "?status=nope", "недопустимое значение"),
        ("review-public", "?year=1066", "недопустимое значение"),
    ],
)
def test_a_wrong_query_parameter_is_named_in_the_callers_language(
    service: str, query: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name, module = _app(service, tmp_path, monkeypatch)
    with testing.migrated_runtime(name, config.load(name)) as runtime:
        client = module.create_app(runtime).test_client()
        headers = {"Accept-Language": "ru", "Authorization": f"Bearer {_admin_token(runtime)}"}
        response = client.get(LISTS[service] + query, headers=headers)
    body = _is_problem(response, 422, "ru")
    assert body["code"] == "invalid_query" and body["title"] == "Неверные параметры запроса"
    assert list(body["errors"].values()) == [[message]]


@pytest.mark.parametrize("service", ["review", "notify"])
def test_a_missing_page_is_still_a_page(
    service: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    with testing.migrated_runtime(service, config.load(service)) as runtime:
        client = importlib.import_module(f"services.{service}.app").create_app(runtime).test_client()
        response = client.get("/no-such-page?lang=kk")
    assert response.status_code == 404 and response.mimetype == "text/html"
