"""The public vote's fraud signals on SQLite and PostgreSQL: the number-block hint kept at the code
request, the flagged votes with their reasons (API and the commission's page), the CSV of every vote
(parsed with the csv module, formula-safe), who may read them, and the audit of each read."""

from __future__ import annotations

import csv
import io
import secrets
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from services.review.app import create_app as review_app
from services.review.models import AuditEntry
from services.review.models.votes import Vote, VoteCode
from services.review.public_app import create_app
from services.review.rules import signals
from services.review.tests.vote_support import CONTEST, OPEN_NOW, candidates, verified
from shared import clock, config, testing
from shared.runtime import Runtime

#: Five numbers of one block of 100 (`+7701555000x`), and one of another.
BLOCK = [f"+7 701 555 00 0{index}" for index in range(5)]
LONE = "+7 702 999 88 77"
FORMULA = '=HYPERLINK("http://evil","x")'


@pytest.fixture(params=["sqlite", "postgresql"])
def vote_runtime(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    yield request.getfixturevalue("runtime" if request.param == "sqlite" else "pg_runtime")


def _row(contest: str, candidate: str, at: datetime, network: str, browser: str | None = None) -> Vote:
    return Vote(
        contest_id=contest,
        candidate_id=candidate,
        voter_hash=secrets.token_hex(32),
        network=network,
        browser=browser or secrets.token_hex(16),
        recorded_at=at,
        current=True,
    )


def _seed(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """Six voters through the public API (five of one number block), 2 s apart; then, written as
    the public process writes them, a burst of 30 from one network, two votes 0.3 s apart, three
    voters in one browser and one vote whose network would be a spreadsheet formula."""
    public = create_app(runtime)
    ids = candidates(runtime)
    start = clock.now()
    for index, phone in enumerate([*BLOCK, LONE]):
        monkeypatch.setenv("TOP100_NOW", (start + timedelta(seconds=2 * index)).isoformat())
        client = public.test_client()
        verified(client, runtime, phone)
        answer = client.put(f"/public/api/v1/contests/{CONTEST}/vote", json={"candidate": ids[index % 3]})
        assert answer.status_code == 200
    base = clock.utcnow() + timedelta(minutes=10)
    burst = [_row(CONTEST, ids[0], base + timedelta(seconds=4 * i), "203.0.113.0/24") for i in range(30)]
    later = base + timedelta(hours=2)
    inhuman = [
        _row(CONTEST, ids[1], later + timedelta(milliseconds=300 * i), "198.51.100.0/24") for i in range(2)
    ]
    shared = "b" * 32
    browser = [
        _row(CONTEST, ids[2], later + timedelta(minutes=5 + 10 * i), f"192.0.2{i}.0/24", shared)
        for i in range(3)
    ]
    odd = [_row(CONTEST, ids[2], later + timedelta(hours=1), FORMULA)]
    with runtime.db.unit_of_work() as session:
        session.add_all([*burst, *inhuman, *browser, *odd])
        session.flush()
        api = [
            v.id
            for v in session.scalars(select(Vote).where(Vote.network == "127.0.0.0/24").order_by(Vote.id))
        ]
        found = {"api": api, "burst": [v.id for v in burst], "inhuman": [v.id for v in inhuman]}
        found |= {"browser": [v.id for v in browser], "odd": [v.id for v in odd]}
    return found


def _as(runtime: Runtime, role: str, scope: str) -> dict[str, str]:
    return testing.bearer(runtime.settings.secret_key, role, scope, user_id=str(uuid.uuid4()))


def test_the_code_request_keeps_the_number_block_hint_not_the_number(
    vote_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(vote_runtime, monkeypatch)
    with vote_runtime.db.unit_of_work() as session:
        blocks = list(session.scalars(select(VoteCode.number_block).order_by(VoteCode.created_at)))
    secret = config.vote_secret()
    assert blocks[:5] == [signals.number_block(secret, "+77015550000")] * 5
    assert blocks[5] == signals.number_block(secret, "+77029998877") != blocks[0]
    assert all("7015550" not in block for block in blocks)


def test_the_flagged_votes_with_their_reasons(vote_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded = _seed(vote_runtime, monkeypatch)
    app = review_app(vote_runtime)
    answer = app.test_client().get(
        f"/api/v1/votes/{CONTEST}/signals", headers=_as(vote_runtime, "regional_chair", "almaty")
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    reasons = {item["vote"]: item["reasons"] for item in body["items"]}
    assert body["total"] == len(reasons) == 5 + 30 + 2 + 3
    assert {vote: reasons[vote] for vote in seeded["api"][:5]} == {
        v: ["sequential_numbers"] for v in seeded["api"][:5]
    }
    assert seeded["api"][5] not in reasons and seeded["odd"][0] not in reasons
    assert {tuple(reasons[v]) for v in seeded["burst"]} == {("burst_network", "many_numbers_one_address")}
    assert [reasons[v] for v in seeded["inhuman"]] == [["inhuman_rate"]] * 2
    assert [reasons[v] for v in seeded["browser"]] == [["burst_browser"]] * 3
    with vote_runtime.db.unit_of_work() as session:
        assert session.scalar(select(Vote.id).where(Vote.id == seeded["burst"][0])) is not None  # kept
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "votes.signals_read"))
        assert (entry.region, entry.details["contest"], entry.details["flagged"]) == ("almaty", CONTEST, 40)


def test_the_export_lists_every_vote_formula_safe(
    vote_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded = _seed(vote_runtime, monkeypatch)
    answer = (
        review_app(vote_runtime)
        .test_client()
        .get(f"/api/v1/votes/{CONTEST}/export.csv", headers=_as(vote_runtime, "admin", "national"))
    )
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == 42 and {row["contest"] for row in rows} == {CONTEST}
    by_id = {int(row["vote"]): row for row in rows}
    assert by_id[seeded["burst"][0]]["flags"] == "burst_network;many_numbers_one_address"
    assert by_id[seeded["burst"][0]]["network"] == "203.0.113.0/24"
    assert by_id[seeded["api"][5]]["flags"] == "" and len(by_id[seeded["api"][5]]["voter"]) == 64
    assert by_id[seeded["odd"][0]]["network"] == "'" + FORMULA
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    with vote_runtime.db.unit_of_work() as session:
        (entry,) = session.scalars(select(AuditEntry).where(AuditEntry.action == "votes.exported"))
        assert (entry.details["votes"], entry.details["flagged"]) == (42, 40)


@pytest.mark.parametrize(
    ("role", "scope", "status"),
    [
        ("national_chair", "national", 200),
        ("regional_chair", "shymkent", 404),
        ("regional_member", "almaty", 403),
        ("national_member", "national", 403),
        ("media", "national", 403),
    ],
)
def test_who_reads_the_signals(runtime: Runtime, role: str, scope: str, status: int) -> None:
    candidates(runtime)
    create_app(runtime).test_client().get(f"/public/api/v1/contests/{CONTEST}")
    client, headers = review_app(runtime).test_client(), _as(runtime, role, scope)
    for path in (f"/api/v1/votes/{CONTEST}/signals", f"/api/v1/votes/{CONTEST}/export.csv"):
        assert client.get(path, headers=headers).status_code == status, path
    admin = _as(runtime, "admin", "national")
    assert client.get("/api/v1/votes/2026-regional-shymkent/signals", headers=admin).status_code == 404
    assert client.get("/api/v1/votes/nonsense/export.csv", headers=admin).status_code == 404


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Many votes from one network within minutes"),
        ("ru", "Много голосов из одной сети за несколько минут"),
        ("kk", "Бір желіден бірнеше минут ішінде көп дауыс"),
    ],
)
def test_the_commission_page_lists_the_flagged_votes_in_words(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, lang: str, words: str
) -> None:
    monkeypatch.setenv("TOP100_NOW", OPEN_NOW)
    seeded = _seed(runtime, monkeypatch)
    page = (
        review_app(runtime)
        .test_client()
        .get(f"/votes/{CONTEST}/signals?lang={lang}", headers=_as(runtime, "regional_chair", "almaty"))
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<tr data-vote=") == 40 and words in html
    assert f'data-vote="{seeded["burst"][0]}"' in html and f'data-vote="{seeded["odd"][0]}"' not in html
    assert f"/api/v1/votes/{CONTEST}/export.csv" in html
