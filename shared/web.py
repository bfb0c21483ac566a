"""Every service's Flask app from one factory: config, logs, correlation ids, health, problem answers.

A service's `app.py` names what is its own (blueprints, a request class, settings, an `init` for
what needs the app, an HTML error page) and gets the rest the same way as the other three.
gunicorn still serves `services.<name>.app:create_app()`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Request, Response, current_app, g, redirect, request
from flask.typing import ResponseReturnValue
from jinja2 import ChoiceLoader, PackageLoader
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, default_exceptions

from shared import audit, bodies, i18n, identity, logs, pages, problems, refusals, sessions
from shared.config import Settings
from shared.db import Database
from shared.health import health_blueprint, instrument
from shared.runtime import Runtime

CORRELATION_HEADER = "X-Correlation-ID"
#: Addresses under this prefix are the APIs: their errors are always problem+json, never a page.
API_PREFIX = "/api/"
RUNTIME = "top100.runtime"

#: Renders an HTML page for an error of a page (not of the API), or None to answer with a problem.
ErrorPage = Callable[[HTTPException], ResponseReturnValue | None]


def current_runtime() -> Runtime:
    """The runtime (settings, database, blobs) of the app handling the current request."""
    runtime: Runtime = current_app.extensions[RUNTIME]
    return runtime


def create_service_app(
    import_name: str,
    runtime: Runtime,
    blueprints: Iterable[Blueprint] = (),
    *,
    request_class: type[Request] | None = None,
    config: Mapping[str, Any] | None = None,
    init: Callable[[Flask], object] | None = None,
    error_page: ErrorPage | None = None,
    people: bool = True,
    audit_log: audit.Recorder | None = None,
    problem_words: Mapping[str, i18n.Text] = problems.CATALOG,
) -> Flask:
    """The Flask app of one service: the shared parts, then the service's own, in that order.

    `people=False` for an app no person signs in to (intake: regional portals call it with their own
    keys): its routes are then open to the shared identity's anonymous callers, and it checks its own.
    `audit_log` records what the shared routes do (signing out) in the service's audit log;
    `problem_words` is the catalog a use case's refusal (`shared.refusals`) is worded from.
    """
    app = base_app(import_name, runtime.settings, runtime.db)
    app.extensions[RUNTIME] = runtime
    if audit_log is not None:
        audit.install(app, audit_log)
    if request_class is not None:
        app.request_class = request_class
    app.config.update(config or {})
    _answer_errors(app, error_page, problem_words)
    _verify_callers(app, runtime, people)
    if people:
        app.register_blueprint(_shared_blueprint())
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    if init is not None:
        init(app)
    return app


def _verify_callers(app: Flask, runtime: Runtime, people: bool) -> None:
    """Every service checks its callers the same way, against its own generation table and (for a
    session) its own table of ended sessions; an app without one takes no session."""
    table = runtime.db.metadata.tables[identity.GENERATIONS]
    ended = runtime.db.metadata.tables.get(sessions.ENDED_SESSIONS)

    def is_valid(caller: identity.Identity) -> bool:
        with runtime.db.unit_of_work() as session:
            if not identity.still_valid(session, table, caller):
                return False
            if caller.session_id is None:
                return caller.via == "token"
            return ended is not None and not sessions.has_ended(session, ended, caller.session_id)

    settings = runtime.settings
    identity.install(
        app,
        is_valid=is_valid,
        login_url=settings.login_url,
        secure_cookies=settings.secure_cookies,
        open_by_default=not people,
        trusted_origins=settings.public_origins,
        cookies=people,
    )


SHARED_STATIC = Path(__file__).parent / "static"


def _shared_blueprint() -> Blueprint:
    """What every service's pages share: the layout's stylesheet (`/static/top100/`; the
    security headers allow no inline style or script) and signing out (`POST /logout`).

    The services share the session cookie, so each signs out on its own address (the layout's form
    posts to its own origin, as the CSP's `form-action` wants): it ends the session here at once and
    tells the others (`shared.sessions`), records the logout in its own audit log (`shared.audit`:
    review's directly, media's and notify's reach review's through `audit.recorded`, so every logout
    is in the one log wherever it happened), then clears the cookie.
    """
    bp = Blueprint("top100", __name__, static_folder=str(SHARED_STATIC), static_url_path="/static/top100")

    @bp.post("/logout")
    @identity.public
    def logout() -> ResponseReturnValue:
        caller, record = identity.current_identity(), audit.installed()
        if caller is not None:
            runtime = current_runtime()
            with runtime.db.unit_of_work() as session:
                if caller.session_id is not None:
                    _end_session(session, runtime, caller, caller.session_id)
                if record is not None:
                    record(session, caller, audit.LOGOUT, region=caller.region)
        identity.sign_out()
        return redirect(current_app.extensions["top100.login_url"])

    @bp.app_context_processor
    def _who() -> dict[str, object]:
        """The layout names the signed-in caller, links the sections their role opens on every
        service (`shared.sections`) and offers to sign out."""
        caller = identity.current_identity()
        return {"signed_in": caller, "header": pages.header(caller)}

    return bp


def _end_session(session: Session, runtime: Runtime, caller: identity.Identity, session_id: str) -> None:
    sessions.end(
        session,
        runtime.db.metadata.tables[sessions.ENDED_SESSIONS],
        user_id=caller.user_id,
        session_id=session_id,
        region=identity.event_region(caller.scope),
        producer=runtime.settings.service,
    )


def _answer_errors(app: Flask, error_page: ErrorPage | None, words: Mapping[str, i18n.Text]) -> None:
    """Errors of the API as problem+json in the caller's language; a page's errors as a page if the
    service renders one. An unexpected exception arrives here as a 500 (`InternalServerError`).
    A use case's refusal is answered here too, the one place: worded from `words` on the API, and on
    a page as the HTTP error of its status."""
    worded = partial(problems.text, words)

    def http_error(error: HTTPException) -> ResponseReturnValue:
        if error_page is not None and not request.path.startswith(API_PREFIX):
            page = error_page(error)
            if page is not None:
                return page
        return problems.from_http_error(error)

    def refused(error: refusals.Refused) -> ResponseReturnValue:
        if error_page is not None and not request.path.startswith(API_PREFIX):
            return http_error(default_exceptions[error.status]())
        params, extra = error.params, error.extra
        return problems.problem(
            error.status, error.code, params=params, errors=error.errors, words=worded, extra=extra
        )

    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(refusals.Refused, refused)
    app.register_error_handler(
        problems.Problem, lambda e: problems.problem(e.status, e.code, errors=e.errors, params=e.params)
    )


def base_app(import_name: str, settings: Settings, db: Database) -> Flask:
    """A Flask app with the parts all four services share: settings, correlation ids, health."""
    app = Flask(import_name)
    # A service's own templates first, then the layout every service's pages share.
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PackageLoader("shared", "templates")])
    i18n.install(app.jinja_env)
    pages.install(app.jinja_env)
    app.config.update(SECRET_KEY=settings.secret_key, JSON_AS_ASCII=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["top100.settings"] = settings
    app.extensions["top100.db"] = db
    bodies.install(app)

    @app.before_request
    def _correlation() -> None:
        incoming = request.headers.get(CORRELATION_HEADER, "").strip()[:200]
        g._correlation_token = logs.set_correlation_id(incoming or str(uuid.uuid4()))

    @app.after_request
    def _echo_correlation(response: Response) -> Response:
        cid = logs.current_correlation_id()
        if cid:
            response.headers[CORRELATION_HEADER] = cid
        return response

    @app.after_request
    def _vary_by_language(response: Response) -> Response:
        """An answer in a language (a page, a problem, names) may be chosen by Accept-Language:
        whatever says its Content-Language tells caches it varies by it (and by the cookie that
        remembers a picked language, which it also sets)."""
        if "Content-Language" in response.headers:
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")  # the remembered language (`shared.pages`)
        return pages.remember_language(response, settings.secure_cookies)

    @app.teardown_request
    def _reset(_exc: BaseException | None) -> None:
        token = g.pop("_correlation_token", None)
        if token is not None:
            logs.reset_correlation_id(token)

    instrument(app, settings.service)
    app.register_blueprint(health_blueprint(settings.service, db, settings.broker_url))
    return app
