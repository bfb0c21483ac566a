"""A whole season on the real servers (RabbitMQ, PostgreSQL, an SMTP server and an SMS gateway of the
test's own): 15 students of two regions, 12 advanced by their regional commissions, 5 made winners by
the working group. Each student hears of each outcome once: the receipt, the regional outcome and,
if they went on, the republican one (a winner with `winner`, never `candidate_advanced` as well);
nothing else, nothing twice, by email and by SMS. Their coordinator gets the same letters.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
import requests

from services.notify.tests.servers import Gateway, MailHandler, sms_gateway, smtp_server
from shared.testing import scratch_postgres, scratch_vhost
from tests.e2e.system import (
    SERVICES,
    RunningSystem,
    clean_env,
    key_from,
    nomination,
    submit,
    top100,
    user_token,
    valid_iin,
)

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.timeout(900)]

COORDINATOR = "coordinator@college.example.kz"
#: How many students each region nominates (three per college) and how many its commission advances.
REGIONS = {"almaty": (9, 7), "astana": (6, 5)}
WINNERS = 5
RECEIVED, REPUBLICAN = "ТОП 100: өтініміңіз қабылданды", "ТОП 100: сіз республикалық кезеңге өттіңіз"
DECISION, WINNER = "ТОП 100: комиссия шешімі", "ТОП 100: құттықтаймыз, сіз жеңімпаздар қатарындасыз!"
#: How a coordinator's letter about a winner ends its subject (it begins with the student's name).
COORDINATORS_WINNER = "жеңімпаздар қатарында"


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The system's environment on a vhost, databases, an SMTP server and an SMS gateway of its own."""
    with ExitStack() as stack:
        urls = {
            f"{service.upper()}_DATABASE_URL": stack.enter_context(
                scratch_postgres(f"top100_e2e_season_{service}")
            )
            for service in SERVICES
        }
        urls["BROKER_URL"] = stack.enter_context(scratch_vhost("top100_e2e_season"))
        smtp, gateway = stack.enter_context(smtp_server()), stack.enter_context(sms_gateway())
        urls["NOTIFY_SMTP_URL"] = f"smtp://127.0.0.1:{smtp.port}"
        urls["NOTIFY_SMS_PROVIDERS"] = f'[{{"name": "gw", "url": "{gateway.url}", "token": "t"}}]'
        environment = clean_env(tmp_path / "data", {**urls, "TOP100_BUS_REGIONS": ",".join(REGIONS)})
        yield {"env": environment, "mail": smtp.handler, "sms": gateway}


def _letters(mail: MailHandler) -> dict[str, Counter[str]]:
    """Subject counts per recipient, as the SMTP server received them."""
    found: dict[str, Counter[str]] = {}
    for _sender, recipients, raw in list(mail.received):
        subject = str(message_from_bytes(raw, policy=policy.default)["Subject"])
        for address in recipients:
            found.setdefault(address, Counter())[subject] += 1
    return found


def _texts(gateway: Gateway) -> Counter[str]:
    return Counter(body["to"] for _headers, body in list(gateway.requests))


def _told(mail: MailHandler, gateway: Gateway, students: dict[str, dict[str, str]], count: int) -> bool:
    """Whether the students have `count` letters and `count` SMS between them."""
    letters = _letters(mail)
    emails = sum(sum(letters.get(student["email"], Counter()).values()) for student in students.values())
    return emails == count and sum(_texts(gateway).values()) == count


def _phase(env: dict[str, str], now: str) -> RunningSystem:
    system = RunningSystem({**env, "TOP100_NOW": now})
    system.start()
    system.wait_healthy()
    return system


def _settled(system: RunningSystem, what: str, check: Any) -> None:
    """Wait for `check`, then a few seconds more: a letter sent twice would arrive by then."""
    system.wait_until(what, check, 120)
    time.sleep(5)
    assert check(), f"{what}: changed after it was reached"


def _submit_all(system: RunningSystem, keys: dict[str, str]) -> dict[str, dict[str, str]]:
    """Three students per college; returns nomination id -> {email, phone, region}."""
    students: dict[str, dict[str, str]] = {}
    serial = 0
    for region, (count, _advanced) in REGIONS.items():
        colleges = requests.get(
            system.url("intake", "/api/v1/colleges"),
            params={"region": region},
            headers={"Authorization": f"Bearer {keys[region]}"},
            timeout=10,
        ).json()
        codes = [item["code"] for item in (colleges["items"] if isinstance(colleges, dict) else colleges)]
        for index in range(count):
            email, phone = f"student{serial}@student.example.kz", f"+7701123{4560 + serial}"
            body = nomination(codes[index // 3], email)
            body["student"]["iin"] = valid_iin(date(2006, 3, 15), 2000 + 100 * serial)
            body["student"]["phone"] = phone
            answer = submit(system, keys[region], body, f"e2e-season-{serial}")
            assert answer.status_code == 201, answer.text
            students[answer.json()["id"]] = {"email": email, "phone": phone, "region": region}
            serial += 1
    return students


def _bearer(env: dict[str, str], email: str, role: str, scope: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {user_token(env, email, role, scope)}"}


def _candidates(system: RunningSystem, chair: dict[str, str], **params: str) -> dict[str, dict[str, Any]]:
    answer = requests.get(system.url("review", "/api/v1/candidates"), params=params, headers=chair, timeout=5)
    return {item["nomination_id"]: item for item in answer.json()["items"]}


def _decide(system: RunningSystem, chair: dict[str, str], decision: dict[str, Any]) -> None:
    body = {
        "year": 2026,
        "justification": "Ең жоғары ұпай.",
        "members_present": ["member@top100.kz"],
        **decision,
    }
    answer = requests.post(system.url("review", "/api/v1/decisions"), json=body, headers=chair, timeout=30)
    assert answer.status_code == 201, answer.text


def test_a_season_tells_each_student_each_outcome_once(env: dict[str, Any]) -> None:
    environment, mail, gateway = env["env"], env["mail"], env["sms"]
    for command in (["migrate"], ["topology", "declare"], ["refdata", "load"]):
        done = top100(environment, *command)
        assert done.returncode == 0, f"top100 {' '.join(command)}: {done.stdout}\n{done.stderr}"
    keys = {
        region: key_from(top100(environment, "keys", "issue", "--region", region).stdout)
        for region in REGIONS
    }
    chairs = {
        region: _bearer(environment, f"chair@{region}.kz", "regional_chair", region) for region in REGIONS
    }
    national = _bearer(environment, "chair@top100.kz", "national_chair", "national")

    system = _phase(environment, "2026-09-20T10:00:00+05:00")
    try:
        students = _submit_all(system, keys)

        def listed() -> bool:
            found = {
                n: c
                for region in REGIONS
                for n, c in _candidates(system, chairs[region], region=region).items()
            }
            return len(found) == len(students) and all(c["photo"] == "processed" for c in found.values())

        system.wait_until("review to list every candidate with a processed photo", listed, 180)
        _settled(system, "a receipt each", lambda: _told(mail, gateway, students, len(students)))
        system.stop()

        system = _phase(environment, "2026-10-10T10:00:00+05:00")  # the regional commissions meet
        for region, (_count, advance) in REGIONS.items():
            found = _candidates(system, chairs[region], region=region)
            chosen = [found[n]["id"] for n in sorted(found)][:advance]
            _decide(system, chairs[region], {"stage": "regional", "region": region, "advanced": chosen})
        _settled(system, "a regional outcome each", lambda: _told(mail, gateway, students, 2 * len(students)))
        system.stop()

        system = _phase(environment, "2026-11-20T10:00:00+05:00")  # the working group publishes the winners
        republican = _candidates(system, national, stage="republican")
        assert len(republican) == sum(advance for _count, advance in REGIONS.values())
        winners = sorted(republican)[:WINNERS]
        _decide(system, national, {"stage": "republican", "advanced": [republican[n]["id"] for n in winners]})
        due = 2 * len(students) + len(republican)
        _settled(system, "a republican outcome each", lambda: _told(mail, gateway, students, due))
        system.stop()
    finally:
        system.kill_leftovers()

    letters, texts = _letters(mail), _texts(gateway)
    for nomination_id, student in students.items():
        expected = Counter([RECEIVED])
        if nomination_id in winners:
            expected.update([REPUBLICAN, WINNER])
        elif nomination_id in republican:
            expected.update([REPUBLICAN, DECISION])
        else:
            expected.update([DECISION])
        assert letters.get(student["email"]) == expected, (student, letters.get(student["email"]))
        assert texts[student["phone"]] == sum(expected.values()), student
    assert sum(letters[COORDINATOR].values()) == 2 * len(students) + len(republican) == 42
    told = letters[COORDINATOR]
    assert sum(count for subject, count in told.items() if subject.endswith(COORDINATORS_WINNER)) == WINNERS
    others = set(letters) - {student["email"] for student in students.values()} - {COORDINATOR}
    assert all(address.startswith("chair@") for address in others), others
