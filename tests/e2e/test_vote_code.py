"""A voter's code end to end on the real servers (`top100 run`, RabbitMQ, PostgreSQL, an SMS gateway
of the test's own): the voter asks review's public process group for a code; review's outbox sends
`vote.code_requested` over the broker; notify sends the `vote_code` SMS to the gateway at once and
erases the code and the number; the code read from the gateway verifies the phone; the vote is
recorded, changed, and read back. Nothing in either database holds the phone in clear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from services.notify.tests.servers import Gateway, sms_gateway
from services.review.tests import seeding
from shared.testing import scratch_postgres, scratch_vhost
from tests.e2e.system import SERVICES, RunningSystem, assert_stops_cleanly, clean_env, top100

pytestmark = [pytest.mark.integration, pytest.mark.e2e, pytest.mark.timeout(300)]

#: Midday in Almaty during the regional vote of 2026 (6-14 October).
VOTE_NOW = "2026-10-08T12:00:00+05:00"
CONTEST = "2026-regional-almaty"
PHONE, E164 = "8 701 765 43 21", "+77017654321"
CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, Any]]:
    with ExitStack() as stack:
        urls = {
            f"{service.upper()}_DATABASE_URL": stack.enter_context(
                scratch_postgres(f"top100_e2e_vote_{service}")
            )
            for service in SERVICES
        }
        urls["BROKER_URL"] = stack.enter_context(scratch_vhost("top100_e2e_vote"))
        gateway = stack.enter_context(sms_gateway())
        urls["NOTIFY_SMS_PROVIDERS"] = f'[{{"name": "gw", "url": "{gateway.url}", "token": "t"}}]'
        environment = clean_env(
            tmp_path / "data", {**urls, "TOP100_NOW": VOTE_NOW, "TOP100_BUS_REGIONS": "almaty"}
        )
        for command in (["migrate"], ["topology", "declare"]):
            done = top100(environment, *command)
            assert done.returncode == 0, f"top100 {' '.join(command)}: {done.stdout}\n{done.stderr}"
        yield {"env": environment, "sms": gateway}


def _candidates(review_url: str) -> list[str]:
    """Two candidates of almaty in review's database, as intake's nominations would have made them."""
    engine = create_engine(review_url)
    try:
        with Session(engine) as session, session.begin():
            made = [seeding.candidate(session, "almaty", first_name=name) for name in ("Әлихан", "Іңкәр")]
            return [candidate.id for candidate in made]
    finally:
        engine.dispose()


def _rows(url: str, query: str) -> list[Any]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(query)))
    finally:
        engine.dispose()


def _code_sent(gateway: Gateway) -> str | None:
    """The code in the gateway's last SMS to the voter, once it has arrived."""
    texts = [body["text"] for _headers, body in list(gateway.requests) if body["to"] == E164]
    found = CODE.search(texts[-1]) if texts else None
    return found[1] if found else None


def test_a_code_goes_through_notify_to_the_gateway_and_verifies_the_vote(env: dict[str, Any]) -> None:
    environment, gateway = env["env"], env["sms"]
    first, second = _candidates(environment["REVIEW_DATABASE_URL"])
    system = RunningSystem(environment)
    try:
        system.start()
        system.wait_healthy()
        public = system.url("review-public")
        system.wait_until(
            "review-public /healthz", lambda: requests.get(f"{public}healthz", timeout=2).ok, 60
        )
        asked = requests.post(
            f"{public}public/api/v1/codes?lang=kk", json={"contest": CONTEST, "phone": PHONE}, timeout=10
        )
        assert asked.status_code == 202, asked.text
        code = system.wait_until("the vote_code SMS at the gateway", lambda: _code_sent(gateway), 60)
        (_headers, sms), *_ = [(h, b) for h, b in gateway.requests if b["to"] == E164]
        assert sms["text"].startswith("ТОП 100: дауыс беру коды") and len(gateway.requests) == 1
        # The cookies are Secure outside the embedded mode: requests would not send them over plain
        # HTTP by itself, so the test hands them back as a browser behind TLS would.
        cookies = {cookie.name: cookie.value for cookie in asked.cookies}
        verification = asked.json()["verification"]
        check = f"{public}public/api/v1/codes/{verification}/check"
        checked = requests.post(check, json={"code": code}, cookies=cookies, timeout=10)
        assert checked.status_code == 200, checked.text
        cookies |= {cookie.name: cookie.value for cookie in checked.cookies}
        assert {"top100_browser", "top100_voter"} <= set(cookies)
        vote_url = f"{public}public/api/v1/contests/{CONTEST}/vote"
        put = partial(requests.put, vote_url, cookies=cookies, timeout=10)
        assert put(json={"candidate": first}).json()["changed"] is False
        assert put(json={"candidate": second}).json()["changed"] is True
        assert requests.get(vote_url, cookies=cookies, timeout=10).json()["candidate"] == second
        # The code is single use; a browser without the voter's cookie may not vote.
        again = requests.post(check, json={"code": code}, timeout=10)
        assert again.status_code == 410 and again.json()["code"] == "code_expired"
        assert requests.put(vote_url, json={"candidate": first}, timeout=10).status_code == 401
        assert_stops_cleanly(system)
    finally:
        system.kill_leftovers()
    votes = _rows(
        environment["REVIEW_DATABASE_URL"], "SELECT candidate_id, current, voter_hash FROM votes ORDER BY id"
    )
    assert [(row.candidate_id, row.current) for row in votes] == [(first, False), (second, True)]
    assert E164 not in votes[0].voter_hash and len(votes[0].voter_hash) == 64
    # Notify sent it once and kept neither the code nor the number.
    messages = _rows(
        environment["NOTIFY_DATABASE_URL"],
        "SELECT status, recipient, body FROM messages WHERE template = 'vote_code'",
    )
    assert [(row.status, row.body) for row in messages] == [("sent", None)]
    assert E164 not in (messages[0].recipient or "") and code not in str(tuple(messages[0]))
