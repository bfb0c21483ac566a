"""Scan text for the personal data of a load: IINs, phone numbers (in the forms people write them), emails.

Written for this suite because no shared scanner exists yet; when `shared.testing` gets one, this
module should give way to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


def phone_forms(phone: str) -> set[str]:
    """`+77011234567` as logs might show it: with +7, with 8, bare 10 digits, spaced groups."""
    digits = re.sub(r"\D", "", phone)[-10:]
    return {
        f"+7{digits}",
        f"7{digits}",
        f"8{digits}",
        digits,
        f"{digits[:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}",
    }


@dataclass(frozen=True)
class Finding:
    path: str
    kind: str
    value: str
    context: str

    def __str__(self) -> str:
        return f"{self.path}: {self.kind} {self.value[:3]}… in …{self.context}…"


def corpus(iins: Iterable[str], phones: Iterable[str], emails: Iterable[str]) -> dict[str, str]:
    """needle -> kind, for every form of every value."""
    needles = {iin: "IIN" for iin in iins}
    for phone in phones:
        needles.update({form: "phone" for form in phone_forms(phone)})
    needles.update({email.lower(): "email" for email in emails})
    return needles


def scan(texts: Iterable[tuple[str, str]], needles: dict[str, str]) -> list[Finding]:
    """Every needle found in every (name, text); the context around a hit is shortened, masked."""
    if not needles:
        return []
    alternatives = "|".join(re.escape(needle) for needle in sorted(needles, key=len, reverse=True))
    pattern = re.compile(rf"(?<![0-9])(?:{alternatives})(?![0-9])")  # a number inside a longer one is not it
    findings = []
    for name, text in texts:
        for match in pattern.finditer(text.lower()):
            start = max(0, match.start() - 40)
            context = text[start : match.start()].replace("\n", " ") + "[…]"
            findings.append(Finding(name, needles[match.group(0)], match.group(0), context))
    return findings


def scan_files(paths: Iterable[Path], needles: dict[str, str]) -> list[Finding]:
    return scan(((str(p.name), p.read_text(encoding="utf-8", errors="replace")) for p in paths), needles)
