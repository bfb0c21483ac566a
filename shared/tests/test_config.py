from pathlib import Path

import pytest

from shared import broker, config


def test_embedded_defaults_live_under_the_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("BROKER_URL", "INTAKE_DATABASE_URL", "INTAKE_BLOB_URL", "INTAKE_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path / "data"))
    settings = config.load("intake")
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'intake.sqlite3'}"
    assert settings.broker_url == f"filesystem://{tmp_path / 'data' / 'broker'}"
    assert settings.blob_url == f"file://{tmp_path / 'data' / 'blobs' / 'intake'}"
    assert settings.port == 8001
    assert broker.is_embedded(settings.broker_url)


def test_relative_data_dir_is_made_absolute(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TOP100_DATA_DIR", "var")
    assert config.data_dir() == tmp_path / "var"


def test_environment_picks_the_production_column(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
    monkeypatch.setenv("REVIEW_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/review")
    monkeypatch.setenv("REVIEW_PORT", "9002")
    monkeypatch.setenv("TOP100_RETRY_DELAYS", "2,10")
    settings = config.load("review")
    assert not broker.is_embedded(settings.broker_url)
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert settings.port == 9002
    assert settings.retry_delays == (2, 10)


def test_unknown_service_is_named() -> None:
    with pytest.raises(ValueError, match="unknown service 'gallery'"):
        config.load("gallery")


def test_the_bus_carries_every_region_unless_told_and_always_the_capitals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A few regions' installation keeps a few regions' queues; national events ride in Astana's."""
    from shared.regions import region_codes

    monkeypatch.delenv("TOP100_BUS_REGIONS", raising=False)
    assert config.bus_regions() == region_codes()
    monkeypatch.setenv("TOP100_BUS_REGIONS", "almaty,shymkent")
    assert config.bus_regions() == ("almaty", "shymkent", "astana")
    monkeypatch.setenv("TOP100_BUS_REGIONS", "atlantis")
    with pytest.raises(ValueError, match="atlantis"):
        config.bus_regions()
