"""A commission's day on review's pages, as the pages answer it: numbers in the reader's locale and
every stacked cell with its label, statements in paragraphs, the scoring page's progress and next
unscored candidate, the conflict's confirmation and its withdrawal by the chair."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from services.review.handlers import HANDLERS
from services.review.models import AuditEntry, Candidate, Conflict, Decision
from services.review.operations import audit
from services.review.tests import people
from services.review.tests.factories import submitted
from shared import i18n, vocabulary
from shared.handling import handle
from shared.runtime import Runtime

VALUES = {
    "criteria.achievements_level": "9",
    "criteria.skills_contests": "8",
    "criteria.leadership_civic": "7",
    "criteria.academic_standing": "5",
    "criteria.statement": "6",
}


@pytest.fixture
def ids(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Three candidates of Almaty during the regional stage, in the list's order."""
    monkeypatch.setenv("TOP100_NOW", "2026-10-10T12:00:00+05:00")
    statements = {"kk": "Бірінші абзац.\n\nЕкінші абзац,\nсол абзацтың жалғасы.", "ru": "Один абзац."}
    for number in range(3):
        name = {"last_name": f"Әбенова{'абв'[number]}", "first_name": "Әсел", "patronymic": None}
        event = submitted(f"nom-day-{number}", "almaty", candidate=name, statements=statements)
        handle(runtime, HANDLERS, "review", event)
    with runtime.db.unit_of_work() as session:
        return list(session.scalars(select(Candidate.id).order_by(Candidate.search_name)))


def _score(client: FlaskClient, candidate_id: str) -> None:
    token = people.csrf_token(client.get(f"/candidates/{candidate_id}/score").get_data(as_text=True))
    answer = client.post(f"/candidates/{candidate_id}/score", data={**VALUES, "csrf_token": token})
    assert answer.status_code == 302, answer.get_data(as_text=True)


def test_numbers_are_written_as_the_reader_writes_them() -> None:
    assert i18n.format_number(6.8, "kk") == "6,80"
    assert i18n.format_number(6.8, "ru") == "6,80"
    assert i18n.format_number(1234.5, "en") == "1,234.50"
    assert i18n.format_number(-0.1234, "ru", 3) == "-0,123"
    assert i18n.format_number(None, "kk") == "—"


def test_the_list_labels_each_cell_and_writes_the_score_in_kazakh(
    client_as: Callable[..., FlaskClient], ids: list[str]
) -> None:
    member = client_as("regional_member", "almaty")
    _score(member, ids[0])
    html = member.get("/?lang=kk").get_data(as_text=True)
    own = re.search(r'<td class="own-score"><span class="cell-label">([^<]+) </span>([^<]+)</td>', html)
    assert own, html
    assert own.group(1) == i18n.translate("My score", "kk") and re.fullmatch(r"\d+,\d\d", own.group(2))
    count = re.search(r'<td class="scores-count"><span class="cell-label">([^<]+) </span>1</td>', html)
    assert count and count.group(1) == i18n.translate("Scores", "kk")
    # Every cell but the name (the link itself) says what it is once the headers are hidden.
    first_row = html.split("<tbody>")[1].split("</tr>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", first_row, re.S)
    # A regional member has no region column: eight cells.
    assert all('class="cell-label"' in cell for cell in cells[1:]) and len(cells) == 8


def test_a_statement_keeps_its_paragraphs(client_as: Callable[..., FlaskClient], ids: list[str]) -> None:
    html = client_as("regional_member", "almaty").get(f"/candidates/{ids[0]}?lang=ru").get_data(as_text=True)
    kazakh = html.split('<section lang="kk"')[1].split("</section>")[0]
    assert "<p>Бірінші абзац.</p>" in kazakh
    assert "<p>Екінші абзац,<br>сол абзацтың жалғасы.</p>" in kazakh


def test_the_scoring_page_counts_what_is_scored_and_offers_the_next_unscored(
    client_as: Callable[..., FlaskClient], ids: list[str]
) -> None:
    member = client_as("regional_member", "almaty")
    html = member.get(f"/candidates/{ids[0]}/score?lang=en").get_data(as_text=True)
    assert "Scored 0 of 3" in html and f'id="go-unscored" href="/candidates/{ids[1]}/score' in html
    assert '<output id="total"' in html and 'data-weight="' in html
    _score(member, ids[1])
    html = member.get(f"/candidates/{ids[1]}/score?lang=ru").get_data(as_text=True)
    # The saved total is written by the server too (no script needed), the Russian way.
    total = re.search(r'<output id="total"[^>]*>([^<]+)</output>', html)
    assert total and re.fullmatch(r"\d+,\d\d", total.group(1))
    assert i18n.translate("Scored %(scored)s of %(total)s", "ru", {"scored": 1, "total": 3}) in html
    # After the second, the next waiting is the third; from the third, back to the first.
    assert f'id="go-unscored" href="/candidates/{ids[2]}/score' in html
    _score(member, ids[2])
    html = member.get(f"/candidates/{ids[2]}/score?lang=en").get_data(as_text=True)
    assert "Scored 2 of 3" in html and f'id="go-unscored" href="/candidates/{ids[0]}/score' in html
    _score(member, ids[0])
    html = member.get(f"/candidates/{ids[0]}/score?lang=en").get_data(as_text=True)
    assert "Scored 3 of 3" in html and 'id="go-unscored"' not in html and 'id="all-scored"' in html


def test_a_wrong_value_is_said_in_words_on_its_field(
    client_as: Callable[..., FlaskClient], ids: list[str]
) -> None:
    member = client_as("regional_member", "almaty")
    token = people.csrf_token(member.get(f"/candidates/{ids[0]}/score").get_data(as_text=True))
    bad = member.post(
        f"/candidates/{ids[0]}/score?lang=kk",
        data={**VALUES, "criteria.statement": "99", "criteria.skills_contests": "", "csrf_token": token},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "errors" not in html.lower().replace("field-error", "")
    statement = re.search(r'<span class="field-error" id="e-statement"[^>]*>([^<]+)</span>', html)
    missing = re.search(r'<span class="field-error" id="e-skills_contests"[^>]*>([^<]+)</span>', html)
    assert statement and statement.group(1) == i18n.translate("out of the criterion's range", "kk")
    assert missing and missing.group(1) == i18n.translate("a value is required", "kk")
    assert 'id="not-saved"' in html


def test_a_conflict_is_confirmed_then_withdrawn_by_the_chair_with_a_reason(
    client_as: Callable[..., FlaskClient], ids: list[str], runtime: Runtime
) -> None:
    member = client_as("regional_member", "almaty")
    token = people.csrf_token(member.get(f"/candidates/{ids[0]}").get_data(as_text=True))
    # The first step records nothing and asks to confirm, saying what follows.
    asked = member.post(
        f"/candidates/{ids[0]}/conflict?lang=en", data={"reason": "Менің туысым", "csrf_token": token}
    )
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'id="confirm-conflict"' in html and "Менің туысым" in html
    with runtime.db.unit_of_work() as session:
        assert session.scalars(select(Conflict)).all() == []
    empty = member.post(f"/candidates/{ids[0]}/conflict?lang=ru", data={"reason": " ", "csrf_token": token})
    assert empty.status_code == 422 and 'id="conflict-error"' in empty.get_data(as_text=True)
    done = member.post(
        f"/candidates/{ids[0]}/conflict", data={"reason": "Менің туысым", "confirm": "1", "csrf_token": token}
    )
    assert done.status_code == 302
    assert "score-form" not in member.get(f"/candidates/{ids[0]}/score").get_data(as_text=True)

    chair = client_as("regional_chair", "almaty")
    page = chair.get(f"/candidates/{ids[0]}?lang=kk").get_data(as_text=True)
    path = f"/candidates/{ids[0]}/conflicts/{member.identity.user_id}/withdraw"
    assert f'action="{path}?lang=kk"' in page
    chair_token = people.csrf_token(page)
    # Without a reason: said on the field, nothing withdrawn.
    refused = chair.post(f"{path}?lang=kk", data={"reason": "", "csrf_token": chair_token})
    assert refused.status_code == 422 and 'class="field-error" id="withdraw-error-1"' in refused.get_data(
        as_text=True
    )
    # Another region's chair cannot see the candidate at all; the member cannot withdraw their own.
    assert client_as("regional_chair", "shymkent").post(path, data={"reason": "x"}).status_code in (400, 404)
    withdrawn = chair.post(path, data={"reason": "Туыстық расталмады", "csrf_token": chair_token})
    assert withdrawn.status_code == 302
    with runtime.db.unit_of_work() as session:
        assert session.scalars(select(Conflict)).all() == []
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "conflict.withdrawn")).one()
        assert entry.details == {"member_id": member.identity.user_id, "reason": "Туыстық расталмады"}
        assert entry.actor_id == chair.identity.user_id and entry.candidate_id == ids[0]
    assert 'id="score-form"' in member.get(f"/candidates/{ids[0]}/score").get_data(as_text=True)


def test_only_the_stage_chair_withdraws_and_never_their_own() -> None:
    from services.review.rules.roles import may_withdraw_conflict
    from shared.identity import Identity

    def who(role: str, scope: str, user: str = "u1") -> Identity:
        return Identity(user, "x@example.kz", "X", role, scope, "kk", 1, datetime(2030, 1, 1, tzinfo=UTC))

    assert may_withdraw_conflict(who("regional_chair", "almaty"), "regional", "almaty", "u2")
    assert not may_withdraw_conflict(who("regional_chair", "almaty"), "regional", "almaty", "u1")
    assert not may_withdraw_conflict(who("regional_chair", "shymkent"), "regional", "almaty", "u2")
    assert not may_withdraw_conflict(who("regional_member", "almaty"), "regional", "almaty", "u2")
    assert may_withdraw_conflict(who("national_chair", "national"), "republican", "national", "u2")


def test_the_ranking_opens_on_this_year_and_the_commissions_stage(
    client_as: Callable[..., FlaskClient], ids: list[str]
) -> None:
    member = client_as("regional_member", "almaty")
    for candidate_id in ids:
        _score(member, candidate_id)
    html = member.get("/rankings?lang=kk").get_data(as_text=True)
    assert 'name="year" min="2019" max="2100" required value="2026"' in html
    assert '<option value="regional" selected>' in html and html.count("data-candidate=") == 3
    national = client_as("national_member", "national").get("/rankings?lang=ru").get_data(as_text=True)
    assert '<option value="republican" selected>' in national


def test_the_dashboard_says_closed_counts_each_member_and_writes_charts_as_tables(
    client_as: Callable[..., FlaskClient], ids: list[str]
) -> None:
    member = client_as("regional_member", "almaty", name="Әлия Сейітова")
    _score(member, ids[0])
    html = client_as("regional_chair", "almaty").get("/dashboard?year=2026&lang=kk").get_data(as_text=True)
    deadlines = html.split('id="deadlines"')[1].split("</table>")[0]
    days = re.findall(r'</span>(?:<strong class="closed">)?([^<]+)(?:</strong>)?</td></tr>', deadlines)
    assert len(days) == 4 and i18n.translate("closed", "kk") in days  # nominations closed in September
    assert not any(day.strip().startswith("-") for day in days)
    members = html.split('id="members"')[1].split("</section>")[0]
    row = next(r for r in members.split("<tr>") if "Әлия Сейітова" in r)
    assert i18n.translate("%(scored)s of %(total)s", "kk", {"scored": 1, "total": 3}) in row
    # Each chart has a title and its figures in a table; no header cell is empty.
    assert html.count("<svg") == 3 and html.count("<title>") >= 3 and html.count('class="chart-figures"') == 3
    assert "<th></th>" not in html and '<th scope="col"></th>' not in html


def test_the_audit_log_pages_by_fifty_in_words_with_names(
    client_as: Callable[..., FlaskClient], ids: list[str], runtime: Runtime
) -> None:
    member = client_as("regional_member", "almaty")
    _score(member, ids[1])
    with runtime.db.unit_of_work() as session:
        candidate = session.get(Candidate, ids[0])
        for _ in range(60):
            audit.record(session, member.identity, "candidate.read", candidate=candidate)
    chair = client_as("regional_chair", "almaty")
    with runtime.db.unit_of_work() as session:
        total = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.region == "almaty")
        )
    assert total and total > 50
    first = chair.get("/audit?lang=kk").get_data(as_text=True)
    assert first.count('<td class="action"') == 50 and 'id="older"' in first
    assert i18n.translate("Page %(page)s of %(pages)s", "kk", {"page": 1, "pages": 2}) in first
    assert i18n.translate("opened a candidate", "kk") in first and ">candidate.read<" not in first
    assert f"{i18n.translate(vocabulary.ROLES['regional_member'], 'kk')}</td>" in first
    assert "Әбеноваа Әсел" in first and f">{ids[0]}<" not in first
    assert "<details><summary>" in first
    second = chair.get("/audit?lang=kk&page=2").get_data(as_text=True)
    assert second.count('<td class="action"') == total - 50 and 'id="older"' not in second
    # A filter is kept from page to page.
    filtered = chair.get("/audit?lang=en&action=candidate.read").get_data(as_text=True)
    assert "score.put" not in filtered.replace('value="candidate.read"', "")


def test_the_decision_page_counts_flags_and_ticks_the_members_present(
    runtime: Runtime, client_as: Callable[..., FlaskClient], ids: list[str]
) -> None:
    member = client_as("regional_member", "almaty", name="Айгүл Мүше")
    _score(member, ids[0])
    chair = client_as("regional_chair", "almaty", name="Серік Төраға")
    client_as("regional_member", "shymkent", name="Басқа Өңір")
    html = chair.get("/decisions/new?lang=kk").get_data(as_text=True)
    assert '<output id="chosen-count">0</output> / 10' in html and "decision.js" in html
    # Every candidate has a single score or none: flagged as too few.
    assert html.count(f'<strong class="flag">{i18n.translate("too few scores", "kk")}</strong>') == 3
    present = re.findall(r'name="members_present" value="([^"]+)"', html)
    assert set(present) == {member.identity.email, chair.identity.email}  # not another region's
    token = people.csrf_token(html)
    form = {
        "csrf_token": token,
        "year": "2026",
        "advanced": ids[:2],
        "justification": "Ең үздіктері.",
        "members_present": [member.identity.email, chair.identity.email, "guest@example.kz"],
    }
    assert chair.post("/decisions/new", data=form).status_code == 200  # what will be recorded
    assert chair.post("/decisions/new", data={**form, "confirm": "1"}).status_code == 302
    with runtime.db.unit_of_work() as session:
        decision = session.scalars(select(Decision)).one()
        assert decision.members_present == [member.identity.email, chair.identity.email, "guest@example.kz"]
