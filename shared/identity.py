"""One identity for every service: signed credentials that each service verifies on its own.

Review owns the accounts; media and notify have pages and APIs for people too, and none of them asks
review who a caller is. A caller carries its identity (user id, role, scope, language, an expiry and
the user's *generation*) in a credential signed with the shared `TOP100_SECRET_KEY`:

- a page's **session**: Flask's own signed session cookie (itsdangerous), shared by the services on
  one host or one domain (cookie path `/`, one cookie name, one secret);
- a **personal API token** (`Authorization: Bearer ...`), an itsdangerous `URLSafeSerializer`
  string with its own salt, so a token is not a session and the other way round.

Revocation travels as events: review bumps a user's generation when their password, role or scope
changes or they are disabled, and writes `user.changed` / `user.disabled`; every service keeps the
newest generation per user (`identity_generations`, next to its outbox and inbox) and refuses a
credential of an older one. So a disabled user's cookie and token stop working everywhere as soon
as each service's worker has the event, and no service calls another to check a caller. A session
cookie also carries a random session id: a logout ends that one session everywhere the same way
(`shared.sessions`, `session.ended`), and a cookie without an id (the format before ids) is refused.

Access is decided in one place, before every view (`install`): a view is public only if it says so
(`public`), otherwise an anonymous caller is sent to the login page (pages) or gets 401 (API), and a
view that names roles (`roles`) answers 403 to every other role. A new route is therefore closed
until someone opens it. State-changing requests authenticated by the cookie need a CSRF token
(Flask-WTF), in the form or the `X-CSRF-Token` header; a valid Bearer token is not sent by a browser
on its own, so a request it authenticates needs none. Any other `Authorization` header (another
scheme, a forged or expired token) earns no exemption: with a cookie it is checked like a cookie.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, g, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFProtect
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden, Unauthorized

from shared import clock, sessions
from shared.envelope import Event
from shared.handling import Handler, HandlerContext
from shared.i18n import LANGUAGES

#: The roles of the programme, as the review contract names them.
ROLES: tuple[str, ...] = (
    "regional_member",
    "regional_chair",
    "national_member",
    "national_chair",
    "media",
    "admin",
)
#: Roles whose scope is one region; every other role's scope is `NATIONAL`.
REGIONAL_ROLES: frozenset[str] = frozenset({"regional_member", "regional_chair"})
CHAIR_ROLES: frozenset[str] = frozenset({"regional_chair", "national_chair"})
MEMBER_ROLES: frozenset[str] = frozenset(
    {"regional_member", "regional_chair", "national_member", "national_chair"}
)
#: The commissions and the administrators: who reads rankings, decisions and the dashboard.
COMMISSION_ROLES: frozenset[str] = MEMBER_ROLES | {"admin"}
#: Who reads the audit log and the delivery log: the chairs and the administrators.
AUDITOR_ROLES: frozenset[str] = CHAIR_ROLES | {"admin"}
#: The media team's pages (photos, kits, publications): the team and the administrators.
MEDIA_TEAM_ROLES: frozenset[str] = frozenset({"media", "admin"})
NATIONAL = "national"
#: The region of `user.*` events of national users: a routing key needs one, and the working group
#: sits in the capital. Every service keeps one generation table, so any region's queue will do.
NATIONAL_EVENT_REGION = "astana"

#: How long a page's session lasts after login (a working day and an evening).
SESSION_LIFETIME = sessions.LIFETIME
#: How long a personal API token lasts unless `top100 users token --days` says otherwise.
TOKEN_LIFETIME = timedelta(days=180)

SESSION_COOKIE = "top100_session"
SESSION_KEY = "identity"
TOKEN_SALT = "top100.api-token"
#: The table every service keeps of the newest generation it has heard of, per user.
GENERATIONS = "identity_generations"
#: Methods that change state: the ones that need a CSRF token when the cookie authenticates them.
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_ACCESS = "__top100_access__"
_PUBLIC = "public"
F = TypeVar("F", bound=Callable[..., Any])

csrf = CSRFProtect()


@dataclass(frozen=True)
class Identity:
    """Who is calling: what every service may know of a user without asking review."""

    user_id: str
    email: str
    name: str
    role: str
    scope: str
    language: str
    generation: int
    expires_at: datetime
    #: The college a member is attached to (its candidates are never theirs to score), or None.
    college: str | None = None
    #: "session" (a page's cookie) or "token" (a personal API token).
    via: str = "session"
    #: A session's random id (what a logout ends); None for a token and before `sign_in`.
    session_id: str | None = None

    @property
    def national(self) -> bool:
        return self.scope == NATIONAL

    @property
    def region(self) -> str | None:
        """The one region a regional member or chair works in; None for the national roles."""
        return self.scope if self.role in REGIONAL_ROLES else None

    def sees(self, region: str) -> bool:
        """Whether this caller may look at `region` at all (a regional role: only its own)."""
        return self.region is None or self.region == region

    @property
    def chair(self) -> bool:
        return self.role in CHAIR_ROLES

    @property
    def member(self) -> bool:
        """May score (chairs are members too)."""
        return self.role in MEMBER_ROLES

    def claims(self) -> dict[str, Any]:
        """The signed part of a credential: short keys, no personal data beyond name and email."""
        session_id = {"i": self.session_id} if self.session_id else {}
        return {
            **session_id,
            "u": self.user_id,
            "e": self.email,
            "n": self.name,
            "r": self.role,
            "s": self.scope,
            "l": self.language,
            "g": self.generation,
            "x": int(self.expires_at.timestamp()),
            "c": self.college,
        }

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any], via: str) -> Identity | None:
        """The identity in signed claims, or None if they are not of this shape (an older format;
        a session without its id, which no logout could end, is refused too)."""
        session_id = claims.get("i")
        if via == "session" and not (isinstance(session_id, str) and 16 <= len(session_id) <= 64):
            return None
        try:
            identity = cls(
                user_id=str(claims["u"]),
                email=str(claims["e"]),
                name=str(claims["n"]),
                role=str(claims["r"]),
                scope=str(claims["s"]),
                language=str(claims["l"]),
                generation=int(claims["g"]),
                expires_at=datetime.fromtimestamp(int(claims["x"]), UTC),
                college=claims.get("c"),
                via=via,
                session_id=session_id if via == "session" else None,
            )
        except (KeyError, TypeError, ValueError):
            return None
        if identity.role not in ROLES or identity.language not in LANGUAGES:
            return None
        return identity


def event_region(scope: str) -> str:
    """The region of an event about a user of `scope` (`user.*`, `session.ended`)."""
    return NATIONAL_EVENT_REGION if scope == NATIONAL else scope


def scope_valid(role: str, scope: str, region_codes: Iterable[str]) -> bool:
    """A regional role has one region as its scope; every other role is national."""
    if role in REGIONAL_ROLES:
        return scope in set(region_codes)
    return scope == NATIONAL


# --- The generation table and the events that move it -------------------------------------------


def generations_table(metadata: MetaData) -> Table:
    """Declare `identity_generations` in a service's metadata (`shared.models.service_base`)."""
    return Table(
        GENERATIONS,
        metadata,
        Column("user_id", String(64), primary_key=True),
        Column("generation", Integer, nullable=False),
        Column("disabled", Boolean, nullable=False, default=False),
    )


def record_generation(session: Session, table: Table, user_id: str, generation: int, disabled: bool) -> None:
    """Remember that `user_id` is now at `generation` (and whether disabled); an older generation
    arriving late (the bus reorders) changes nothing."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(user_id=user_id, generation=generation, disabled=disabled)
    statement = statement.on_conflict_do_update(
        index_elements=["user_id"],
        set_={"generation": statement.excluded.generation, "disabled": statement.excluded.disabled},
        where=table.c.generation <= statement.excluded.generation,
    )
    session.execute(statement)


def still_valid(session: Session, table: Table, identity: Identity) -> bool:
    """Whether no newer generation (nor a disabling) of the user is known here."""
    row = session.execute(
        select(table.c.generation, table.c.disabled).where(table.c.user_id == identity.user_id)
    ).first()
    if row is None:
        return True
    return not row.disabled and identity.generation >= row.generation


# --- Credentials ---------------------------------------------------------------------------------


def issue_token(secret_key: str, identity: Identity) -> str:
    """A personal API token for `identity` (its expiry and generation inside, signed)."""
    return URLSafeSerializer(secret_key, salt=TOKEN_SALT).dumps(
        {**identity.claims(), "j": secrets.token_hex(8)}
    )


def read_token(secret_key: str, token: str) -> Identity | None:
    """The identity a token carries if its signature holds and it has not expired; else None."""
    try:
        claims = URLSafeSerializer(secret_key, salt=TOKEN_SALT).loads(token)
    except BadSignature:
        return None
    identity = Identity.from_claims(claims, via="token") if isinstance(claims, dict) else None
    return identity if identity is not None and identity.expires_at > clock.utcnow() else None


def sign_in(identity: Identity) -> Identity:
    """Put `identity` in the page's session (a fresh session with a new random id: nothing of an
    earlier one is kept); the identity as signed in."""
    signed = replace(identity, via="session", session_id=secrets.token_urlsafe(24))
    session.clear()
    session[SESSION_KEY] = signed.claims()
    session.permanent = True
    return signed


def sign_out() -> None:
    session.clear()


def session_identity() -> Identity | None:
    claims = session.get(SESSION_KEY)
    if not isinstance(claims, dict):
        return None
    identity = Identity.from_claims(claims, via="session")
    return identity if identity is not None and identity.expires_at > clock.utcnow() else None


def current_identity() -> Identity | None:
    """The caller of the current request, verified, or None for an anonymous one."""
    return g.get("identity")


def caller() -> Identity:
    """The caller of a view that is not public (`install` has already refused anonymous ones)."""
    identity = current_identity()
    if identity is None:
        raise Unauthorized()
    return identity


# --- Access rules on views -----------------------------------------------------------------------


def public(view: F) -> F:
    """Open `view` to anonymous callers (health, login, a portal API with its own keys, webhooks)."""
    setattr(view, _ACCESS, _PUBLIC)
    return view


def roles(*allowed: str) -> Callable[[F], F]:
    """Open a view to signed-in callers of these roles only; others get 403."""
    unknown = set(allowed) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def mark(view: F) -> F:
        setattr(view, _ACCESS, frozenset(allowed))
        return view

    return mark


def public_blueprint(blueprint: Blueprint) -> Blueprint:
    """Open every view of `blueprint` to anonymous callers (see `public`)."""
    blueprint.top100_public = True  # type: ignore[attr-defined]
    return blueprint


def access_of(app: Flask, endpoint: str | None) -> str | frozenset[str] | None:
    """What a view allows: `"public"`, a set of roles, or None (any signed-in caller)."""
    if endpoint is None or endpoint not in app.view_functions:
        return _PUBLIC  # a 404 or 405 of the router: nothing to protect
    if endpoint == "static" or endpoint.endswith(".static"):
        return _PUBLIC
    blueprint_name = endpoint.rpartition(".")[0]
    blueprint = app.blueprints.get(blueprint_name)
    if blueprint is not None and getattr(blueprint, "top100_public", False):
        return _PUBLIC
    view = app.view_functions[endpoint]
    # flask-smorest's MethodView classes carry the mark on the method that answers.
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        method = getattr(view_class, request.method.lower(), None) if request else None
        if method is not None and hasattr(method, _ACCESS):
            return getattr(method, _ACCESS)
        if hasattr(view_class, _ACCESS):
            return getattr(view_class, _ACCESS)
    return getattr(view, _ACCESS, None)


# --- Wiring into a service's app -----------------------------------------------------------------


def install(
    app: Flask,
    *,
    is_valid: Callable[[Identity], bool],
    login_url: str,
    secure_cookies: bool,
    open_by_default: bool = False,
    trusted_origins: Iterable[str] = (),
    cookies: bool = True,
) -> None:
    """Make `app` verify callers, refuse anonymous ones where a view is not public, and check CSRF.

    `is_valid` asks the service's own generation and ended-session tables; `login_url` is review's
    login page; `cookies=False` for an app that takes no session cookie at all (intake: nothing a
    cross-site request could ride on, so no CSRF check either);
    `open_by_default` makes a view that says nothing public (an app no person signs in to);
    `trusted_origins` are the other services' addresses, where a form may lead (the CSP's
    `form-action` also governs the redirect after a form: signing out at media lands on review's login
    page, signing in at review goes back to media's page; on one domain they are all 'self'); and
    images may come from them too (review's candidate page shows the photo media serves).
    """
    _configure_sessions(app, secure_cookies, login_url)

    @app.before_request
    def _authenticate() -> ResponseReturnValue | None:
        g.identity = _verified(app.config["SECRET_KEY"], is_valid, cookies)
        if cookies and request.method in UNSAFE_METHODS and _needs_csrf(g.identity):
            csrf.protect()
        access = access_of(app, request.endpoint)
        if access is None and open_by_default:
            access = _PUBLIC
        if access == _PUBLIC:
            return None
        if g.identity is None:
            if _wants_page():
                return redirect(login_redirect(login_url, request.url))
            raise Unauthorized()
        if isinstance(access, frozenset) and g.identity.role not in access:
            raise Forbidden()
        return None

    app.after_request(_security_headers(" ".join(["'self'", *sorted(set(trusted_origins))])))


def _configure_sessions(app: Flask, secure_cookies: bool, login_url: str) -> None:
    """The session cookie, CSRF protection (checked only where the cookie authenticates a request),
    and where to sign in."""
    app.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure_cookies,
        SESSION_COOKIE_PATH="/",
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        # Checked by `install`, only where the cookie authenticates the request.
        WTF_CSRF_CHECK_DEFAULT=False,
        # A token lives as long as the session; a form left open over lunch still posts.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_HEADERS=["X-CSRF-Token", "X-CSRFToken"],
    )
    csrf.init_app(app)
    app.extensions["top100.login_url"] = login_url


def _security_headers(own_origins: str) -> Callable[[Any], Any]:
    """No framing, no sniffing, no inline script: what a page with personal data needs. `own_origins`
    are this site and the other services', where forms may lead and images come from."""

    def add_headers(response: Any) -> Any:
        headers = response.headers
        headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; img-src {own_origins} data: blob: https:; style-src 'self'; "
            "script-src 'self'; "
            f"object-src 'none'; base-uri 'self'; form-action {own_origins}; frame-ancestors 'none'",
        )
        if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
            # A route that lets itself be framed says so in its own CSP (review's gallery widget).
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if g.get("identity") is not None:
            # Pages with personal data are nobody's to cache, and a login changes every page.
            headers.setdefault("Cache-Control", "private, no-store")
            response.vary.add("Cookie")
        return response

    return add_headers


def _verified(secret_key: str, is_valid: Callable[[Identity], bool], cookies: bool) -> Identity | None:
    """A Bearer header is the only credential looked at when sent (a bad one: anonymous, not the
    cookie's person); otherwise the session cookie, where the app takes cookies."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    identity: Identity | None
    if scheme.lower() == "bearer" and token.strip():
        identity = read_token(secret_key, token.strip())
    elif cookies:
        identity = session_identity()
    else:
        identity = None
    if identity is not None and not is_valid(identity):
        if identity.via == "session":
            session.clear()
        return None
    return identity


def _needs_csrf(identity: Identity | None) -> bool:
    """A browser request: the session cookie is sent, or it is a form (login has no session yet).
    Only a request a valid token authenticated is not one, whatever else its headers say."""
    if identity is not None and identity.via == "token":
        return False
    return SESSION_COOKIE in request.cookies or not request.path.startswith("/api/")


def _wants_page() -> bool:
    return not request.path.startswith("/api/")


def login_redirect(login_url: str, back_to: str) -> str:
    """The login page's address, with where to come back after it."""
    separator = "&" if "?" in login_url else "?"
    return f"{login_url}{separator}{urlencode({'next': back_to})}"


def safe_next(target: str | None, allowed_origins: Iterable[str], default: str) -> str:
    """Where to go after login: a path on this site or an address of one of the services; never an
    address an attacker chose (an open redirect would make the login page a phishing tool)."""
    if not target:
        return default
    parts = urlsplit(target)
    if not parts.scheme and not parts.netloc:
        return target if target.startswith("/") and not target.startswith("//") else default
    origin = f"{parts.scheme}://{parts.netloc}"
    return target if origin in set(allowed_origins) else default


# --- Event handlers every service registers ------------------------------------------------------


def _user_changed(ctx: HandlerContext, event: Event) -> None:
    table = ctx.runtime.db.metadata.tables[GENERATIONS]
    record_generation(ctx.session, table, event.payload["user_id"], event.payload["generation"], False)


def _user_disabled(ctx: HandlerContext, event: Event) -> None:
    table = ctx.runtime.db.metadata.tables[GENERATIONS]
    record_generation(ctx.session, table, event.payload["user_id"], event.payload["generation"], True)


#: `user.*` handlers: what an app without cookies (intake) needs.
USER_HANDLERS: dict[str, Handler] = {"user.changed": _user_changed, "user.disabled": _user_disabled}
#: `user.*` and `session.ended` handlers, merged into each service's `handlers.HANDLERS`.
HANDLERS: dict[str, Handler] = {**USER_HANDLERS, "session.ended": sessions.session_ended}
#: What a service that only revokes credentials leaves alone in those events.
IGNORED_FIELDS: dict[str, frozenset[str]] = {
    "user.changed": frozenset(
        {"email", "name", "role", "scope", "language", "college", "last_name", "first_name", "patronymic"}
    ),
}
