"""Notify's rules as pure functions: SMS segment arithmetic, short references and masked contacts."""

from __future__ import annotations

# The GSM 03.38 basic character set (one septet each) and its extension table (two septets each).
GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = "^{}\\[~]|€\f"


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text)


def sms_units(text: str) -> int:
    """Length as the network counts it: septets for GSM-7, UTF-16 code units for UCS-2."""
    if is_gsm7(text):
        return sum(2 if char in GSM7_EXTENDED else 1 for char in text)
    return len(text.encode("utf-16-le")) // 2


def sms_segments(text: str) -> int:
    """How many SMS parts `text` costs: 160/153 for GSM-7, 70/67 for UCS-2 (Cyrillic, Kazakh)."""
    units = sms_units(text)
    single, multi = (160, 153) if is_gsm7(text) else (70, 67)
    return 1 if units <= single else -(-units // multi)


def short_reference(nomination_id: str) -> str:
    """A reference short enough for an SMS: the id itself when short, else its first 8 characters."""
    compact = nomination_id.replace("-", "")
    return nomination_id if len(nomination_id) <= 12 else compact[:8].upper()


def mask_phone(phone: str) -> str:
    """`+77011234567` -> `+7701*****67`: enough to recognise, not enough to dial."""
    if len(phone) <= 6:
        return "*" * len(phone)
    return phone[:5] + "*" * (len(phone) - 7) + phone[-2:]


def mask_email(address: str) -> str:
    """`alikhan@example.kz` -> `al*****@example.kz`."""
    local, _, domain = address.partition("@")
    return f"{local[:2]}{'*' * max(1, len(local) - 2)}@{domain}"
