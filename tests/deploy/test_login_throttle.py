"""The login throttle holds across gunicorn workers and replicas: it counts in PostgreSQL.

Review runs as two gunicorn masters (two replicas) of two workers each, with deploy/gunicorn.conf.py,
on one scratch PostgreSQL database. Five failed logins for one account, spread over the replicas and
their workers, lock it: the sixth try, with the right password, is refused wherever it lands.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests

from services.review import bootstrap
from services.review.operations import accounts
from shared import config, migrate, testing

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
EMAIL = "chair@example.kz"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextmanager
def review_on_gunicorn(tmp_path: Path, url: str, name: str) -> Iterator[tuple[str, Path]]:
    """One replica: gunicorn with two workers; (its base URL, its log)."""
    (port,) = testing.free_ports()
    environment = {
        **os.environ,
        "TOP100_SERVICE": "review",
        "TOP100_BIND": f"127.0.0.1:{port}",
        "TOP100_DATA_DIR": str(tmp_path),
        "TOP100_SECRET_KEY": "throttle-test-secret",
        "TOP100_WEB_WORKERS": "2",
        "TOP100_LOG_FORMAT": "console",
        "TOP100_LOG_LEVEL": "INFO",
        "REVIEW_DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = tmp_path / f"{name}.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
             "--access-logformat", "pid=%(p)s %(m)s %(U)s %(s)s", "services.review.app:create_app()"],
            cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, log.read_text()
            time.sleep(0.2)
        yield base, log
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


def _try(base: str, password: str) -> requests.Response:
    """One person's try from a fresh browser: a new connection, the form's CSRF token, the POST."""
    with requests.Session() as browser:
        browser.headers["Connection"] = "close"
        form = browser.get(f"{base}/login", timeout=30)
        token = _CSRF.search(form.text)
        assert token, form.text
        return browser.post(
            f"{base}/login",
            data={"csrf_token": token.group(1), "email": EMAIL, "password": password},
            allow_redirects=False,
            timeout=30,
        )


def test_five_failures_over_two_replicas_and_their_workers_lock_the_sixth_try(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    with testing.scratch_postgres("top100_throttle") as url:
        migrate.upgrade("review", url)
        settings = dataclasses.replace(config.load("review"), database_url=url)
        runtime = bootstrap.build(settings)
        try:
            with runtime.db.unit_of_work() as session:
                accounts.create(
                    session, email=EMAIL, password=PASSWORD, role="regional_chair", scope="almaty"
                )
        finally:
            runtime.db.dispose()
        with ExitStack() as stack:
            replicas = [stack.enter_context(review_on_gunicorn(tmp_path, url, name)) for name in ("a", "b")]
            statuses = [_try(replicas[attempt % 2][0], "wrong password").status_code for attempt in range(5)]
            sixth = _try(replicas[1][0], PASSWORD)
            other = _try(replicas[0][0], PASSWORD)
            logs = "".join(log.read_text() for _, log in replicas)
    assert statuses == [200] * 5, logs
    assert (sixth.status_code, other.status_code) == (429, 429), logs
    assert "15" in sixth.text and int(sixth.headers["Retry-After"]) > 14 * 60
    workers = set(re.findall(r"pid=<(\d+)> POST /login", logs))
    assert len(workers) >= 2, repr(logs[-3000:])  # the tries really were served by different processes
