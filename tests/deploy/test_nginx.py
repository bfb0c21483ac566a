"""docker compose's entry point, deploy/nginx/nginx.conf, run as real nginx in front of a real intake.

The file is run as it is, but for what only a container has: its port, user, pid and cache paths,
and the upstreams' host names (pointed here at a gunicorn intake on a free port). Every replaced
line must exist, so the test breaks loudly when the file drifts from what it checks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from services.intake.bootstrap import build
from services.intake.operations import keys, refdata
from services.intake.tests import factories
from shared import bodies, testing

from .test_gunicorn import intake_on_gunicorn

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy/nginx/nginx.conf"
SERVICES = ("intake", "review", "media", "notify")
#: Upstreams besides the services' own: review's public process group (the vote, the gallery).
PROCESS_GROUPS = ("review-public",)
UPLOAD_LIMIT_MB = bodies.UPLOAD_LIMIT // bodies.MB


def _nginx() -> str:
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(path).exists()), None
    )
    if found is None:
        testing.server_unavailable("nginx is not installed (`apt-get install nginx`); its config unchecked")
    return str(found)


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{CONF.name} no longer has exactly one {old!r}"
    return text.replace(old, new)


def render(tmp_path: Path, port: int, upstreams: dict[str, int]) -> Path:
    """The config with this machine's port, paths and upstream addresses."""
    text = CONF.read_text(encoding="utf-8")
    user = "user root;" if os.geteuid() == 0 else ""  # a non-root nginx cannot switch users anyway
    text = _replace(text, "user nginx;", user)
    text = _replace(text, "pid /var/run/nginx.pid;", f"pid {tmp_path / 'nginx.pid'};")
    text = _replace(text, "listen 80;", f"listen 127.0.0.1:{port};")
    for service in SERVICES + PROCESS_GROUPS:
        port_of = upstreams.get(service, upstreams["review"])
        text = _replace(text, f"server {service}-web:8000;", f"server 127.0.0.1:{port_of};")
    assert "/var/cache/nginx/" in text
    text = text.replace("/var/cache/nginx/", f"{tmp_path / 'cache'}/")
    (tmp_path / "cache").mkdir(parents=True, exist_ok=True)
    conf = tmp_path / "nginx.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    conf = render(tmp_path, *testing.free_ports(), dict(zip(SERVICES, testing.free_ports(4), strict=True)))
    done = subprocess.run(
        [_nginx(), "-e", "stderr", "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_intakes_body_limit_is_the_proxys() -> None:
    limits = re.findall(r"location /intake/ \{[^}]*client_max_body_size (\d+)m;", CONF.read_text())
    assert limits == [str(UPLOAD_LIMIT_MB)]


@contextmanager
def nginx_in_front(tmp_path: Path, upstreams: dict[str, int]) -> Iterator[str]:
    """Real nginx with the rendered config; yields its base URL."""
    (port,) = testing.free_ports()
    conf = render(tmp_path, port, upstreams)
    log = tmp_path / "nginx.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [_nginx(), "-e", "stderr", "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 20
        while not testing.reachable(("127.0.0.1", port)):
            assert time.monotonic() < deadline and server.poll() is None, log.read_text()
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(20)


def _trickle(port: int, path: str, key: str, stop: threading.Event) -> None:
    """A portal on a bad line: a 100 kB nomination sent a byte every half second, until `stop`."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: top100\r\nAuthorization: Bearer {key}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{".encode()
        )
        with suppress(OSError):
            while not stop.wait(0.5):
                sock.sendall(b" ")


def _seconds_to_answer(url: str) -> float:
    """How long a GET of `url` takes; 99.0 when it does not answer within 3 s."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            response.read()
    except (TimeoutError, urllib.error.URLError):
        return 99.0
    return time.monotonic() - started


@contextmanager
def _trickling(port: int, path: str, key: str, clients: int) -> Iterator[None]:
    stop = threading.Event()
    threads = [threading.Thread(target=_trickle, args=(port, path, key, stop)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.0)  # every client is connected and trickling
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)


def test_slow_clients_hold_nginx_not_the_gunicorn_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-09-20T10:00:00+05:00")
    portal: dict[str, str] = {}

    def prepare(url: str) -> None:
        runtime = build(factories.settings(tmp_path, url))
        with runtime.db.unit_of_work() as session:
            refdata.load_paths(session, [])
            portal["key"] = keys.issue(session, "almaty", sandbox=False)[1]
        runtime.db.dispose()

    # Two workers of four threads, as deployed; 32 portals trickling their bodies through nginx.
    with intake_on_gunicorn(tmp_path, "--workers", "2", prepare=prepare, TOP100_PROXY_HOPS="1") as (
        intake,
        _log,
    ):
        intake_port = int(intake.rsplit(":", 1)[1])
        others = dict(zip(("review", "media", "notify"), testing.free_ports(3), strict=True))
        with nginx_in_front(tmp_path / "nginx", {"intake": intake_port, **others}) as proxy:
            proxy_port = int(proxy.rsplit(":", 1)[1])
            with _trickling(proxy_port, "/intake/api/v1/nominations", portal["key"], clients=32):
                behind = _seconds_to_answer(f"{intake}/healthz")
                proxied = _seconds_to_answer(f"{proxy}/intake/api/v1/openapi.json")
                submitted = _submit(proxy, portal["key"])
            outside = [_status(f"{proxy}/intake/{path}") for path in ("healthz", "readyz", "metrics")]
            too_large = _announced(proxy, "/intake/api/v1/nominations", UPLOAD_LIMIT_MB * 2**20 + 1)
    assert behind < 1.0 and proxied < 1.0, (behind, proxied)
    status, location = submitted
    assert status == 201 and re.fullmatch(r"/intake/api/v1/nominations/[0-9a-f-]{36}", location), submitted
    assert outside == [404, 404, 404] and too_large == 413


def _submit(proxy: str, key: str) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{proxy}/intake/api/v1/nominations",
        data=json.dumps(factories.nomination(serial=3)).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.headers["Location"]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _announced(base: str, path: str, length: int) -> int:
    """The status of a POST that announces a `length`-byte body and sends none of it."""
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: top100\r\nContent-Length: {length}\r\n\r\n".encode())
        return int(sock.recv(64).split(b" ", 2)[1])
