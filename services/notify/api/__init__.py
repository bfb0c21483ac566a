"""Notify's JSON API v1, documented by flask-smorest from the same schemas: `/api/v1/openapi.json`
and the docs page `/api/v1/docs` (`shared.openapi`)."""

from __future__ import annotations

from flask import Flask

from services.notify.api import routes
from shared import openapi

DESCRIPTION = """The messages notify sends: their templates (administrators) and their delivery log
(administrators; chairs for their own region), and what the outside world sends back: the SMS
gateways' delivery receipts and the recipients' one-click unsubscribe.

- **Signing in**: review's token (`Authorization: Bearer ...`) or its session cookie; a form-style
  call with the cookie also sends its CSRF token (`X-CSRF-Token`). Receipts and unsubscribe links are
  called without signing in: a receipt's HMAC signature, an unsubscribe link's signed token is the check.
- **Contacts**: the log shows each address masked; every read of it is in the audit log.
- **Errors**: `application/problem+json` (RFC 9457) in kk, ru or en by `Accept-Language`; a refused
  template says each part at fault in `problems`.
"""


def init_api(app: Flask) -> None:
    openapi.install(app, "TOP 100 notify API", DESCRIPTION, (routes.blp,))
