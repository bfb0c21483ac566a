"""The header's sections as each role sees them, their addresses from configuration, and homes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared import config, identity, sections

URLS = {"review": "/review", "media": "https://media.example.kz", "notify": "/notify"}


def _keys(role: str) -> list[str]:
    return [section.key for section in sections.visible(role)]


def test_each_role_sees_the_sections_it_may_open_across_the_services() -> None:
    assert _keys("regional_member") == ["candidates", "ranking", "dashboard"]
    assert _keys("national_member") == ["candidates", "ranking", "dashboard"]
    chair = ["candidates", "ranking", "decision", "dashboard", "audit", "deliveries"]
    assert _keys("regional_chair") == chair and _keys("national_chair") == chair
    assert _keys("media") == ["candidates", "media", "kits", "publications"]
    assert _keys("admin") == [
        "candidates", "ranking", "dashboard", "audit", "media", "kits", "publications", "templates",
        "deliveries",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("role", "home"),
    [("regional_member", "candidates"), ("national_chair", "candidates"), ("media", "media"),
     ("admin", "dashboard")],
)  # fmt: skip
def test_each_role_has_its_home(role: str, home: str) -> None:
    assert sections.home(role).key == home


def test_every_role_has_a_home_it_may_open() -> None:
    for role in identity.ROLES:
        assert role in sections.home(role).roles


def test_links_lead_to_each_service_where_people_reach_it_and_mark_the_page() -> None:
    links = sections.links("admin", URLS, "media", "/kits", "kk")
    hrefs = {link.href: link.current for link in links}
    assert hrefs["/review/dashboard?lang=kk"] is False
    assert hrefs["https://media.example.kz/kits?lang=kk"] is True
    assert hrefs["/notify/?lang=kk"] is False
    assert [link.label for link in links if link.current] == ["Media kits"]


def test_a_page_inside_a_section_marks_it() -> None:
    candidates, media = sections.BY_KEY["candidates"], sections.BY_KEY["media"]
    assert sections.is_current(candidates, "review", "/candidates/abc/score")
    assert not sections.is_current(candidates, "review", "/rankings")
    assert not sections.is_current(candidates, "media", "/")
    assert sections.is_current(media, "media", "/candidates/n1")
    assert sections.is_current(sections.BY_KEY["kits"], "media", "/kits/2026")


def test_the_addresses_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOP100_MEDIA_URL", "/media/")
    monkeypatch.setenv("NOTIFY_PORT", "9004")
    monkeypatch.delenv("TOP100_NOTIFY_URL", raising=False)
    urls = config.page_urls()
    assert urls["media"] == "/media" and urls["notify"] == "http://127.0.0.1:9004"
    assert set(urls) == {"review", "media", "notify"}


def test_the_readme_lists_every_section_with_its_link_and_roles() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = {line.split(" | ")[0].strip("| "): line for line in readme.splitlines() if line.startswith("| ")}
    for section in sections.SECTIONS:
        row = rows[section.label]
        link = f"http://127.0.0.1:{config.DEFAULT_PORTS[section.service]}{section.path}"
        assert f"| {link} |" in row, row
        listed = set(re.findall(r"`([a-z_]+)`", row))
        assert listed == set(section.roles) or "every role" in row, row
        assert section.roles == set(identity.ROLES) or "every role" not in row, row
