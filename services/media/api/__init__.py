"""Media's JSON API v1 for the media team, documented by flask-smorest from the same schemas:
`/api/v1/openapi.json` and the docs page `/api/v1/docs` (`shared.openapi`)."""

from __future__ import annotations

from flask import Flask

from services.media.api import routes
from shared import openapi

DESCRIPTION = """Candidates' photos, banners and media kits for the media team (roles `media` and
`admin`), and the publications log.

- **Signing in**: review's token (`Authorization: Bearer ...`) or its session cookie; a form-style
  call with the cookie also sends its CSRF token (`X-CSRF-Token`).
- **Who appears**: only candidates who consented to publication; to the media team only those at the
  republican stage or winners. Every read of a candidate's data is in the audit log.
- **Links**: each file comes with a signed link that works for an hour.
- **Errors**: `application/problem+json` (RFC 9457) in kk, ru or en by `Accept-Language`; a 422 names
  each field or parameter at fault in `errors`.
"""


def init_api(app: Flask) -> None:
    openapi.install(app, "TOP 100 media API", DESCRIPTION, (routes.blp,))
