"""Logs for a person at a terminal or for a machine, with the correlation id of what is being handled.

On a terminal a person reads the console: one short line per record (time with its zone, level,
process, logger, message), warnings and errors only unless `TOP100_LOG_LEVEL` says otherwise.
Anywhere else (a container, a file, a pipe) each record is one JSON object a line, at INFO, for
the log collector. `TOP100_LOG_FORMAT` overrides the guess; `top100 run` passes its choice to the
processes it starts (`child_environment`), whose own stderr may be a pipe while the parent's is the
terminal the person watches.
"""

from __future__ import annotations

import contextvars
import logging
import sys
from datetime import datetime
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from shared import config

_correlation_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)


def current_correlation_id() -> str | None:
    return _correlation_id.get()


def set_correlation_id(value: str | None) -> contextvars.Token[str | None]:
    return _correlation_id.set(value)


def reset_correlation_id(token: contextvars.Token[str | None]) -> None:
    _correlation_id.reset(token)


def log_format() -> str:
    """`console` or `json`: as configured, else the console when stderr is a terminal."""
    chosen = config.log_settings().format
    if chosen is not None:
        return chosen
    return "console" if sys.stderr.isatty() else "json"


def log_level() -> str:
    """As configured, else WARNING on the console (a quiet terminal) and INFO in JSON (for collectors)."""
    return config.log_settings().level or ("WARNING" if log_format() == "console" else "INFO")


def child_environment() -> dict[str, str]:
    """What a process we start needs in its environment to log as we do."""
    return {"TOP100_LOG_FORMAT": log_format()}


def _local_time(record: logging.LogRecord, timespec: str) -> str:
    """The record's time in the machine's zone, with its offset, so a reader never has to guess it."""
    return datetime.fromtimestamp(record.created).astimezone().isoformat(sep=" ", timespec=timespec)


class ConsoleFormatter(logging.Formatter):
    """`2026-09-20 10:00:00+05:00 WARNING intake-worker shared.worker: message`."""

    def __init__(self, process: str) -> None:
        super().__init__(f"%(asctime)s %(levelname)s {process} %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _local_time(record, "seconds")


class JsonLinesFormatter(JsonFormatter):
    """A JSON object a record: time with offset, level, logger, message, service, process, correlation id."""

    def __init__(self, process: str, service: str) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            static_fields={"service": service, "process": process},
        )

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _local_time(record, "milliseconds")

    def add_fields(self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record["correlation_id"] = current_correlation_id()


def formatter(process: str, service: str) -> logging.Formatter:
    """The formatter of the configured format, for `process` (e.g. `intake-worker`) of `service`."""
    return ConsoleFormatter(process) if log_format() == "console" else JsonLinesFormatter(process, service)


def configure(service: str, process: str | None = None) -> None:
    """Send this process's logs to stderr in the configured format and level."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(process or service, service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(log_level())
    for noisy in ("pika", "amqp", "kombu"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
