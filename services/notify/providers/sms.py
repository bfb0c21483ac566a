"""SMS providers: a log file (embedded mode) and an adapter for an HTTP SMS gateway (production).

`HttpSms` is an adapter to be configured for the gateway the programme contracts: it POSTs
`{"to", "text", "reference"}` as JSON to `NOTIFY_SMS_URL` with `NOTIFY_SMS_TOKEN` as a bearer token
and takes the gateway's `id` from the JSON reply. A gateway with another contract needs only this
class changed.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path

from services.notify.providers.base import PermanentFailure, SmsSender, TemporaryFailure
from shared import clock


class LogSms(SmsSender):
    """Appends one tab-separated line per SMS to a UTF-8 log (time, phone, reference, text)."""

    name = "log"

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, phone: str, text: str, reference: str) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = "\t".join((clock.utcnow().isoformat(), phone, reference, text.replace("\n", " "))) + "\n"
        with self.path.open("a", encoding="utf-8") as log:
            log.write(line)
            log.flush()
            os.fsync(log.fileno())
        return reference


class HttpSms(SmsSender):
    name = "http"

    def __init__(self, url: str, token: str | None = None, timeout: float = 10.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"NOTIFY_SMS_URL must be an http(s) URL, not {url!r}")
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, phone: str, text: str, reference: str) -> str:
        body = json.dumps({"to": phone, "text": text, "reference": reference}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                reply = response.read()
        except urllib.error.HTTPError as exc:
            failure = TemporaryFailure if exc.code == 429 or exc.code >= 500 else PermanentFailure
            raise failure(f"SMS gateway answered {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise TemporaryFailure(f"SMS gateway unreachable: {exc}") from exc
        try:
            return str(json.loads(reply).get("id") or reference)
        except (ValueError, AttributeError):
            return reference
