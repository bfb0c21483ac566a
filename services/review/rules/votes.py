"""The public vote's rules as pure functions: phones, codes, keyed hashes, limits, a contest's times.

No I/O and nothing of the service: the operations pass in what they read (past sends, wrong codes,
the clock) and act on the answer, so each rule is tested alone. The numbers are the contract's
(docs/architecture.md, "The public vote"): a code of 6 digits valid 10 minutes; sends per phone 1 a minute
and 5 a day, per address 20 an hour, per browser 10 an hour; 5 wrong codes in 30 minutes lock the
phone for 30 minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.review.rules import lockout
from shared import phones
from shared.calendar import END_OF_DAY
from shared.clock import KAZAKHSTAN

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
#: Wrong codes for one phone within `WRONG_WINDOW` that lock it for `LOCK`.
MAX_WRONG = 5
WRONG_WINDOW = timedelta(minutes=30)
LOCK = timedelta(minutes=30)
STAGES = ("regional", "republican")
NATIONAL = "national"


class PhoneInvalid(ValueError):
    """Not a Kazakhstan mobile number (the API's `422 phone_invalid`)."""


def voter_phone(raw: object) -> str:
    """The number in E.164 (`+77011234567`) if it is a Kazakhstan mobile; else `PhoneInvalid`."""
    e164 = phones.kz_mobile(raw) if isinstance(raw, str) else None
    if e164 is None:
        raise PhoneInvalid("not a Kazakhstan mobile number")
    return e164


def new_code() -> str:
    """Six digits from the operating system's CSPRNG, zero-padded (`000042` is as likely as any)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_well_formed(code: object) -> bool:
    return isinstance(code, str) and len(code) == CODE_DIGITS and code.isascii() and code.isdigit()


def _hmac(secret: str, *parts: str) -> str:
    message = "\x1f".join(parts).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def voter_hash(secret: str, phone_e164: str) -> str:
    """Who a voter is, without their number: HMAC-SHA256 of the E.164 phone under the vote's key."""
    return _hmac(secret, "voter", phone_e164)


def code_digest(secret: str, verification_id: str, code: str) -> str:
    """What is stored of a code: its HMAC bound to its verification (a code is good for that one)."""
    return _hmac(secret, "code", verification_id, code)


def code_matches(secret: str, verification_id: str, code: str, digest: str) -> bool:
    """Whether `code` is the verification's, compared in constant time."""
    return hmac.compare_digest(code_digest(secret, verification_id, code), digest)


def browser_hash(secret: str, browser_id: str) -> str:
    """The browser cookie's id as kept with a vote (its `browser` column): it cannot be replayed."""
    return _hmac(secret, "browser", browser_id)[:32]


# --- Limits --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limit:
    """At most `count` within any `window`."""

    name: str
    count: int
    window: timedelta


PER_PHONE = (Limit("phone_minute", 1, timedelta(minutes=1)), Limit("phone_day", 5, timedelta(days=1)))
PER_ADDRESS = (Limit("address_hour", 20, timedelta(hours=1)),)
PER_BROWSER = (Limit("browser_hour", 10, timedelta(hours=1)),)
#: How far back sends can matter to any limit (what the operations read).
LOOKBACK = timedelta(days=1)


def wait_for(limit: Limit, instants: Iterable[datetime], now: datetime) -> timedelta | None:
    """How long until one more is allowed under `limit`, given the past `instants`; None if now."""
    recent = sorted(moment for moment in instants if now - limit.window < moment <= now)
    if len(recent) < limit.count:
        return None
    # The oldest that must leave the window before one more fits.
    return recent[len(recent) - limit.count] + limit.window - now


def send_wait(
    by_phone: Sequence[datetime],
    by_address: Sequence[datetime],
    by_browser: Sequence[datetime],
    now: datetime,
) -> timedelta | None:
    """The longest wait any send limit imposes now (None: a code may be sent)."""
    waits = [
        wait
        for limits, instants in ((PER_PHONE, by_phone), (PER_ADDRESS, by_address), (PER_BROWSER, by_browser))
        for limit in limits
        if (wait := wait_for(limit, instants, now)) is not None
    ]
    return max(waits) if waits else None


def retry_after_seconds(wait: timedelta) -> int:
    """`Retry-After` in whole seconds, rounded up and at least 1."""
    return max(1, -int(-wait.total_seconds() // 1))


def locked_until(wrong: Iterable[datetime], now: datetime) -> datetime | None:
    """When a phone's lock ends if its wrong codes (their instants) lock it at `now`; else None.

    Five wrong codes within 30 minutes lock it for 30 minutes after the fifth; checks refused during
    a lock are not counted as wrong (they are never compared).
    """
    return lockout.lock_end((moment for moment in wrong if moment <= now), now, MAX_WRONG, WRONG_WINDOW, LOCK)


def tries_left(wrong: Iterable[datetime], now: datetime) -> int:
    """Wrong codes the phone may still give before the lock (within the current window)."""
    recent = [moment for moment in wrong if now - WRONG_WINDOW <= moment <= now]
    return max(0, MAX_WRONG - len(recent))


# --- Contests ------------------------------------------------------------------------------------


def contest_id(year: int, stage: str, scope: str) -> str:
    """`2026-regional-almaty`, `2026-republican-national`: one contest per year, stage and scope."""
    return f"{year}-{stage}-{scope}"


CONTEST_ID = re.compile(r"^([0-9]{4})-(regional|republican)-([a-z][a-z0-9_]{0,38})$")


def contest_named(name: str) -> tuple[int, str, str] | None:
    """The year, stage and scope a contest's id names (`contest_id` read back), or None."""
    matched = CONTEST_ID.match(name)
    if matched is None:
        return None
    return int(matched[1]), matched[2], matched[3]


def scope_fits(stage: str, scope: str, region_codes: Iterable[str]) -> bool:
    """A regional contest is of one region, the republican one of the whole country."""
    if stage == "regional":
        return scope in set(region_codes)
    return stage == "republican" and scope == NATIONAL


def default_times(year: int, stage: str) -> tuple[datetime, datetime]:
    """The contest's opening and closing instants by default, on the wall clock of Kazakhstan.

    Regional: 6 October 00:00 to 14 October 23:59:59, after submissions close and before the
    regional decision; republican: 21 October 00:00 to 20 November 23:59:59.
    """
    days = {"regional": ((10, 6), (10, 14)), "republican": ((10, 21), (11, 20))}[stage]
    (open_month, open_day), (close_month, close_day) = days
    opens = datetime(year, open_month, open_day, tzinfo=KAZAKHSTAN)
    closes = datetime.combine(date(year, close_month, close_day), END_OF_DAY, tzinfo=KAZAKHSTAN)
    return opens, closes


def contest_state(opens_at: datetime, closes_at: datetime, now: datetime) -> str:
    """`upcoming`, `open` (closing time inclusive to the second) or `closed`."""
    if now < opens_at:
        return "upcoming"
    if now < closes_at + timedelta(seconds=1):
        return "open"
    return "closed"


def times_may_change(opens_at: datetime, now: datetime) -> bool:
    """An admin may move a contest's times until it opens, never after (its rules are frozen)."""
    return now < opens_at


def times_sound(opens_at: datetime, closes_at: datetime) -> bool:
    return opens_at.tzinfo is not None and closes_at.tzinfo is not None and opens_at < closes_at


# --- Where a vote came from ----------------------------------------------------------------------


def network_of(address: str | None) -> str:
    """The network a request came from, as kept with a vote: `/24` for IPv4, `/48` for IPv6 (an
    IPv4-mapped IPv6 address as IPv4), `unknown` when there is none to read. Never the address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def keyed(secret: str, label: str, value: str) -> str:
    """An HMAC of anything else the vote keeps but must not keep in clear (a requesting address)."""
    return _hmac(secret, label, value)
