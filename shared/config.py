"""Configuration from environment variables (12-factor).

Only the environment picks between the embedded default (SQLite, kombu's filesystem broker, a local
blob folder, mail as files) and production (PostgreSQL, RabbitMQ, S3, SMTP). Nothing else in the
code base asks which column it runs in.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

SERVICES: tuple[str, ...] = ("intake", "review", "media", "notify")
DEFAULT_PORTS: dict[str, int] = {
    "intake": 8001,
    "review": 8002,
    "media": 8003,
    "notify": 8004,
    # Review's public process group (the vote and the gallery): its own gunicorn, its own scaling.
    "review-public": 8005,
}
#: Seconds before each retry of a failed handler (then it is parked): from a second to an hour, so
#: an outage of a provider of up to about two hours is retried through rather than parked.
DEFAULT_RETRY_DELAYS: tuple[int, ...] = (1, 5, 30, 120, 600, 1800, 3600)


def data_dir() -> Path:
    """The folder of every embedded store; always absolute so that all processes agree on it."""
    return Path(os.environ.get("TOP100_DATA_DIR", "./var")).expanduser().resolve()


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def embedded_database(service: str) -> Path:
    """The SQLite file of `service` in the embedded mode (unless `<SERVICE>_DATABASE_URL` is set)."""
    return data_dir() / f"{service}.sqlite3"


def fixed_now() -> str:
    """`TOP100_NOW`, the fixed clock of every process ("" for the real one); read on every call, so a
    test or a drill that sets it takes effect at once (`shared.clock` parses it)."""
    return _env("TOP100_NOW", "")


def fault() -> str:
    """`TOP100_FAULT`: a fault a test injects into this process ("" in normal operation)."""
    return _env("TOP100_FAULT", "")


def configured(service: str) -> bool:
    """Whether `<SERVICE>_DATABASE_URL` names a database, rather than the embedded default."""
    return bool(_env(f"{service.upper()}_DATABASE_URL", ""))


#: The sender of notify's email unless `NOTIFY_MAIL_FROM` names another.
DEFAULT_MAIL_FROM = "TOP 100 <noreply@top100.kz>"


@dataclass(frozen=True)
class NotifySettings:
    """Notify's providers: empty URLs mean the embedded ones (mail as files, SMS as a log)."""

    smtp_url: str = ""
    sms_url: str = ""
    sms_token: str | None = None
    mail_from: str = DEFAULT_MAIL_FROM
    #: `NOTIFY_SMS_PROVIDERS`: a JSON list of HTTP gateways (name, url, token, sender, priority,
    #: receipt_secret); when empty, `NOTIFY_SMS_URL` alone is one provider, as before.
    sms_providers: str = ""
    #: Days a message's subject and body are kept; the log of who, when and what stays.
    retention_days: int = 90
    #: Where notify's pages are seen from outside (the unsubscribe links of optional emails).
    public_url: str = "http://127.0.0.1:8004"
    #: `NOTIFY_SMTP_CONNECTIONS`: SMTP connections kept open per process, and so the emails handed
    #: over at once (the sweep sends a burst in parallel up to this; see `providers.mail`).
    smtp_connections: int = 4
    #: `NOTIFY_EVENT_LANES`: how many of one event's messages (a receipt: the student's email and
    #: SMS, the coordinator's email) are handed over at once on PostgreSQL; 1 sends them one after
    #: the other. Each is still its own unit of work (see `services.notify.operations.sending`).
    event_lanes: int = 3


@dataclass(frozen=True)
class Settings:
    """Everything one service process needs to know about its surroundings."""

    service: str
    data_dir: Path
    database_url: str
    broker_url: str
    blob_url: str
    port: int
    secret_key: str
    retry_delays: tuple[int, ...]
    relay_batch: int
    #: An S3-compatible server other than AWS (MinIO and the like) for `s3://` blob URLs.
    s3_endpoint_url: str | None = None
    #: The address of that server as browsers reach it, for presigned download links.
    s3_public_url: str | None = None
    notify: NotifySettings = field(default_factory=NotifySettings)
    #: Seconds a handler may run: its PostgreSQL statements are cancelled after it, and a handler
    #: still running a few seconds later makes the worker exit (see `shared.worker`).
    handler_timeout: float = 120.0
    #: Review's login page, where every service sends an anonymous visitor of its pages.
    login_url: str = "http://127.0.0.1:8002/login"
    #: Where a page may send a visitor back to after login (the services' own addresses).
    public_origins: tuple[str, ...] = ()
    #: Whether the session cookie is `Secure` (HTTPS only): everywhere but the embedded mode.
    secure_cookies: bool = True
    #: Media's address as people reach it: review's pages link a photo to media's assets there.
    media_url: str = "http://127.0.0.1:8003"
    #: Where people reach the pages of review, media and notify (`page_urls()`): the shared header's
    #: sections link there, whichever service draws the page.
    page_urls: dict[str, str] = field(default_factory=lambda: page_urls())
    #: This service's address as other services and browsers reach it (signed download links to its
    #: own blobs: intake's photos for media, media's derivatives for the media team).
    public_url: str = ""
    #: `REDIS_URL`: counters and caches that are never the truth (the public vote's send limits per
    #: address and browser, its display counts); "" (the embedded mode) keeps them in the database.
    redis_url: str = ""


def bus_regions() -> tuple[str, ...]:
    """The regions whose queues this system's broker carries (`TOP100_BUS_REGIONS`, default all).

    Every work queue is a quorum queue per service and region: about a hundred for the whole country.
    An installation (or a test system) that serves a few regions declares only theirs, and its
    workers consume only theirs by default; a broker holds no queues nobody will read. The national
    events (the working group's, the audit of national readers) travel in the capital's queues
    (`identity.NATIONAL_EVENT_REGION`), so that region is always carried.
    """
    from shared.identity import NATIONAL_EVENT_REGION
    from shared.regions import parse_region_list

    chosen = parse_region_list(_env("TOP100_BUS_REGIONS", "all"))
    return chosen if NATIONAL_EVENT_REGION in chosen else (*chosen, NATIONAL_EVENT_REGION)


def broker_url() -> str:
    """The broker of every service; one system shares one broker."""
    default = f"filesystem://{data_dir() / 'broker'}"
    return _env("BROKER_URL", default)


def load(service: str) -> Settings:
    """Read the settings of `service` from the environment, with the embedded defaults."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; expected one of {', '.join(SERVICES)}")
    root = data_dir()
    upper = service.upper()
    delays = _env("TOP100_RETRY_DELAYS", ",".join(map(str, DEFAULT_RETRY_DELAYS)))
    return Settings(
        service=service,
        data_dir=root,
        database_url=_env(f"{upper}_DATABASE_URL", f"sqlite:///{embedded_database(service)}"),
        broker_url=broker_url(),
        blob_url=_env(f"{upper}_BLOB_URL", f"file://{root / 'blobs' / service}"),
        port=int(_env(f"{upper}_PORT", str(DEFAULT_PORTS[service]))),
        secret_key=secret_key(),
        retry_delays=tuple(int(part) for part in delays.split(",") if part.strip()),
        relay_batch=int(_env("TOP100_RELAY_BATCH", "500")),
        s3_endpoint_url=_env("S3_ENDPOINT_URL", "") or None,
        s3_public_url=_env("S3_PUBLIC_ENDPOINT_URL", "") or None,
        notify=_notify() if service == "notify" else NotifySettings(),
        handler_timeout=float(_env("TOP100_HANDLER_TIMEOUT", "120")),
        login_url=_env("TOP100_LOGIN_URL", f"http://127.0.0.1:{_port('review')}/login"),
        media_url=page_urls()["media"],
        page_urls=page_urls(),
        public_origins=public_origins(),
        secure_cookies=_flag("TOP100_SECURE_COOKIES", default=not broker_url().startswith("filesystem://")),
        public_url=_env(f"{upper}_PUBLIC_URL", f"http://127.0.0.1:{_port(service)}").rstrip("/"),
        redis_url=_env("REDIS_URL", ""),
    )


#: The process groups that serve another entry point of a service, and the service they are.
PROCESS_GROUPS: dict[str, str] = {"review-public": "review"}


def web_port(name: str) -> int:
    """The port of a service's web process group, or of another group of it (`review-public`:
    `REVIEW_PUBLIC_PORT`, else 8005)."""
    if name in PROCESS_GROUPS:
        return int(_env(name.upper().replace("-", "_") + "_PORT", str(DEFAULT_PORTS[name])))
    return load(name).port


def _port(service: str) -> str:
    return _env(f"{service.upper()}_PORT", str(DEFAULT_PORTS[service]))


def _flag(name: str, *, default: bool) -> bool:
    value = _env(name, "").lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be 1 or 0, not {value!r}")


#: The services people sign in to and read pages of (intake has none: portals call its API).
PAGE_SERVICES: tuple[str, ...] = ("review", "media", "notify")


def page_urls() -> dict[str, str]:
    """`TOP100_REVIEW_URL`, `TOP100_MEDIA_URL`, `TOP100_NOTIFY_URL`: each service's pages as people
    reach them (`/media` behind one domain's proxy), else `http://127.0.0.1:<SERVICE>_PORT`."""
    return {
        service: _env(f"TOP100_{service.upper()}_URL", f"http://127.0.0.1:{_port(service)}").rstrip("/")
        for service in PAGE_SERVICES
    }


def public_origins() -> tuple[str, ...]:
    """`TOP100_PUBLIC_ORIGINS` (comma-separated), else each service on 127.0.0.1 and localhost."""
    listed = _env("TOP100_PUBLIC_ORIGINS", "")
    if listed:
        return tuple(part.strip().rstrip("/") for part in listed.split(",") if part.strip())
    return tuple(
        f"http://{host}:{_port(service)}" for service in SERVICES for host in ("127.0.0.1", "localhost")
    )


#: The file under the data dir that keeps the embedded mode's generated secret.
SECRET_FILE = "secret_key"


def secret_key() -> str:
    """`TOP100_SECRET_KEY`, shared by every service (they verify each other's credentials).

    Without it (the embedded mode) a random key is made once and kept under the data dir, so every
    process of this machine signs with the same one and a restart keeps everyone signed in; no
    fixed demo value that anyone could sign a session with.
    """
    configured_key = _env("TOP100_SECRET_KEY", "")
    if configured_key:
        return configured_key
    path = data_dir() / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = secrets.token_urlsafe(48)
    try:
        # O_EXCL: of several processes starting at once, one writes and the others read its key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(candidate)
    return candidate


def vote_secret() -> str:
    """`TOP100_VOTE_SECRET`: the key of the public vote's HMACs (voters' phones, one-time codes).

    Without it, a key derived from `secret_key()` under its own label, so the phones' hashes do not
    share a key with the sessions' signatures. Set it apart in production, and never change it
    during a contest: a voter's hash is what makes their vote one (a new key makes them new voters).
    """
    configured_key = _env("TOP100_VOTE_SECRET", "")
    if configured_key:
        return configured_key
    return hmac.new(secret_key().encode(), b"top100 public vote", hashlib.sha256).hexdigest()


def _read_secret(path: Path) -> str:
    """The key another process wrote; it may be a moment between creating the file and writing it."""
    for _ in range(100):
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty: delete it, or set TOP100_SECRET_KEY")


def _notify() -> NotifySettings:
    return NotifySettings(
        smtp_url=_env("NOTIFY_SMTP_URL", ""),
        sms_url=_env("NOTIFY_SMS_URL", ""),
        sms_token=_env("NOTIFY_SMS_TOKEN", "") or None,
        mail_from=_env("NOTIFY_MAIL_FROM", DEFAULT_MAIL_FROM),
        sms_providers=_env("NOTIFY_SMS_PROVIDERS", ""),
        retention_days=int(_env("NOTIFY_RETENTION_DAYS", "90")),
        public_url=_env("NOTIFY_PUBLIC_URL", f"http://127.0.0.1:{_port('notify')}"),
        smtp_connections=max(1, int(_env("NOTIFY_SMTP_CONNECTIONS", "4"))),
        event_lanes=max(1, int(_env("NOTIFY_EVENT_LANES", "3"))),
    )


#: How a process can log: `console` (readable lines for a person at a terminal) or `json`.
LOG_FORMATS: tuple[str, ...] = ("console", "json")


@dataclass(frozen=True)
class LogSettings:
    """How every process logs: read before any one service's settings (gunicorn's config, `top100 run`).

    None means "not set": `shared.logs` then picks the console on a terminal, JSON elsewhere, and the
    level that suits the format.
    """

    level: str | None
    format: str | None


def log_settings() -> LogSettings:
    """`TOP100_LOG_LEVEL` (DEBUG, INFO, WARNING, ERROR) and `TOP100_LOG_FORMAT` (console, json)."""
    level = _env("TOP100_LOG_LEVEL", "").upper() or None
    log_format = _env("TOP100_LOG_FORMAT", "").lower() or None
    if log_format is not None and log_format not in LOG_FORMATS:
        raise ValueError(f"TOP100_LOG_FORMAT={log_format!r}; expected one of {', '.join(LOG_FORMATS)}")
    return LogSettings(level=level, format=log_format)
