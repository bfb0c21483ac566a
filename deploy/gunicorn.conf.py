"""Gunicorn settings for every service.

`gunicorn -c deploy/gunicorn.conf.py 'services.<svc>.app:create_app()'`, with everything from the
environment, so the same file serves `top100 run`, docker compose and Kubernetes:

- `TOP100_SERVICE` names the service (logs, process name, default port), or another process group
  of one (`review-public`: review's public vote and gallery, port 8005);
- `TOP100_BIND` (e.g. `0.0.0.0:8000` in a container), else `127.0.0.1:<SERVICE>_PORT`;
- `TOP100_WEB_WORKERS` (default 2), `TOP100_WEB_THREADS` (default 4 per worker),
  `TOP100_WEB_TIMEOUT` (default 30 s);
- `TOP100_PROXY_HOPS` (default 0): how many reverse proxies stand in front (1 behind nginx in docker
  compose and behind the Ingress in Kubernetes); their X-Forwarded-For/-Proto/-Host/-Prefix headers
  are then applied, so a service under `/intake/` makes its links and redirects with that prefix.
Logs, the access log included, go to stderr as every other process of the system writes them
(`shared.logs`: readable lines on a terminal, else JSON; `TOP100_LOG_LEVEL` applies to the access log
too, which gunicorn writes at INFO).
`/metrics` adds up every worker's counts (prometheus_client's multiprocess mode, in
`PROMETHEUS_MULTIPROC_DIR`, else a fresh temporary folder). Freed memory stays in each worker for
the next request (`shared.memory`).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from shared import config as top100_config
from shared import logs as top100_logs
from shared.memory import retain_freed_memory

# Set before the app imports prometheus_client (nothing above does), which reads it on import: each
# worker is a process with counters of its own, and without a shared folder a scrape saw one worker's.
_OWN_METRICS_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="top100-metrics-")

service = os.environ.get("TOP100_SERVICE", "").strip() or "web"

# A request's megabyte buffers would otherwise often be fresh, page-faulted memory (shared/memory.py);
# set in the master, so every worker forked from it has it.
retain_freed_memory()

bind = [os.environ.get("TOP100_BIND", "").strip() or f"127.0.0.1:{top100_config.web_port(service)}"]
workers = int(os.environ.get("TOP100_WEB_WORKERS", "2"))
# Threaded workers (gthread), deliberately, behind the buffering proxy (nginx in compose, the Ingress
# in Kubernetes), which hands a worker only whole requests and takes whole responses: slow clients
# are the proxy's problem, not the workers'. The threads are for what a request waits on: storing a
# nomination's photo (an fsync on disk, a PUT to S3) and PostgreSQL's commit. bench/intake.py, three
# runs each on this 2-core machine: with a 1 MB photo 27-35 nominations/s on gthread (4 threads)
# against 9-20/s on sync workers; without a photo 29-34/s against 16-46/s (noise), at the same CPU
# per request (13-18 ms), which is Python's and shared under one GIL, so more threads add nothing.
# The price: a request stuck past `timeout` no longer gets its worker killed (the worker's main loop
# keeps beating), so what a request waits on must have its own timeouts; and each thread's malloc
# arena keeps freed memory (shared.memory), so watch the web pods' memory before raising the threads.
worker_class = "gthread"
threads = int(os.environ.get("TOP100_WEB_THREADS", "4"))
timeout = int(os.environ.get("TOP100_WEB_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Uploads are parsed by Flask; gunicorn's own limits stay at their defaults.
max_requests = 2000
max_requests_jitter = 200
# The app is built once in the master and the workers fork from it: a worker replaced after
# max_requests starts in milliseconds instead of rebuilding the app (about a second of CPU, during
# which the other worker served alone: at 100 submissions a second that was the slowest 1% of them),
# and the language detector's models are shared between workers rather than loaded by each.
preload_app = True
proc_name = f"top100-{service}"
accesslog = "-"
errorlog = "-"
capture_output = False
# Gunicorn's control socket defaults to one path per user: four services on one machine would fight
# over it, and nothing of ours uses it.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("TOP100_FORWARDED_ALLOW_IPS", "127.0.0.1")

#: The request atoms gunicorn hands the access logger, as JSON fields.
_ACCESS_FIELDS = {
    "h": "remote",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "D": "duration_us",
    "a": "user_agent",
    "{x-correlation-id}o": "correlation_id",
}
#: The access line on the console (JSON lines take the atoms above instead).
access_log_format = "%(m)s %(U)s %(s)s %(B)s bytes %(M)s ms"


class AccessJsonFormatter(top100_logs.JsonLinesFormatter):
    """One JSON object per request, from the atoms gunicorn passes as the record's arguments."""

    def add_fields(self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_record, record, message_dict)
        atoms = record.args if isinstance(record.args, dict) else {}
        for atom, name in _ACCESS_FIELDS.items():
            value = atoms.get(atom)
            if value not in (None, "-", ""):
                log_record[name] = value
        log_record.pop("message", None)


_process = f"{service}-web"
_level = top100_logs.log_level()
_console = top100_logs.log_format() == "console"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "error": {"()": top100_logs.formatter, "process": _process, "service": service},
        "access": (
            {"()": top100_logs.ConsoleFormatter, "process": _process}
            if _console
            else {"()": AccessJsonFormatter, "process": _process, "service": service}
        ),
    },
    "handlers": {
        "error": {"class": "logging.StreamHandler", "formatter": "error", "stream": "ext://sys.stderr"},
        "access": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": _level, "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": _level, "propagate": False},
    },
    "root": {"handlers": [], "level": _level},
}


def on_starting(_server: Any) -> None:
    """Counts left by an earlier run in a given metrics folder would be added to this run's."""
    for stale in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"):
        stale.unlink()


def child_exit(_server: Any, worker: Any) -> None:
    """A replaced worker's counters stay counted; only its live gauges (none yet) are dropped."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(_server: Any) -> None:
    if _OWN_METRICS_DIR:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def post_worker_init(worker: Any) -> None:
    """Trust the forwarding headers of as many proxies as stand in front, and no more.

    Done here rather than in the apps because it is a fact of the deployment: without a proxy, a
    client could otherwise choose its own address (the login throttle's key) and prefix.
    """
    hops = int(os.environ.get("TOP100_PROXY_HOPS", "0"))
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        worker.wsgi = ProxyFix(worker.wsgi, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)


def post_fork(_server: Any, worker: Any) -> None:
    """Each worker's own database connections, and the application's logs in it.

    The app was built in the master (`preload_app`): a database connection it had opened would now be
    shared by every worker, so the pool is emptied without closing what the master holds (as
    SQLAlchemy's guide to os.fork() says). Logging is configured per worker rather than once in the
    master: a HUP re-applies `logconfig_dict` in the master (emptying the root logger), and the
    workers forked after it must log all the same.
    """
    app = worker.app.wsgi()
    db = getattr(app, "extensions", {}).get("top100.db")
    if db is not None:
        db.engine.dispose(close=False)
    top100_logs.configure(service, _process)
