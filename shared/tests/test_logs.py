"""How a process logs: the format and level a person or a collector gets, with a zoned time."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime

import pytest

from shared import logs


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def test_json_lines_carry_a_zoned_time_the_process_and_the_correlation_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TOP100_LOG_FORMAT", "json")
    monkeypatch.delenv("TOP100_LOG_LEVEL", raising=False)
    logs.configure("media", "media-worker")
    token = logs.set_correlation_id("c-1")
    try:
        logging.getLogger("probe").info("Әйгерім's photo processed")
    finally:
        logs.reset_correlation_id(token)
    record = json.loads(capsys.readouterr().err)
    assert datetime.fromisoformat(record["time"]).utcoffset() is not None
    assert record["level"] == "INFO" and record["message"] == "Әйгерім's photo processed"
    assert record["service"] == "media" and record["process"] == "media-worker"
    assert record["correlation_id"] == "c-1"


def test_the_console_shows_warnings_only_readably_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TOP100_LOG_FORMAT", "console")
    monkeypatch.delenv("TOP100_LOG_LEVEL", raising=False)
    logs.configure("intake", "intake-web")
    logging.getLogger("probe").info("routine")
    logging.getLogger("probe").warning("look here")
    (line,) = capsys.readouterr().err.splitlines()
    zoned_time = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d\d:\d\d"
    assert re.fullmatch(zoned_time + " WARNING intake-web probe: look here", line)

    monkeypatch.setenv("TOP100_LOG_LEVEL", "info")
    logs.configure("intake", "intake-web")
    logging.getLogger("probe").info("routine")
    assert "routine" in capsys.readouterr().err


def test_children_are_told_the_format_chosen_for_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOP100_LOG_FORMAT", raising=False)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert logs.child_environment() == {"TOP100_LOG_FORMAT": "console"}
    monkeypatch.setenv("TOP100_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="TOP100_LOG_FORMAT"):
        logs.log_format()
