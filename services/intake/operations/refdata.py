"""Loading regions, colleges and specialties from files into intake's database: repeatable, and
reporting changes.

Parsing and diffing are pure (`services.intake.rules.refdata`); this writes what the diff says. A college
or specialty missing from a new file is deactivated, never deleted: nominations point to it. Regions
load before colleges, and a colleges file is checked against the regions known after that. A file is
told by its header: `iso_code` makes it regions, `region` colleges, anything else specialties.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import shared.refdata
from services.intake import rules
from services.intake.models import College, Region, Specialty
from services.intake.operations.validation import Errors, add
from services.intake.rules import refdata
from shared.attributes import dataclass_of

#: The demo set: the colleges and specialties shipped in `services/intake/refdata`, the regions
#: shipped with `shared`.
COLLEGES_FILE = Path(__file__).parents[1] / "refdata" / "colleges.csv"
SPECIALTIES_FILE = COLLEGES_FILE.with_name("specialties.csv")
REGIONS_FILE = Path(shared.refdata.__file__).with_name("regions.csv")


def _region_row(region: Region) -> refdata.RegionRow:
    return dataclass_of(refdata.RegionRow, region, aliases=tuple(a for a in region.aliases.split("|") if a))


def _college_row(college: College) -> refdata.CollegeRow:
    return dataclass_of(refdata.CollegeRow, college, region=college.region_code, city=college.city or "")


def load_regions(session: Session, rows: Sequence[refdata.RegionRow]) -> refdata.RefdataChanges:
    existing = {r.code: _region_row(r) for r in session.execute(select(Region)).scalars()}
    changes = refdata.diff(existing, rows)
    for row in (*changes.added, *changes.updated, *changes.deactivated):
        region = session.get(Region, row.code) or Region(code=row.code)
        region.iso_code, region.kind = row.iso_code, row.kind
        region.name_kk, region.name_ru, region.name_en = row.name_kk, row.name_ru, row.name_en
        region.aliases, region.active = "|".join(row.aliases), row.active
        session.add(region)
    session.flush()
    return changes


def load_colleges(session: Session, rows: Sequence[refdata.CollegeRow]) -> refdata.RefdataChanges:
    existing = {c.code: _college_row(c) for c in session.execute(select(College)).scalars()}
    changes = refdata.diff(existing, rows)
    for row in (*changes.added, *changes.updated, *changes.deactivated):
        college = session.get(College, row.code) or College(code=row.code)
        college.region_code, college.city, college.active = row.region, row.city, row.active
        college.name_kk, college.name_ru, college.name_en = row.name_kk, row.name_ru, row.name_en
        session.add(college)
    session.flush()
    return changes


def load_specialties(session: Session, rows: Sequence[refdata.SpecialtyRow]) -> refdata.RefdataChanges:
    existing = {
        s.code: refdata.SpecialtyRow(s.code, s.name_kk, s.name_ru, s.name_en, s.active)
        for s in session.execute(select(Specialty)).scalars()
    }
    changes = refdata.diff(existing, rows)
    for row in (*changes.added, *changes.updated, *changes.deactivated):
        specialty = session.get(Specialty, row.code) or Specialty(code=row.code)
        specialty.name_kk, specialty.name_ru, specialty.name_en = row.name_kk, row.name_ru, row.name_en
        specialty.active = row.active
        session.add(specialty)
    session.flush()
    return changes


def _kind(path: Path) -> str:
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    header = next((line for line in lines if line.strip() and not line.lstrip().startswith("#")), "")
    columns = {column.strip() for column in header.split(",")}
    if "iso_code" in columns:
        return "regions"
    return "colleges" if "region" in columns else "specialties"


def _files(paths: Sequence[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob("*.csv")) if path.is_dir() else [path]
    return found


def load_paths(session: Session, paths: Sequence[Path]) -> list[str]:
    """Load the given files or folders (the demo set when none); lines reporting what changed.

    Raises `rules.refdata.RefdataError` naming every broken cell; the caller's transaction then rolls back.
    """
    files = _files(paths) if paths else [REGIONS_FILE, COLLEGES_FILE, SPECIALTIES_FILE]
    report: list[str] = []
    for path in [f for f in files if _kind(f) == "regions"]:
        rows = refdata.parse_regions_csv(path.read_text(encoding="utf-8-sig"), source=str(path))
        report.append(f"regions from {path.name}: {load_regions(session, rows).summary()}")
    known = [code for (code,) in session.execute(select(Region.code).where(Region.active.is_(True)))]
    for path in [f for f in files if _kind(f) == "colleges"]:
        rows = refdata.parse_colleges_csv(
            path.read_text(encoding="utf-8-sig"), regions=known, source=str(path)
        )
        report.append(f"colleges from {path.name}: {load_colleges(session, rows).summary()}")
    for path in [f for f in files if _kind(f) == "specialties"]:
        specialties = refdata.parse_specialties_csv(path.read_text(encoding="utf-8-sig"), source=str(path))
        report.append(f"specialties from {path.name}: {load_specialties(session, specialties).summary()}")
    return report


def check_specialty(
    session: Session, data: dict[str, Any], errors: Errors, previous: str | None = None
) -> None:
    """A `student.specialty_code` that names no active specialty of the classifier, as a field error.

    `previous` is the code the nomination already has: an amendment that keeps it is not refused
    because a reload of the classifier has since retired that specialty."""
    student = data.get("student")
    code = student.get("specialty_code") if isinstance(student, dict) else None
    if not isinstance(code, str) or code == previous or "student.specialty_code" in errors:
        return
    found = session.get(Specialty, code)
    add(errors, "student.specialty_code", rules.check_specialty_known(code, found.active if found else None))
