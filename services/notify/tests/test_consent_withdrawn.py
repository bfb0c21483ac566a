"""A withdrawn consent to publication is confirmed by one letter to the student (in their language)
and one to the coordinator; a redelivery writes no second; other amendments write none."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from sqlalchemy import select

from services.notify.handlers import HANDLERS
from services.notify.models import Message
from services.notify.tests.factories import event, submitted
from shared.handling import handle
from shared.runtime import Runtime

NOMINATION = "0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f"
SUBJECTS = {
    "kk": "ТОП 100: жариялауға келісіміңіз кері қайтарылды",
    "ru": "ТОП 100: ваше согласие на публикацию отозвано",
    "en": "TOP 100: your consent to publication is withdrawn",
}
TO_COORDINATOR = {
    "kk": "ТОП 100: Нұрланұлы Әлихан Қайратұлы жариялауға келісімін кері қайтарды",
    "ru": "ТОП 100: Нұрланұлы Әлихан Қайратұлы: согласие на публикацию отозвано",
    "en": "TOP 100: Нұрланұлы Әлихан Қайратұлы has withdrawn the consent to publication",
}


def _withdrawn(revision: int = 2) -> object:
    payload = {
        "nomination_id": NOMINATION,
        "changed": ["consent.publication"],
        "consent_publication": False,
        "revision": revision,
    }
    return event("nomination.amended", payload)


def _consent_letters(runtime: Runtime) -> list[Message]:
    with runtime.db.unit_of_work() as session:
        query = (
            select(Message).where(Message.template == "consent_withdrawn").order_by(Message.recipient_kind)
        )
        return list(session.scalars(query))


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_student_and_the_coordinator_get_one_receipt(
    runtime: Runtime, tmp_path: Path, language: str
) -> None:
    submission = submitted(language)
    submission.payload["coordinator"] = {"full_name": "Сейітова Гүлнар", "email": "coord@example.kz"}
    handle(runtime, HANDLERS, "notify", submission)
    withdrawal = _withdrawn()
    assert handle(runtime, HANDLERS, "notify", withdrawal) is True
    assert handle(runtime, HANDLERS, "notify", withdrawal) is False
    letters = _consent_letters(runtime)
    assert [(m.recipient_kind, m.channel, m.language) for m in letters] == [
        ("coordinator", "email", language),
        ("student", "email", language),
    ]
    mails = [
        BytesParser(policy=policy.default).parsebytes(p.read_bytes())
        for p in (tmp_path / "mail").glob("*.eml")
    ]
    subjects = {str(m["Subject"]): m["To"].addresses[0].addr_spec for m in mails}
    assert subjects[SUBJECTS[language]] == "alikhan@example.kz"
    assert subjects[TO_COORDINATOR[language]] == "coord@example.kz"
    student = next(m for m in mails if str(m["Subject"]) == SUBJECTS[language])
    assert "Әлихан" in student.get_body(("plain",)).get_content()  # greeted by given name


def test_other_amendments_write_no_receipt(runtime: Runtime) -> None:
    handle(runtime, HANDLERS, "notify", submitted("kk"))
    amended = {"nomination_id": NOMINATION, "changed": ["statements.ru"], "statements": {}, "revision": 2}
    handle(runtime, HANDLERS, "notify", event("nomination.amended", amended))
    assert _consent_letters(runtime) == []
