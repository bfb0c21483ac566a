"""`/healthz`, `/readyz` and `/metrics`, the same for every service."""

from __future__ import annotations

import os
import time

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

from shared import broker
from shared.db import Database

REQUESTS = Counter("http_requests_total", "HTTP requests", ["service", "method", "endpoint", "status"])
LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["service", "endpoint"])


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


def _registry() -> CollectorRegistry:
    """This process's metrics; under gunicorn every worker's, added up from their shared folder."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def health_blueprint(service: str, db: Database, broker_url: str) -> Blueprint:
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok", service=service)

    @bp.get("/readyz")
    def readyz() -> tuple[Response, int]:
        checks: dict[str, str] = {}
        for name, probe in (("database", db.ping), ("broker", lambda: broker_reachable(broker_url))):
            try:
                probe()
                checks[name] = "ok"
            except Exception as exc:  # a readiness probe reports every failure, whatever its kind
                checks[name] = f"unreachable: {type(exc).__name__}"
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
