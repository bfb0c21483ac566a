"""The regions of the programme, read from the reference data file shipped with `shared`.

The bus topology needs the region codes (a queue per service and region) before any database
exists, so the canonical list is a data file, not code and not a table. Intake loads the same file
(and the colleges) into its database with `top100 refdata load`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Region:
    code: str
    iso_code: str
    kind: str
    names: dict[str, str]
    aliases: tuple[str, ...]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


def read_regions_csv(text: str) -> list[Region]:
    """Parse the regions file format (see `shared/refdata/regions.csv`)."""
    rows = csv.DictReader(text.splitlines())
    return [
        Region(
            code=row["code"].strip(),
            iso_code=row["iso_code"].strip(),
            kind=row["kind"].strip(),
            names={lang: row[f"name_{lang}"].strip() for lang in ("kk", "ru", "en")},
            aliases=tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()),
        )
        for row in rows
    ]


@cache
def all_regions() -> tuple[Region, ...]:
    text = resources.files("shared.refdata").joinpath("regions.csv").read_text(encoding="utf-8")
    return tuple(read_regions_csv(text))


def region_codes() -> tuple[str, ...]:
    return tuple(region.code for region in all_regions())


def resolve(code_or_alias: str) -> Region | None:
    """The region a code or a historical alias (e.g. Nur-Sultan) names, or None."""
    wanted = code_or_alias.strip().casefold()
    for region in all_regions():
        if wanted == region.code or wanted in (alias.casefold() for alias in region.aliases):
            return region
    return None


def parse_region_list(spec: str) -> tuple[str, ...]:
    """`almaty,shymkent` or `all` into region codes; raises ValueError naming an unknown one."""
    if spec.strip() == "all":
        return region_codes()
    codes: list[str] = []
    for part in spec.split(","):
        region = resolve(part)
        if region is None:
            raise ValueError(f"unknown region {part.strip()!r}; known: {', '.join(region_codes())}")
        codes.append(region.code)
    return tuple(dict.fromkeys(codes))
