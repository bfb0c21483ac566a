"""SMS providers: a log file (embedded mode) and HTTP gateways with priority and failover (production).

The gateway protocol (what an adapter for a real operator's API maps onto): `POST <url>` with
`Authorization: Bearer <token>` and JSON `{"to", "text", "sender", "reference"}`; a 2xx answer with
JSON `{"id"}` is taken, 401/403/404 mean this gateway is unusable (the next one is tried), any other
4xx a permanent failure of the message, 5xx, 429 or a timeout a temporary one.

`SmsRouter` tries the gateways by priority. A gateway that failed `FAILOVER_AFTER` times in a row
rests for `REST` seconds: the next one takes over, and the first is tried again after its rest (or
earlier, when every other one fails too).
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.notify.operations.providers.base import (
    PermanentFailure,
    ProviderUnusable,
    SmsSender,
    Taken,
    TemporaryFailure,
)
from shared import clock

FAILOVER_AFTER = 3
REST = 60.0


@dataclass(frozen=True)
class Gateway:
    """One configured gateway, as `NOTIFY_SMS_PROVIDERS` lists it."""

    name: str
    url: str
    token: str | None = None
    sender: str = "TOP100"
    priority: int = 1
    receipt_secret: str | None = None
    timeout: float = 5.0

    @classmethod
    def parse_list(cls, document: str) -> list[Gateway]:
        entries: Any = json.loads(document)
        if not isinstance(entries, list) or not entries:
            raise ValueError("NOTIFY_SMS_PROVIDERS must be a non-empty JSON list")
        gateways = []
        for entry in entries:
            known = {key: entry[key] for key in cls.__dataclass_fields__ if key in entry}
            gateway = cls(**known)
            if not gateway.url.startswith(("http://", "https://")):
                raise ValueError(f"SMS provider {gateway.name!r} needs an http(s) url")
            gateways.append(gateway)
        if len({g.name for g in gateways}) != len(gateways):
            raise ValueError("SMS provider names must be unique")
        return sorted(gateways, key=lambda g: g.priority)


class LogSms(SmsSender):
    """Appends one tab-separated line per SMS to a UTF-8 log (time, phone, reference, text)."""

    name = "log"

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, phone: str, text: str, reference: str) -> Taken:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = "\t".join((clock.utcnow().isoformat(), phone, reference, text.replace("\n", " "))) + "\n"
        with self.path.open("a", encoding="utf-8") as log:
            log.write(line)
            log.flush()
            os.fsync(log.fileno())
        return Taken(self.name, reference)


class HttpSms(SmsSender):
    """One HTTP gateway speaking the protocol above."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.name = gateway.name

    def send(self, phone: str, text: str, reference: str) -> Taken:
        gateway = self.gateway
        document = {"to": phone, "text": text, "sender": gateway.sender, "reference": reference}
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if gateway.token:
            headers["Authorization"] = f"Bearer {gateway.token}"
        body = json.dumps(document, ensure_ascii=False).encode()
        request = urllib.request.Request(gateway.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=gateway.timeout) as response:
                reply = response.read()
        except urllib.error.HTTPError as exc:
            if exc.code in (401, 403, 404):
                raise ProviderUnusable(f"{gateway.name}: gateway answered {exc.code}") from None
            failure = TemporaryFailure if exc.code == 429 or exc.code >= 500 else PermanentFailure
            raise failure(f"{gateway.name}: gateway answered {exc.code}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            # Refused, timed out, or not speaking HTTP at all: this gateway, for now.
            reason = getattr(exc, "reason", exc)
            raise TemporaryFailure(f"{gateway.name}: gateway unreachable ({type(reason).__name__})") from None
        try:
            provider_id = json.loads(reply).get("id")
        except (ValueError, AttributeError):
            provider_id = None
        return Taken(gateway.name, str(provider_id or reference))


@dataclass
class _Health:
    failures: int = 0
    resting_until: float = 0.0


@dataclass
class SmsRouter(SmsSender):
    """The gateways by priority, with failover; one per worker process (health is kept in memory)."""

    senders: list[HttpSms]
    name: str = "router"
    _health: dict[str, _Health] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def order(self) -> list[HttpSms]:
        now = time.monotonic()
        with self._lock:
            health = [self._health.setdefault(s.name, _Health()) for s in self.senders]
            return [
                s
                for s, h in sorted(
                    zip(self.senders, health, strict=True), key=lambda p: p[1].resting_until > now
                )
            ]

    def send(self, phone: str, text: str, reference: str) -> Taken:
        problems = []
        for sender in self.order():
            try:
                taken = sender.send(phone, text, reference)
            except TemporaryFailure as exc:
                self._failed(sender.name)
                problems.append(str(exc))
                continue
            self._succeeded(sender.name)
            return taken
        raise TemporaryFailure("; ".join(problems) or "no SMS provider")

    def _failed(self, name: str) -> None:
        with self._lock:
            health = self._health.setdefault(name, _Health())
            health.failures += 1
            if health.failures >= FAILOVER_AFTER:
                health.resting_until, health.failures = time.monotonic() + REST, 0

    def _succeeded(self, name: str) -> None:
        with self._lock:
            self._health[name] = _Health()
