"""The production column on this machine: `top100 run` against RabbitMQ and PostgreSQL on 127.0.0.1.

The same path as the embedded test, configured only through the environment: a scratch RabbitMQ
vhost and a scratch database per service, both deleted afterwards. Mail still goes to files (no
SMTP server here) and blobs to a folder; those adapters have their own tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from functools import partial
from pathlib import Path

import pytest
import requests

from services.review.tests.people import PASSWORD, csrf_token
from shared import identity
from shared.testing import scratch_postgres, scratch_vhost
from tests.e2e.system import (
    SERVICES,
    RunningSystem,
    assert_stops_cleanly,
    clean_env,
    key_from,
    top100,
    walk_one_nomination,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.timeout(300)]


@pytest.fixture
def vhost_url() -> Iterator[str]:
    with scratch_vhost("top100_e2e") as url:
        yield url


@pytest.fixture
def database_urls() -> Iterator[dict[str, str]]:
    """A scratch database per service, as production has (none reads another's)."""
    with ExitStack() as stack:
        yield {
            f"{service.upper()}_DATABASE_URL": stack.enter_context(scratch_postgres(f"top100_e2e_{service}"))
            for service in SERVICES
        }


def _configured(tmp_path: Path, vhost_url: str, database_urls: dict[str, str]) -> dict[str, str]:
    """The environment of a run on the scratch vhost and databases, migrated, declared and loaded."""
    env = clean_env(
        tmp_path / "data", {"BROKER_URL": vhost_url, "TOP100_BUS_REGIONS": "almaty", **database_urls}
    )
    for command in (["migrate"], ["topology", "declare"], ["refdata", "load"]):
        done = top100(env, *command)
        assert done.returncode == 0, f"top100 {' '.join(command)}: {done.stdout}\n{done.stderr}"
    return env


def test_one_nomination_end_to_end_on_rabbitmq_and_postgresql(
    tmp_path: Path, vhost_url: str, database_urls: dict[str, str]
) -> None:
    env = _configured(tmp_path, vhost_url, database_urls)
    issued = top100(env, "keys", "issue", "--region", "almaty")
    assert issued.returncode == 0, issued.stderr
    key = key_from(issued.stdout)

    system = RunningSystem(env)
    try:
        system.start()
        system.wait_healthy()
        assert "demo portal key" not in system.output(), "demo data must never go into a configured database"
        assert "guest:guest" not in system.output() and "guest:***@" in system.output()
        walk_one_nomination(system, key)
        assert_stops_cleanly(system)
    finally:
        system.kill_leftovers()


def _cookie(answer: requests.Response, before: str = "") -> str:
    """The session cookie an answer sets (it is Secure here, so requests would not send it over
    plain HTTP by itself: the test carries it by hand), or the one sent before."""
    return answer.cookies.get(identity.SESSION_COOKIE) or before


def _log_in(system: RunningSystem, email: str) -> str:
    form = requests.get(system.url("review", "/login"), timeout=5)
    token = csrf_token(form.text)
    answer = requests.post(
        system.url("review", "/login"),
        data={"csrf_token": token, "email": email, "password": PASSWORD},
        cookies={identity.SESSION_COOKIE: _cookie(form)},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303, answer.text
    return _cookie(answer)


def _log_out(system: RunningSystem, cookie: str) -> None:
    page = requests.get(system.url("review", "/"), cookies={identity.SESSION_COOKIE: cookie}, timeout=5)
    sent = {identity.SESSION_COOKIE: _cookie(page, cookie)}
    data = {"csrf_token": csrf_token(page.text)}
    answer = requests.post(
        system.url("review", "/logout"), data=data, cookies=sent, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302, answer.text


#: A GET of each service's API that an administrator may call (intake's needs a portal's key).
_APIS = {
    "intake": "/api/v1/nominations",
    "review": "/api/v1/candidates",
    "media": "/api/v1/assets?year=2026",
    "notify": "/api/v1/messages",
}


def _status(system: RunningSystem, service: str, cookie: str) -> int:
    sent = {identity.SESSION_COOKIE: cookie}
    return requests.get(system.url(service, _APIS[service]), cookies=sent, timeout=5).status_code


def _refused(system: RunningSystem, service: str, cookie: str) -> bool:
    return _status(system, service, cookie) == 401


def test_a_cookie_replayed_after_logout_is_refused_by_all_four_services(
    tmp_path: Path, vhost_url: str, database_urls: dict[str, str]
) -> None:
    env = _configured(tmp_path, vhost_url, database_urls)
    email = "admin.sessions@example.kz"
    created = top100(
        env, "users", "create", "--email", email, "--role", "admin", "--scope", "national",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert created.returncode == 0, created.stdout + created.stderr
    system = RunningSystem(env)
    try:
        system.start()
        system.wait_healthy()
        leaving, staying = _log_in(system, email), _log_in(system, email)
        people = ("review", "media", "notify")
        for service in people:
            assert _status(system, service, leaving) == 200, service
        assert _status(system, "intake", leaving) == 401  # intake never takes a cookie
        _log_out(system, leaving)
        assert _status(system, "review", leaving) == 401
        for service in ("media", "notify"):
            refused = partial(_refused, system, service, leaving)
            system.wait_until(f"{service} to refuse the ended session", refused, 30)
        assert _status(system, "intake", leaving) == 401
        assert [_status(system, service, staying) for service in people] == [200, 200, 200]
        assert_stops_cleanly(system)
    finally:
        system.kill_leftovers()
