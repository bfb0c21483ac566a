"""Unsubscribe links of optional messages: the address, signed, so a link cannot be made up."""

from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeSerializer

from services.notify.operations.providers import Delivery

SALT = "top100.notify.unsubscribe"


def token(secret_key: str, address: str) -> str:
    return URLSafeSerializer(secret_key, salt=SALT).dumps(address.lower())


def address_of(secret_key: str, value: str) -> str | None:
    try:
        address = URLSafeSerializer(secret_key, salt=SALT).loads(value)
    except BadSignature:
        return None
    return address if isinstance(address, str) else None


def link(delivery: Delivery, address: str) -> str:
    return f"{delivery.public_url.rstrip('/')}/api/v1/unsubscribe/{token(delivery.secret_key, address)}"


def links(delivery: Delivery, address: str) -> tuple[str, str]:
    """The one-click link (RFC 8058) and, for a client without it, a letter to the sender's mailbox
    whose subject carries the same signed token (`unsubscribe <token>`)."""
    mailbox = parseaddr(delivery.sender)[1] or "noreply@top100.kz"
    subject = quote(f"unsubscribe {token(delivery.secret_key, address)}")
    return link(delivery, address), f"mailto:{mailbox}?subject={subject}"
