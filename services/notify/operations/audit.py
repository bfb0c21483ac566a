"""Notify's audit log: every read of a message's body or contacts (the delivery log shows them
masked, a message's page and its letter in full) and every change a person makes (a template saved),
each entry announced to review as `audit.recorded` in the same transaction (`shared.audit`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.notify.models import AuditEntry, Message
from shared import audit
from shared.identity import Identity
from shared.regions import region_codes

SERVICE = "notify"

MESSAGE_READ = "message.read"
MESSAGE_FILE = "message.file"
MESSAGES_LISTED = "messages.listed"
TEMPLATE_SAVED = "template.saved"

record = audit.recorder(AuditEntry, SERVICE)


def message_read(session: Session, caller: Identity, message: Message, action: str = MESSAGE_READ) -> None:
    record(session, caller, action, object=f"message:{message.id}", region=message.region)


def listed(session: Session, caller: Identity, filters: dict[str, Any], count: int) -> None:
    """The delivery log (recipients' masked contacts) was shown: one entry with its filters."""
    region, nomination = filters.get("region"), filters.get("nomination_id")
    codes = {key: value for key, value in filters.items() if key in ("status", "template", "channel")}
    record(
        session,
        caller,
        MESSAGES_LISTED,
        object=f"nomination:{nomination}" if nomination else None,
        region=region if region in region_codes() else None,
        count=count,
        **{key: value for key, value in codes.items() if value is not None},
    )
