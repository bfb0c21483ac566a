"""The operator's commands: keys, reference data and the calendar, on a fresh data folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from services.intake.cli import calendar, keys, refdata


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("INTAKE_DATABASE_URL", raising=False)
    return CliRunner()


def test_refdata_load_is_idempotent_and_reports_changes(cli: CliRunner, tmp_path: Path) -> None:
    first = cli.invoke(refdata, ["load"])
    assert first.exit_code == 0, first.output
    assert "regions from regions.csv: 20 added" in first.output
    assert "colleges from colleges.csv: 74 added" in first.output
    again = cli.invoke(refdata, ["load"])
    assert "0 added, 0 updated, 74 unchanged, 0 deactivated" in again.output
    smaller = tmp_path / "colleges.csv"
    from services.intake.operations.refdata import COLLEGES_FILE

    lines = COLLEGES_FILE.read_text(encoding="utf-8").splitlines()
    smaller.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    result = cli.invoke(refdata, ["load", str(smaller)])
    assert "0 added, 0 updated, 73 unchanged, 1 deactivated" in result.output
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "code,region,name_kk,name_ru,name_en,city,active\nX-1,mars,a,b,c,d,true\n", encoding="utf-8"
    )
    result = cli.invoke(refdata, ["load", str(broken)])
    assert result.exit_code != 0 and "unknown region 'mars'" in result.output


def test_keys_issue_list_revoke(cli: CliRunner) -> None:
    cli.invoke(refdata, ["load"])
    issued = cli.invoke(keys, ["issue", "--region", "Nur-Sultan", "--sandbox"])
    assert issued.exit_code == 0, issued.output
    key = issued.output.strip().splitlines()[-1]
    assert key.startswith("t100_sbx_") and "." in key
    key_id = key.split(".")[0].removeprefix("t100_")
    listed = cli.invoke(keys, ["list"]).output
    assert key_id in listed and "astana" in listed and "sandbox" in listed and key not in listed
    assert cli.invoke(keys, ["revoke", key_id]).exit_code == 0
    assert "revoked" in cli.invoke(keys, ["list"]).output
    assert cli.invoke(keys, ["issue", "--region", "mars"]).exit_code != 0


def test_calendar_show_and_set(cli: CliRunner) -> None:
    shown = cli.invoke(calendar, ["show", "--year", "2026"])
    assert "submission_closes: 2026-10-05T23:59:59+05:00" in shown.output
    changed = cli.invoke(
        calendar,
        [
            "set",
            "--year",
            "2026",
            "--submission-closes",
            "2026-10-07",
            "--amendments-close",
            "2026-10-22T18:00",
        ],
    )
    assert changed.exit_code == 0, changed.output
    shown = cli.invoke(calendar, ["show", "--year", "2026"]).output
    assert "submission_closes: 2026-10-07T23:59:59+05:00" in shown
    assert "amendments_close: 2026-10-22T18:00:00+05:00" in shown
    bad = cli.invoke(calendar, ["set", "--year", "2026", "--submission-closes", "2026-11-30"])
    assert bad.exit_code != 0


def test_idempotency_purge_keeps_a_day_at_least(cli: CliRunner) -> None:
    from services.intake.cli import idempotency

    assert cli.invoke(idempotency, ["purge", "--older-than-hours", "1"]).exit_code != 0
    result = cli.invoke(idempotency, ["purge"])
    assert result.exit_code == 0 and "purged 0" in result.output
