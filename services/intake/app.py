"""Intake's Flask app: the portal API on shared.web's base (health, readiness, metrics, correlation ids).

gunicorn serves `services.intake.app:create_app()`. Nothing here migrates the database.
"""

from __future__ import annotations

import io
from typing import IO

from flask import Flask, Request, redirect
from werkzeug.formparser import FormDataParser, MultiPartParser

from services.intake.api import init_api
from services.intake.api.errors import BODY_LIMIT_MB
from services.intake.bootstrap import build
from shared.runtime import Runtime
from shared.web import base_app


class _MultipartInMemory(FormDataParser):
    """Multipart bodies parsed in 256 KiB steps rather than werkzeug's 64 KiB: a 1 MB photo is
    four passes of the parser's Python loop instead of sixteen."""

    def _parse_multipart(self, stream, mimetype, content_length, options):  # type: ignore[no-untyped-def]
        parser = MultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            buffer_size=256 * 1024,
            cls=self.cls,
        )
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


class IntakeRequest(Request):
    """Uploaded parts stay in memory instead of spilling to a temporary file above 500 KB.

    The whole body is already bounded by MAX_CONTENT_LENGTH (`BODY_LIMIT_MB`) and read into memory
    by the photo check anyway; writing it to disk and reading it back only cost CPU.
    """

    form_data_parser_class = _MultipartInMemory

    def _get_file_stream(  # type: ignore[override]
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return io.BytesIO()


def create_app(runtime: Runtime | None = None) -> Flask:
    runtime = runtime or build()
    app = base_app(__name__, runtime.settings, runtime.db)
    app.request_class = IntakeRequest
    app.extensions["top100.runtime"] = runtime
    app.config["MAX_CONTENT_LENGTH"] = BODY_LIMIT_MB * 1024 * 1024
    app.config["MAX_FORM_MEMORY_SIZE"] = BODY_LIMIT_MB * 1024 * 1024
    init_api(app)
    _warm_up()
    app.add_url_rule("/", "index", lambda: redirect("/api/v1/docs"))
    return app


def _warm_up() -> None:
    """Build the language detector now, so a worker's first submission does not pay half a second."""
    from services.intake import rules

    rules.check_statement("en", "This sentence warms up the language detector before the first request.")
