"""Letters that sound like people, read as a mail client reads them.

A season of one candidate whose name has every Kazakh letter (ә ғ қ ң ө ұ ү һ і) is played through
notify's handlers in each language: receipt, a rejected photo, the regional decision, a correction,
the winners. Every email it wrote is parsed from its file with `email.parser`, and every SMS read from
its row: the HTML says its language (`lang`) under the programme's name, the student is greeted by
given name and patronymic (never surname first), no id and no «(ла)» is left, and the plain-text part
says what the HTML says, dates from the calendar included. The members' letters (digest, reminders,
statements) are composed from their samples in each language and read the same way.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from services.notify import rules
from services.notify.handlers import HANDLERS
from services.notify.models import Message
from services.notify.operations import compose, templating
from services.notify.rules.catalogue import CHANNELS
from services.notify.tests.factories import event, submitted
from shared.handling import handle
from shared.runtime import Runtime

#: Every Kazakh letter, across the three parts of one name.
SURNAME, GIVEN, PATRONYMIC = "Өтеғұлова-Түңғышбаева", "Әйгерім", "Шаһмұратқызы"
assert set("әғқңөұүһі") <= set(f"{SURNAME}{GIVEN}{PATRONYMIC}".lower())
GREETINGS = {
    "kk": f"Құрметті {GIVEN} {PATRONYMIC}!",
    "ru": f"Здравствуйте, {GIVEN} {PATRONYMIC}!",
    "en": f"Dear {GIVEN},",
}
PROGRAMME = {
    "kk": "ҚР колледждерінің ТОП 100 студенті",
    "ru": "ТОП 100 студентов колледжей РК",
    "en": "TOP 100 college students of Kazakhstan",
}
#: What happens next, by when: the calendar's dates of 2026 in the letter's language.
NEXT = {
    "nomination_received": {"kk": "15 қазан күніне дейін", "ru": "до 15 октября", "en": "by 15 October"},
    "candidate_advanced": {
        "kk": "20 қазан күні басталып",
        "ru": "начнётся 20 октября",
        "en": "on 20 October",
    },
    "photo_rejected": {"kk": "20 қазан күніне дейін", "ru": "до 20 октября", "en": "by 20 October"},
}
#: A word of a gender the writer guessed at: прошёл(ла), студент(ка), a(n) ...
GUESSED_GENDER = re.compile(r"\w\((?:а|ла|ка|ша|ая|на|о|ла?сь)\)", re.IGNORECASE)
AN_ID = re.compile(r"\b[0-9A-Fa-f]{8}\b|[0-9a-f]{8}-[0-9a-f]{4}-")


class _Text(HTMLParser):
    """The words a reader sees in an HTML part, and the `lang` of its `<html>`."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.words: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        self._hidden += tag in ("head", "style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("head", "style", "script")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.words.extend(data.split())


def _read_html(letter: EmailMessage) -> _Text:
    reader = _Text()
    reader.feed(letter.get_body(("html",)).get_content())
    return reader


def _season(runtime: Runtime, language: str) -> tuple[str, str]:
    """Two nominations of the candidate, through every event that writes to a student: one advanced
    (then a correction takes it back, and the consent to publication is withdrawn), one not advanced
    (then a correction advances it) and a winner."""
    kept, dropped = str(uuid.uuid4()), str(uuid.uuid4())
    for nomination_id in (kept, dropped):
        told = submitted(language, nomination_id, email=f"student-{nomination_id[:4]}@example.kz")
        told.payload["candidate"] = {"last_name": SURNAME, "first_name": GIVEN, "patronymic": PATRONYMIC}
        told.payload["coordinator"] = {"full_name": "Сейітова Гүлнар", "email": "coord@example.kz"}
        assert handle(runtime, HANDLERS, "notify", told)
    decision = {"candidate_id": "c", "year": 2026, "decision_id": "d", "sequence": 1, "stage": "regional"}
    correction = {
        **decision,
        "decision_id": "d2",
        "sequence": 2,
        "correction": True,
        "corrects": "d",
        "corrects_recorded_at": "2026-10-10T12:00:00+05:00",
    }
    for kind, payload in [
        ("media.photo_rejected", {"nomination_id": kept, "reason": "too_small"}),
        (
            "candidate.advanced",
            {**decision, "nomination_id": kept, "to_stage": "republican", "missing": ["photo"]},
        ),
        ("candidate.not_advanced", {**decision, "nomination_id": dropped}),
        ("candidate.not_advanced", {**correction, "nomination_id": kept}),
        (
            "candidate.advanced",
            {**correction, "nomination_id": dropped, "to_stage": "republican", "missing": []},
        ),
        (
            "winners.published",
            {"year": 2026, "decision_id": "w", "candidate_ids": ["c"], "nomination_ids": [dropped]},
        ),
        (
            "nomination.amended",
            {"nomination_id": kept, "changed": ["consent.publication"], "consent_publication": False},
        ),
    ]:
        producer = {"media": "media", "nomination": "intake"}.get(kind.split(".")[0], "review")
        assert handle(runtime, HANDLERS, "notify", event(kind, payload, producer))
    return kept, dropped


def _rows(runtime: Runtime) -> list[Message]:
    with runtime.db.unit_of_work() as session:
        rows = list(session.scalars(select(Message).order_by(Message.created_at)))
        session.expunge_all()
    return rows


def _check_letter(letter: EmailMessage, language: str, ids: set[str]) -> tuple[str, str]:
    """What every letter must be, to whomever it goes; returns (plain text, HTML words)."""
    # A letter travels with CRLF line ends (SMTP); a part sent as 8-bit or quoted-printable keeps them.
    plain = letter.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = _read_html(letter)
    assert letter["Content-Language"] == language and html.lang == language
    words = " ".join(html.words)
    assert words.startswith(PROGRAMME[language]) and plain.startswith(f"{PROGRAMME[language]}\n\n")
    # The plain part says what the HTML says, word for word (the HTML adds no text, loses none).
    assert " ".join(plain.split()) == words
    assert "<" not in plain and "{{" not in plain and "{%" not in plain
    seen = f"{letter['Subject']}\n{plain}"
    assert not any(found in seen for found in ids), seen
    assert not AN_ID.search(seen) and not GUESSED_GENDER.search(seen), seen
    return plain, words


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_letter_of_a_season_greets_the_student_by_name_in_their_language(
    runtime: Runtime, tmp_path: Path, language: str
) -> None:
    kept, dropped = _season(runtime, language)
    ids = {kept, dropped, rules.short_reference(kept), rules.short_reference(dropped)}
    rows = _rows(runtime)
    emails = {row.provider_id: row for row in rows if row.channel == "email"}
    written: set[tuple[str, str]] = set()
    for path in sorted((tmp_path / "mail").glob("*.eml")):
        letter = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        row = emails[path.name]
        written.add((row.template, row.recipient_kind))
        plain, words = _check_letter(letter, language, ids)
        if row.recipient_kind == "student":
            assert GREETINGS[language] in plain and GREETINGS[language] in words, plain
            assert SURNAME not in plain  # the student is greeted, not listed
        else:
            assert f"{SURNAME} {GIVEN} {PATRONYMIC}" in plain  # the coordinator finds them by full name
        if row.template in NEXT:
            assert NEXT[row.template][language] in plain, plain
    student_templates = {code for code, channels in CHANNELS.items() if "email" in channels} - {
        "statements_needed",
        "to_score_digest",
        "deadline_reminder",
    }
    assert written == {(code, kind) for code in student_templates for kind in ("student", "coordinator")}
    texts = [row.body or "" for row in rows if row.channel == "sms"]
    assert {row.template for row in rows if row.channel == "sms"} == {
        code for code, channels in CHANNELS.items() if "sms" in channels
    } - {"vote_code"}  # a voter's code goes to a voter, not to a nominated student
    name = GIVEN if language == "en" else f"{GIVEN} {PATRONYMIC}"
    for text in texts:
        assert name in text and SURNAME not in text, text
        assert not any(found in text for found in ids) and not GUESSED_GENDER.search(text), text


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("code", sorted(code for code, channels in CHANNELS.items() if "email" in channels))
def test_every_email_template_composes_into_a_letter_a_mail_client_reads(code: str, language: str) -> None:
    seed = templating.seed_files()[(code, "email")]
    for params in templating.samples(code):
        rendered = templating.render("email", seed["subject"], seed["body"], language, params)
        letter = compose.email(
            from_header="TOP 100 <noreply@top100.kz>",
            to_address="someone@example.kz",
            subject=rendered.subject or "",
            text=rendered.text,
            language=language,
            key=str(uuid.uuid4()),
            at=datetime(2026, 10, 2, 9, 30, tzinfo=UTC),
        )
        parsed = BytesParser(policy=policy.default).parsebytes(letter.as_bytes())
        assert str(parsed["Subject"]) == rendered.subject
        _check_letter(parsed, language, {"0B6F3C1E", "0b6f3c1e"})
        assert rendered.html == parsed.get_body(("html",)).get_content()


@pytest.mark.parametrize(
    ("first", "patronymic", "language", "greeted"),
    [
        ("Тимур", "Асетұлы", "kk", "Тимур Асетұлы"),
        ("Тимур", "Асетович", "ru", "Тимур Асетович"),
        ("Timur", "Asetovich", "en", "Timur"),
        ("Анна", None, "ru", "Анна"),
        ("Анна", "", "kk", "Анна"),
        ("ӘЙГЕРІМ", "ШАҺМҰРАТҚЫЗЫ", "kk", "Әйгерім Шаһмұратқызы"),
        ("  әйгерім ", "шаһмұрат  қызы", "ru", "Әйгерім Шаһмұрат Қызы"),
        ("анна-мария", None, "en", "Анна-Мария"),
        ("McKenzie", "de la Cruz", "ru", "McKenzie de la Cruz"),
    ],
)
def test_a_letter_greets_by_given_name_and_patronymic(
    first: str, patronymic: str | None, language: str, greeted: str
) -> None:
    assert rules.greeting_name(first, patronymic, language, last_name="Петрова") == greeted


def test_only_a_person_without_a_given_name_is_greeted_by_surname() -> None:
    assert rules.greeting_name("", "Асетұлы", "kk", last_name="ПЕТРОВА") == "Петрова"
    assert rules.greeting_name(None, None, "en") == ""
