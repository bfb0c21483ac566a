"""Unsubscribe links of optional messages: the address, signed, so a link cannot be made up."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from services.notify.providers import Delivery

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
