"""What an administrator does to a template from the editor: save a new version, restore an old one
(as a new version, so the history keeps every step), and send a test of the current version to
themselves through the normal sending path. Each in the caller's unit of work, each audited.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notify import rules
from services.notify.messages import TEST_MARK
from services.notify.models import Message, Template
from services.notify.operations import audit, drafts, searching, template_store
from services.notify.operations.queueing import To, queue
from shared import i18n
from shared.identity import Identity


def save(
    session: Session,
    caller: Identity,
    code: str,
    channel: str,
    subject: dict[str, str] | None,
    body: dict[str, str],
) -> Template:
    """A new version (raises `templating.TemplateRefused` for a template that would not render)."""
    saved = template_store.save(session, code, channel, subject, body, caller.user_id)
    target = f"template:{code}/{channel}"
    audit.record(session, caller, audit.TEMPLATE_SAVED, object=target, version=saved.version)
    return saved


def version(session: Session, code: str, channel: str, number: int) -> Template | None:
    query = select(Template).where(
        Template.code == code, Template.channel == channel, Template.version == number
    )
    return session.scalars(query).first()


def restore(session: Session, caller: Identity, code: str, channel: str, number: int) -> Template | None:
    """The texts of version `number` saved again as the newest version; None if there is no such version."""
    old = version(session, code, channel, number)
    if old is None:
        return None
    saved = template_store.save(session, code, channel, old.subject, old.body, caller.user_id)
    audit.record(
        session,
        caller,
        audit.TEMPLATE_RESTORED,
        object=f"template:{code}/{channel}",
        version=saved.version,
        restored=number,
    )
    return saved


def send_test(
    session: Session, caller: Identity, secret: str, code: str, channel: str, language: str, phone: str = ""
) -> str | None:
    """Record a test of the current version to the caller (their account's email, or the phone they
    typed), with the sample values of `language` and their own name, marked as a test; returns the
    message's id, to be sent once this unit of work has committed (`sending.send_batch`)."""
    address = caller.email if channel == "email" else phone
    params = drafts.sample(code, language)
    for name in ("greeting_name", "recipient_name"):
        if name in params:
            params[name] = caller.name
    key = f"test:{uuid.uuid4()}"
    recorded = queue(
        searching.keyed(session, secret),
        key=key,
        to=To("member", f"user:{caller.user_id}", address, language, caller.name),
        channel=channel,
        code=code,
        params=params,
        region=caller.scope,
        test=True,
    )
    message = session.scalars(select(Message).where(Message.event_id == key)).first() if recorded else None
    if message is None:
        return None
    _mark(message, language)
    audit.record(
        session,
        caller,
        audit.TEMPLATE_TESTED,
        object=f"template:{code}/{channel}",
        message=message.id,
        language=language,
    )
    return message.id


def _mark(message: Message, language: str) -> None:
    """`[Тест]` before the subject (email) or the text (SMS): whoever reads it knows it is a test."""
    mark = i18n.translate(TEST_MARK, language)
    if message.channel == "email":
        message.subject = f"{mark} {message.subject or ''}".strip()
    else:
        message.body = f"{mark} {message.body or ''}".strip()
        message.segments = rules.sms_segments(message.body)
