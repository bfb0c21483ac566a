"""`/healthz`, `/readyz` and `/metrics`, the same for every service."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from functools import partial

from flask import Blueprint, Flask, Response, g, jsonify, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from shared import broker, identity
from shared.db import Database

REQUESTS = Counter("http_requests_total", "HTTP requests", ["service", "method", "endpoint", "status"])
LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["service", "endpoint"])
#: `/readyz` answers from its last check for this long: anyone may call it, and every check opens a
#: broker connection, so a burst of calls must not become a burst of connections.
READY_CACHE_SECONDS = 2.0


def broker_reachable(url: str) -> None:
    """Raise unless the broker can be used: RabbitMQ accepts a connection; the embedded broker's
    folders exist and are writable (kombu's filesystem transport "connects" to anything)."""
    if url.startswith(broker.FILESYSTEM_SCHEME):
        data = broker.filesystem_root(url) / "data"
        if not (data.is_dir() and os.access(data, os.W_OK)):
            raise ConnectionError(f"the embedded broker folder {data} is missing or not writable")
        return
    with broker.connection(url) as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


def _probe(probe: Callable[[], None]) -> str:
    try:
        probe()
    except Exception as exc:  # a readiness probe reports every failure, whatever its kind
        return f"unreachable: {type(exc).__name__}"
    return "ok"


class _Readiness:
    """The last readiness check, answered again for `READY_CACHE_SECONDS`."""

    def __init__(self, db: Database, broker_url: str) -> None:
        self.probes = (("database", db.ping), ("broker", partial(broker_reachable, broker_url)))
        self._lock = threading.Lock()  # one check at a time; callers meanwhile wait for its answer
        self._until = 0.0
        self._checks: dict[str, str] = {}

    def checks(self) -> dict[str, str]:
        with self._lock:
            if time.monotonic() >= self._until:
                self._checks = {name: _probe(probe) for name, probe in self.probes}
                self._until = time.monotonic() + READY_CACHE_SECONDS
            return self._checks


def _registry() -> CollectorRegistry:
    """This process's metrics; under gunicorn every worker's, added up from their shared folder."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def health_blueprint(service: str, db: Database, broker_url: str) -> Blueprint:
    bp = identity.public_blueprint(Blueprint("health", __name__))

    @bp.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok", service=service)

    readiness = _Readiness(db, broker_url)

    @bp.get("/readyz")
    def readyz() -> tuple[Response, int]:
        checks = readiness.checks()
        ready = all(value == "ok" for value in checks.values())
        return jsonify(status="ok" if ready else "unavailable", service=service, checks=checks), (
            200 if ready else 503
        )

    @bp.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)

    return bp


def instrument(app: Flask, service: str) -> None:
    """Count and time every request for `/metrics`."""

    @app.before_request
    def _start() -> None:
        g._started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(service, request.method, endpoint, response.status_code).inc()
        LATENCY.labels(service, endpoint).observe(
            time.perf_counter() - getattr(g, "_started", time.perf_counter())
        )
        return response
