import copy
import pickle
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest

from shared import clock


def test_real_clock_is_aware_and_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TOP100_NOW", raising=False)
    moment = clock.now()
    assert moment.tzinfo is not None
    assert abs(moment - datetime.now(UTC)) < timedelta(seconds=5)


def test_top100_now_moves_every_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-05T23:59:59+05:00")
    assert clock.utcnow() == datetime(2026, 10, 5, 18, 59, 59, tzinfo=UTC)
    local = clock.local_now()
    assert (local.year, local.month, local.day, local.hour) == (2026, 10, 5, 23)
    assert local.utcoffset() == timedelta(hours=5)


def test_top100_now_without_offset_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOP100_NOW", "2026-10-05T23:59:59")
    with pytest.raises(ValueError, match="offset"):
        clock.now()


def test_kazakhstan_is_utc_plus_five_since_march_2024() -> None:
    assert datetime(2024, 2, 29, 12, tzinfo=clock.KAZAKHSTAN).utcoffset() == timedelta(hours=6)
    assert datetime(2026, 10, 5, 12, tzinfo=clock.KAZAKHSTAN).utcoffset() == timedelta(hours=5)


def test_deadlines_do_not_follow_an_outdated_host_time_zone_database(tmp_path: Path) -> None:
    """A host whose database still has Almaty at UTC+6 (before tzdata 2024a) changes nothing."""
    # Asia/Dhaka is UTC+6 all year: what Asia/Almaty was before 1 March 2024.
    stale = tmp_path / "zoneinfo"
    (stale / "Asia").mkdir(parents=True)
    dhaka = resources.files("tzdata.zoneinfo").joinpath("Asia", "Dhaka")
    (stale / "Asia" / "Almaty").write_bytes(dhaka.read_bytes())
    probe = (  # the host's answer first (and so cached by zoneinfo), then ours, then any lookup after
        "from datetime import datetime; from zoneinfo import ZoneInfo;"
        "host = datetime(2026, 10, 5, 12, tzinfo=ZoneInfo('Asia/Almaty')).utcoffset();"
        "from shared import clock;"
        "print(host, clock.local_now().utcoffset(),"
        " datetime(2026, 10, 5, 12, tzinfo=ZoneInfo('Asia/Almaty')).utcoffset())"
    )
    env = {
        "PYTHONTZPATH": str(stale),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "TOP100_NOW": "2026-10-05T18:59:59+00:00",
    }
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    host, ours, after = out.stdout.split()
    assert host == "6:00:00"  # the stale database is what the host's ZoneInfo reads
    assert (ours, after) == ("5:00:00", "5:00:00")


def test_a_zone_name_is_not_a_path() -> None:
    with pytest.raises(ValueError):
        clock.zone("../../etc/passwd")


def test_local_times_can_be_copied_and_pickled() -> None:
    """(A zone read with ZoneInfo.from_file cannot be, which dataclasses.asdict would have hit.)"""
    moment = datetime(2026, 10, 5, 23, 59, 59, tzinfo=clock.KAZAKHSTAN)
    assert copy.deepcopy(moment) == moment
    assert pickle.loads(pickle.dumps(moment)).utcoffset() == timedelta(hours=5)
