"""Recording a message to send: rendered now from the current template, keyed so it exists once.

The key is (event key, recipient, channel): whatever the broker redelivers, and whichever of two
workers handles it, one row is recorded and so one message sent. An SMS due in the quiet hours is
recorded `held` with `send_after` the next 08:00 (a voter's code never is: `NEVER_HELD`); a number
that is not a Kazakhstan mobile is recorded `failed` (not sendable), and never reaches a gateway.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from services.notify import rules
from services.notify.models import Message, OptOut
from services.notify.operations import searching, status, template_store, templating
from services.notify.rules.catalogue import ERASED_ONCE_SENT, NEVER_HELD, OPTIONAL, PARAMETERS
from shared import clock, db

NOT_SENDABLE = "not_sendable: not a Kazakhstan mobile number"
#: Where a unit of work keeps the ids of the messages it recorded to send now (`sending`).
TO_SEND = "notify.to_send"


@dataclass(frozen=True)
class To:
    """One recipient: what kind (student, coordinator, member, region), who stably, where, in what."""

    kind: str
    ref: str
    address: str
    language: str
    #: How a letter greets them, where the template says it (members, coordinators).
    name: str = ""


def _check_parameters(code: str, params: dict[str, Any]) -> None:
    lacking = set(PARAMETERS[code]) - set(params)
    if lacking:
        raise ValueError(f"{code} needs the parameters {sorted(lacking)}")


#: What every message starts as: queued, to be sent as soon as it may, not yet tried.
_FRESH: dict[str, Any] = {"status": "queued", "send_after": None, "attempts": 0}


def _addressed(session: Session, to: To, channel: str, code: str) -> dict[str, Any]:
    """A message's columns of its recipient and the state it starts in: an SMS routed first
    (`_route_sms`), then the address it goes to taken once as its keyed hash, for the log's search."""
    columns: dict[str, Any] = {
        "language": to.language,
        "recipient_kind": to.kind,
        "recipient_ref": to.ref,
        "recipient": to.address,
        **_FRESH,
    }
    if channel == "sms":
        _route_sms(columns, code)
    columns["recipient_hash"] = searching.digest(session, columns["recipient"])
    return columns


def queue(
    session: Session,
    *,
    key: str,
    to: To,
    channel: str,
    code: str,
    params: dict[str, Any],
    region: str,
    nomination_id: str | None = None,
    test: bool = False,
) -> bool:
    """Record the message unless it exists already; True when this call recorded it.

    `test` marks an administrator's "send me a test" (`trial`): the same path, told apart in the log."""
    _check_parameters(code, params)
    template = template_store.current_texts(session, code, channel)
    if template is None:
        return False
    optional = code in OPTIONAL
    if optional and channel == "email" and session.get(OptOut, to.address.lower()) is not None:
        return False
    rendered = templating.render(channel, template.subject, template.body, to.language, params)
    row: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "event_id": key,
        "nomination_id": nomination_id,
        "region": region,
        "channel": channel,
        "template": code,
        "template_version": template.version,
        **_addressed(session, to, channel, code),
        "test": test,
        "subject": rendered.subject,
        "body": rendered.text,
        "optional": optional,
        "segments": rendered.segments,
        "created_at": clock.utcnow(),
    }
    if row["status"] == "failed" and code in ERASED_ONCE_SENT:
        row.update(body=None, recipient=rules.mask_phone(row["recipient"]), purged_at=clock.utcnow())
    recorded = db.insert_ignore(
        session, Message.__table__, row, conflict=("event_id", "recipient_ref", "channel")
    )
    if recorded:
        _after_recording(session, row)
    return recorded


def _route_sms(row: dict[str, Any], code: str) -> None:
    """An SMS goes to a Kazakhstan mobile only, written as one (any other number fails at once,
    `NOT_SENDABLE`), and waits out the quiet hours (`rules.quiet_until`) unless it is one of `NEVER_HELD`."""
    mobile = rules.kz_mobile(row["recipient"])
    if mobile is None:
        row["status"], row["error"] = "failed", NOT_SENDABLE
        return
    row["recipient"] = mobile
    held_until = None if code in NEVER_HELD else rules.quiet_until(clock.local_now())
    if held_until is not None:
        row["status"], row["send_after"] = "held", held_until


def _after_recording(session: Session, row: dict[str, Any]) -> None:
    """A message that cannot be sent is announced as failed; one to send now goes out after the commit."""
    if row["status"] == "failed":
        status.failed(session, row, "not_sendable")
    else:
        status.step(session, row, row["status"])
    if row["status"] == "queued":
        session.info.setdefault(TO_SEND, []).append(row["id"])


def erase(message: Message) -> None:
    """Forget a sent (or failed) message's text and number if it is one of `ERASED_ONCE_SENT`: a
    one-time code and the phone it proves. The row stays in the log, the number masked."""
    if message.template not in ERASED_ONCE_SENT:
        return
    message.body, message.subject = None, None
    message.recipient = rules.mask_phone(message.recipient)
    message.purged_at = clock.utcnow()
