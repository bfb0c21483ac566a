"""A quiet media log: libvips's own chatter (about 50 INFO lines a photo: threadpools, vector paths,
shrink sizes) is DEBUG, shown only to an operator who asks for it; its warnings stay warnings."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import pyvips

from services.media.handlers import HANDLERS
from services.media.models import Candidate
from services.media.operations import banners, imaging
from services.media.tests import photos
from services.media.tests.factories import event, stored_photo, submitted
from shared.handling import handle
from shared.i18n import LANGUAGES
from shared.runtime import Runtime


def _photo_and_banner() -> None:
    data, _face = photos.with_face(2400, 1800, (1500, 300), 600)
    outcome = imaging.process(data)
    assert outcome.reason is None
    facts = banners.Facts(
        "Нұрланова Әйгерім", dict.fromkeys(LANGUAGES, "Колледж"), {"en": "Almaty"}, "winner", None
    )
    banners.make_all(facts, data, mm=(100, 300))


def test_processing_a_photo_logs_a_few_lines_at_info_at_most(
    runtime: Runtime, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The worker's path: the photo of a submission, then the banner of its advancement."""
    caplog.set_level(logging.INFO)
    data, _face = photos.with_face(2400, 1800, (1500, 300), 600)
    assert handle(runtime, HANDLERS, "media", submitted(stored_photo(tmp_path, data))) is True
    advanced = {
        "candidate_id": "c-1",
        "nomination_id": "nom-0001",
        "year": 2026,
        "stage": "regional",
        "to_stage": "republican",
        "decision_id": "d-1",
    }
    assert handle(runtime, HANDLERS, "media", event("candidate.advanced", advanced)) is True
    with runtime.db.unit_of_work() as session:
        assert {file["name"] for file in session.get(Candidate, "nom-0001").banners} >= {"banner"}
    shown = [record for record in caplog.records if record.levelno >= logging.INFO]
    assert len(shown) <= 3, [record.getMessage() for record in shown]
    assert not [record for record in shown if record.name == "pyvips"]


def test_libvips_chatter_is_there_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _photo_and_banner()
    chatter = [record for record in caplog.records if record.name == "pyvips"]
    assert chatter and {record.levelname for record in chatter} == {"DEBUG"}


def test_a_libvips_warning_stays_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    data, _face = photos.with_face(1200, 900, (600, 200), 300)
    truncated = data[: len(data) // 2]
    pyvips.Image.new_from_buffer(truncated, "").avg()  # libjpeg fills the rest with grey, and says so
    warnings = [record for record in caplog.records if record.name == "pyvips"]
    assert warnings and {record.levelno for record in warnings} == {logging.WARNING}
