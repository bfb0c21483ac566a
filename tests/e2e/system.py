"""`top100 run` as a real process tree, driven the way an operator and a regional portal drive it.

Used by the embedded and the real-server end-to-end tests: the only difference between the two is
the environment, exactly as in production.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import requests

from shared import config, testing

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "services" / "intake" / "tests" / "fixtures"
SERVICES = ("intake", "review", "media", "notify")
#: Inside the 2026 submission window (the calendar closes submissions on 5 October).
DEMO_NOW = "2026-09-20T10:00:00+05:00"
KAZAKH_LAST_NAME = "Нұрланова"
KAZAKH_FIRST_NAME = "Әйгерім"
#: Variables that would point a run at someone else's stores; an e2e run sets its own.
_FOREIGN = re.compile(r"^(BROKER_URL|TOP100_.*|(INTAKE|REVIEW|MEDIA|NOTIFY)_.*|S3_ENDPOINT_URL)$")


def clean_env(data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without any TOP 100 setting, then a fresh data dir and free ports."""
    env = {key: value for key, value in os.environ.items() if not _FOREIGN.match(key)}
    env["TOP100_DATA_DIR"] = str(data_dir)
    env["TOP100_NOW"] = DEMO_NOW
    env["TOP100_RETRY_DELAYS"] = "1,1,2"
    groups = (*SERVICES, *config.PROCESS_GROUPS)
    for group, port in zip(groups, testing.free_ports(len(groups)), strict=True):
        env[_port_variable(group)] = str(port)
    env.update(extra or {})
    return env


def _port_variable(group: str) -> str:
    """`REVIEW_PORT`, `REVIEW_PUBLIC_PORT`: where a process group's port is set (`shared.config`)."""
    return f"{group.upper().replace('-', '_')}_PORT"


def top100(
    env: dict[str, str], *args: str, timeout: float = 60, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """One `top100` command, as an operator types it (through the same interpreter as the tests)."""
    return subprocess.run(
        [sys.executable, "-m", "services.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        input=stdin,
    )


def user_token(env: dict[str, str], email: str, role: str, scope: str) -> str:
    """A personal token of a new account of `role` in `scope`, made before the system runs."""
    created = top100(
        env, "users", "create", "--email", email, "--role", role, "--scope", scope,
        stdin="a long enough password for e2e\n" * 2,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    issued = top100(env, "users", "token", "--email", email)
    assert issued.returncode == 0, issued.stderr
    return issued.stdout.strip().splitlines()[-1]


def person(system: RunningSystem, role: str, scope: str = "national") -> dict[str, str]:
    """An account made with `top100 users create`, as the `Authorization` header of the personal token
    `top100 users token` prints (review's and media's pages and APIs are for signed-in people)."""
    email = f"{role}.{uuid.uuid4().hex[:6]}@example.kz"
    created = top100(
        system.env, "users", "create", "--email", email, "--role", role, "--scope", scope,
        stdin="correct horse battery staple\n",
    )  # fmt: skip
    assert created.returncode == 0, created.stdout + created.stderr
    issued = top100(system.env, "users", "token", "--email", email, "--days", "1")
    assert issued.returncode == 0, issued.stdout + issued.stderr
    return {"Authorization": f"Bearer {issued.stdout.strip().splitlines()[-1]}"}


def processes_with_data_dir(data_dir: Path) -> list[int]:
    """Every live process whose environment names `data_dir`: what a clean stop must leave none of."""
    wanted = f"TOP100_DATA_DIR={data_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if "State:\tZ" in status:
            continue
        if wanted in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


class RunningSystem:
    """`top100 run` in a subprocess, its output in files under the data dir (a pipe could fill up)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.data_dir = Path(env["TOP100_DATA_DIR"])
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.stdout_path = self.data_dir.parent / f"{self.data_dir.name}-run.out"
        self.stderr_path = self.data_dir.parent / f"{self.data_dir.name}-run.err"
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, service: str, path: str = "/") -> str:
        """An address of a service's web process group, or of another group (`review-public`)."""
        return f"http://127.0.0.1:{self.env[_port_variable(service)]}{path}"

    def start(self) -> None:
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "services.cli", "run"], env=self.env, cwd=ROOT, stdout=out, stderr=err
            )

    def output(self) -> str:
        return self.stdout_path.read_text(encoding="utf-8", errors="replace")

    def diagnostics(self) -> str:
        err = self.stderr_path.read_text(encoding="utf-8", errors="replace")
        return f"--- stdout ---\n{self.output()[-4000:]}\n--- stderr (tail) ---\n{err[-8000:]}"

    def wait_until(self, what: str, check: Callable[[], Any], timeout: float) -> Any:
        """Poll `check` until it returns something truthy; fail with the logs if the run dies or times out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(
                    f"top100 run exited ({self.process.returncode}) while waiting for {what}\n"
                    + self.diagnostics()
                )
            try:
                result = check()
            except (requests.RequestException, OSError, ValueError, KeyError):
                result = None
            if result:
                return result
            time.sleep(0.3)
        raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}\n" + self.diagnostics())

    def wait_healthy(self, timeout: float = 90) -> None:
        """Every service answers /healthz, and the supervisor has said so (its URLs are printed)."""
        for service in SERVICES:
            self.wait_until(
                f"{service} /healthz",
                lambda s=service: requests.get(self.url(s, "/healthz"), timeout=2).status_code == 200,
                timeout,
            )
        self.wait_until("top100 run to announce the URLs", lambda: "all services answer" in self.output(), 30)

    def stop(self, timeout: float = 60) -> int:
        """SIGINT, as Ctrl-C would send; returns the exit status."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            self.process.kill()
            message = "top100 run did not stop within a minute of SIGINT\n" + self.diagnostics()
            raise AssertionError(message) from exc

    def kill_leftovers(self) -> None:
        """Teardown safety net: never leave a process of this data dir behind, whatever failed."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
        for pid in processes_with_data_dir(self.data_dir):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# --- what a regional portal sends --------------------------------------------------------------------


def valid_iin(birth: date, serial: int = 1234) -> str:
    from services.intake.rules.identity import iin_check_digit

    century = "6" if birth.year >= 2000 else "4"  # a woman: even digit
    for number in range(serial, serial + 100):
        first11 = f"{birth:%y%m%d}{century}{number:04d}"
        check = iin_check_digit(first11)
        if check is not None:
            return first11 + str(check)
    raise AssertionError("no valid IIN found")


def statement(language: str) -> str:
    return (FIXTURES / f"statement_{language}.txt").read_text(encoding="utf-8")


def jpeg_photo(width: int = 800, height: int = 1000) -> bytes:
    from PIL import Image

    image = Image.new("RGB", (width, height), (180, 120, 90))
    for x in range(0, width, 40):
        for y in range(0, height, 40):
            image.putpixel((x, y), (20, 40, 200))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def nomination(college_code: str, email: str) -> dict[str, Any]:
    birth = date(2006, 3, 15)
    return {
        "college_code": college_code,
        "year": 2026,
        "student": {
            "iin": valid_iin(birth),
            "last_name": KAZAKH_LAST_NAME,
            "first_name": KAZAKH_FIRST_NAME,
            "patronymic": "Серікқызы",
            "birth_date": birth.isoformat(),
            "email": email,
            "phone": "+77011234567",
            "language": "kk",
            "specialty": "Бағдарламалық қамтамасыз ету",
            "course": 3,
            "academic_standing": "excellent",
        },
        "categories": ["skills_contests", "leadership"],
        "achievements": [
            {
                "title": "WorldSkills Kazakhstan",
                "year": 2025,
                "level": "national",
                "description": "Бірінші орын",
            }
        ],
        "statements": {language: statement(language) for language in ("kk", "ru", "en")},
        "consent": {"personal_data": True, "publication": True},
        "coordinator": {
            "full_name": "Гүлнар Әбенова",
            "email": "coordinator@college.example.kz",
            "phone": "+77017654321",
        },
    }


def submit(
    system: RunningSystem, key: str, body: dict[str, Any], idempotency: str = "e2e-1"
) -> requests.Response:
    return requests.post(
        system.url("intake", "/api/v1/nominations"),
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idempotency},
        files={
            "nomination": (None, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json"),
            "photo": ("photo.jpg", jpeg_photo(), "image/jpeg"),
        },
        timeout=30,
    )


# --- the one path both end-to-end tests walk ---------------------------------------------------------

#: What `top100 keys issue` prints: the key alone on a line, `t100_<key id>.<secret>`.
KEY_LINE = re.compile(r"^(t100_[a-z]+_[0-9a-f]+\.[A-Za-z0-9_\-]+)$", re.MULTILINE)


def key_from(output: str) -> str:
    found = KEY_LINE.findall(output)
    assert found, f"no portal key in the output:\n{output}"
    return found[-1]


def almaty_college(system: RunningSystem, key: str) -> str:
    response = requests.get(
        system.url("intake", "/api/v1/colleges"),
        params={"region": "almaty"},
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    assert items, "the demo reference data has no college in almaty"
    return str(items[0]["code"])


def mail_to(data_dir: Path, address: str) -> list[EmailMessage]:
    """The messages the embedded mailer wrote (`<data dir>/mail/*.eml`) with `address` in To."""
    folder = data_dir / "mail"
    if not folder.is_dir():
        return []
    paths = sorted(folder.rglob("*.eml"))
    messages = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in paths]
    return [message for message in messages if address in str(message["To"])]  # type: ignore[misc]


def walk_one_nomination(system: RunningSystem, key: str, *, embedded_mail: bool = True) -> dict[str, Any]:
    """Submit one nomination and wait until review, media and notify all show its effect."""
    email = "aigerim.nurlanova@student.example.kz"
    body = nomination(almaty_college(system, key), email)
    response = submit(system, key, body)
    assert response.status_code == 201, f"{response.status_code} {response.text}\n" + system.diagnostics()
    nomination_id = response.json()["id"]
    # An administrator sees the photo at media now; the media team only once the candidate advances
    # to the republican stage, as at review.
    reviewer, admin = person(system, "national_member"), person(system, "admin")

    def review_lists_candidate() -> bool:
        page = requests.get(
            system.url("review", "/"), params={"region": "almaty"}, headers=reviewer, timeout=5
        )
        return page.status_code == 200 and KAZAKH_LAST_NAME in page.text and KAZAKH_FIRST_NAME in page.text

    system.wait_until("review to list the candidate with the Kazakh name", review_lists_candidate, 60)

    def processed_asset() -> dict[str, Any] | None:
        found = requests.get(
            system.url("media", "/api/v1/assets"),
            params={"nomination_id": nomination_id},
            headers=admin,
            timeout=5,
        ).json()["items"]
        return next((asset for asset in found if asset["status"] == "processed"), None)

    asset = system.wait_until("media to process the photo", processed_asset, 60)
    assert asset["derivatives"], asset
    result: dict[str, Any] = {"nomination_id": nomination_id, "asset": asset}
    if embedded_mail:
        result["mail"] = system.wait_until(
            "notify to write to the student", lambda: mail_to(system.data_dir, email), 60
        )
    return result


def team_headers(system: RunningSystem, role: str = "media") -> dict[str, str]:
    """A media team member's Bearer token, signed with the run's secret (as review's login would)."""
    secret = (system.data_dir / config.SECRET_FILE).read_text(encoding="ascii").strip()
    return testing.bearer(
        secret,
        role,
        user_id=f"e2e-{role}",
        name="Медиа Тобы",
        language="kk",
        expires_at=datetime.fromisoformat(system.env.get("TOP100_NOW") or DEMO_NOW) + timedelta(days=1),
    )


def assert_stops_cleanly(system: RunningSystem) -> None:
    status = system.stop()
    assert status == 0, f"top100 run exited with {status}\n" + system.diagnostics()
    deadline = time.monotonic() + 5
    while processes_with_data_dir(system.data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = processes_with_data_dir(system.data_dir)
    assert not left, f"processes of this run still alive after it exited: {left}\n" + system.diagnostics()
    assert "all processes stopped" in system.output()
