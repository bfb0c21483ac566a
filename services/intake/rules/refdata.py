"""Reading the reference data files and working out what a reload changes. Pure: text in, rows out.

Regions, colleges and the classifier of college specialties are data, not code (docs/rules.md):
operators replace the files and reload. Lines starting with `#` before a file's header say where
its rows come from; they are not rows. A load
must be repeatable (loading the same file twice changes nothing) and must never delete a college
that nominations point to, so a row missing from a new file is deactivated, not removed. A bad file is
refused whole, with every broken cell named by line and column, so nothing half-loads.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Generic, TypeVar

from shared.regions import Region, read_regions_csv, region_codes

COLLEGE_COLUMNS = ("code", "region", "name_kk", "name_ru", "name_en", "city", "active")
REGION_COLUMNS = ("code", "iso_code", "kind", "name_kk", "name_ru", "name_en", "aliases")
SPECIALTY_COLUMNS = ("code", "name_kk", "name_ru", "name_en", "active")
REGION_KINDS = ("city", "oblast")
MAX_NAME_LENGTH = 300

_COLLEGE_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
#: A specialty's code in the classifier (8 digits today, as `06130100`); letters are let through
#: so that a future edition of the classifier loads without a change of code.
_SPECIALTY_CODE = re.compile(r"[0-9A-Za-z]{1,16}")
_REGION_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_ISO_CODE = re.compile(r"KZ-[0-9]{2}")
_TRUE = ("true", "1", "yes", "")
_FALSE = ("false", "0", "no")


@dataclass(frozen=True)
class CollegeRow:
    code: str
    region: str
    name_kk: str
    name_ru: str
    name_en: str
    city: str
    active: bool = True

    def name(self, language: str) -> str:
        return {"kk": self.name_kk, "ru": self.name_ru}.get(language, self.name_en)


@dataclass(frozen=True)
class SpecialtyRow:
    """A specialty of the classifier of technical and vocational education, named in kk, ru and en."""

    code: str
    name_kk: str
    name_ru: str
    name_en: str
    active: bool = True

    @property
    def names(self) -> dict[str, str]:
        return {"kk": self.name_kk, "ru": self.name_ru, "en": self.name_en}


@dataclass(frozen=True)
class RegionRow:
    code: str
    iso_code: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    aliases: tuple[str, ...] = ()
    active: bool = True

    @classmethod
    def from_region(cls, region: Region) -> RegionRow:
        return cls(
            code=region.code,
            iso_code=region.iso_code,
            kind=region.kind,
            name_kk=region.names["kk"],
            name_ru=region.names["ru"],
            name_en=region.names["en"],
            aliases=region.aliases,
        )

    def name(self, language: str) -> str:
        return {"kk": self.name_kk, "ru": self.name_ru}.get(language, self.name_en)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class RefdataError(ValueError):
    """A reference file that cannot be loaded; `errors` names every broken cell."""

    def __init__(self, source: str, errors: Sequence[RowError]) -> None:
        self.source = source
        self.errors = tuple(errors)
        super().__init__(f"{source}: " + "; ".join(str(e) for e in self.errors))


# --- reading -----------------------------------------------------------------------------------------


def _clean(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def _without_comments(text: str) -> str:
    """The file less its leading `#` lines, each kept as an empty line so line numbers still count."""
    lines = text.split("\n")
    leading = 0
    while leading < len(lines) and lines[leading].lstrip().startswith("#"):
        leading += 1
    return "\n" * leading + "\n".join(lines[leading:])


def _records(
    text: str, columns: Sequence[str], source: str, optional: Collection[str] = ()
) -> list[tuple[int, dict[str, str]]]:
    """(line, row) for every non-blank record, after checking the header names exactly `columns`."""
    reader = csv.reader(io.StringIO(_without_comments(text.lstrip("\ufeff"))))
    first: list[str] = []
    for first in reader:  # the header: the first row after the comments
        if first:
            break
    header, at = [_clean(name) for name in first], max(reader.line_num, 1)
    present = {*header, *optional}
    errors = [RowError(at, name, "missing column") for name in columns if name not in present]
    errors += [RowError(at, name, "unknown column") for name in header if name not in columns]
    if errors:
        raise RefdataError(source, errors)
    records: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num
    for values in reader:
        start, line = line + 1, reader.line_num
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise RefdataError(
                source, [RowError(start, None, f"{len(values)} fields, expected {len(header)}")]
            )
        records.append((start, dict(zip(header, values, strict=True))))
    return records


def _check_names(line: int, row: Mapping[str, str], errors: list[RowError]) -> None:
    for column in ("name_kk", "name_ru", "name_en"):
        value = row[column]
        if not value:
            errors.append(RowError(line, column, "empty name"))
        elif len(value) > MAX_NAME_LENGTH:
            errors.append(RowError(line, column, f"longer than {MAX_NAME_LENGTH} characters"))


def _check_code(
    line: int,
    code: str,
    shape: re.Pattern[str],
    said: str,
    first_seen: dict[str, int],
    errors: list[RowError],
) -> None:
    """A row's `code` is of its file's `shape` (`said` in words) and no earlier row's in any case
    (`first_seen`: each code's line, casefolded)."""
    key = code.casefold()
    if not shape.fullmatch(code):
        errors.append(RowError(line, "code", f"{code!r} is not {said}"))
    elif key in first_seen:
        errors.append(RowError(line, "code", f"duplicate code {code!r} (first on line {first_seen[key]})"))
    else:
        first_seen[key] = line


def _active(line: int, row: Mapping[str, str], errors: list[RowError]) -> bool:
    """A row's `active` cell: true, 1, yes or empty for an active row, false, 0 or no for one not."""
    active = row["active"].lower()
    if active not in _TRUE + _FALSE:
        errors.append(RowError(line, "active", f"{row['active']!r} is not true or false"))
    return active in _TRUE


def _checked_rows(
    text: str,
    columns: Sequence[str],
    source: str,
    code: tuple[re.Pattern[str], str],
    cells: Callable[[int, Mapping[str, str]], list[RowError]],
) -> list[tuple[dict[str, str], bool]]:
    """The cleaned rows of a colleges or specialties file, each with whether it is active. Both files
    check a row alike (its `code` of the file's shape, said in words, and no earlier row's; its names;
    `active`), and `cells` the file's own columns; raises RefdataError naming every bad cell, a row's
    in the order of its columns."""
    errors: list[RowError] = []
    first_seen: dict[str, int] = {}
    rows: list[tuple[dict[str, str], bool]] = []
    for line, raw in _records(text, columns, source):
        row = {name: _clean(value) for name, value in raw.items()}
        found: list[RowError] = []
        _check_code(line, row["code"], *code, first_seen, found)
        _check_names(line, row, found)
        active = _active(line, row, found)
        found += cells(line, row)
        errors += sorted(found, key=lambda error: columns.index(error.column or "code"))
        rows.append((row, active))
    if errors:
        raise RefdataError(source, errors)
    return rows


def _cells(row: Mapping[str, str], columns: Sequence[str]) -> dict[str, str]:
    """A row's cells as its dataclass takes them: all but `active`, which `_checked_rows` reads."""
    return {name: row[name] for name in columns if name != "active"}


def parse_colleges_csv(
    text: str, *, regions: Collection[str] | None = None, source: str = "colleges.csv"
) -> list[CollegeRow]:
    """The colleges of a file in the `colleges.csv` format; raises RefdataError naming every bad cell.

    `regions` are the region codes a college may belong to (default: the shipped regions file), so
    a colleges file can be checked against a regions file being loaded with it.
    """
    known = set(region_codes() if regions is None else regions)

    def region_and_city(line: int, row: Mapping[str, str]) -> list[RowError]:
        wrong: list[RowError] = []
        if row["region"] not in known:
            wrong.append(RowError(line, "region", f"unknown region {row['region']!r}"))
        if not row["city"]:
            wrong.append(RowError(line, "city", "empty city"))
        return wrong

    code = (_COLLEGE_CODE, "1-32 letters, digits, '-' or '_'")
    rows = _checked_rows(text, COLLEGE_COLUMNS, source, code, region_and_city)
    return [CollegeRow(**_cells(row, COLLEGE_COLUMNS), active=active) for row, active in rows]


def parse_specialties_csv(text: str, *, source: str = "specialties.csv") -> list[SpecialtyRow]:
    """The specialties of a file in the `specialties.csv` format, checked like the colleges."""
    code = (_SPECIALTY_CODE, "1-16 letters or digits")
    rows = _checked_rows(text, SPECIALTY_COLUMNS, source, code, lambda _line, _row: [])
    return [SpecialtyRow(**_cells(row, SPECIALTY_COLUMNS), active=active) for row, active in rows]


def parse_regions_csv(text: str, *, source: str = "regions.csv") -> list[RegionRow]:
    """The regions of a file in the `shared/refdata/regions.csv` format, checked like the colleges.

    Parsing itself is `shared.regions.read_regions_csv`, so the bus topology and intake can never
    read the same file differently; this adds line-numbered checks on top.
    """
    lines = [line for line, _ in _records(text, REGION_COLUMNS, source, optional=("aliases",))]
    regions = read_regions_csv(text.lstrip("\ufeff"))
    errors: list[RowError] = []
    first_seen: dict[str, int] = {}
    names_taken: dict[str, str] = {}
    rows: list[RegionRow] = []
    for line, region in zip(lines, regions, strict=True):
        row = RegionRow.from_region(region)
        row = replace(row, **{name: _clean(getattr(row, name)) for name in ("name_kk", "name_ru", "name_en")})
        _check_code(line, row.code, _REGION_CODE, "lower-case letters, digits and '_'", first_seen, errors)
        if not _ISO_CODE.fullmatch(row.iso_code):
            errors.append(RowError(line, "iso_code", f"{row.iso_code!r} is not an ISO 3166-2:KZ code"))
        if row.kind not in REGION_KINDS:
            errors.append(RowError(line, "kind", f"{row.kind!r} is not one of {', '.join(REGION_KINDS)}"))
        _check_names(line, {"name_kk": row.name_kk, "name_ru": row.name_ru, "name_en": row.name_en}, errors)
        # Codes and aliases share one name space: `shared.regions.resolve` accepts either.
        for column, name in [("code", row.code), *(("aliases", alias) for alias in row.aliases)]:
            owner = names_taken.setdefault(name.casefold(), row.code)
            if owner.casefold() != row.code.casefold():
                errors.append(RowError(line, column, f"{name!r} already names region {owner!r}"))
        rows.append(row)
    if errors:
        raise RefdataError(source, errors)
    return rows


# --- diffing -----------------------------------------------------------------------------------------


Row = TypeVar("Row", CollegeRow, RegionRow, SpecialtyRow)


@dataclass(frozen=True)
class RefdataChanges(Generic[Row]):
    """What loading a file does to the stored rows; write `added`, `updated` and `deactivated`."""

    added: tuple[Row, ...] = ()
    updated: tuple[Row, ...] = ()
    unchanged: tuple[Row, ...] = ()
    deactivated: tuple[Row, ...] = ()
    changed_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def changes_anything(self) -> bool:
        return bool(self.added or self.updated or self.deactivated)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.deactivated)} deactivated"
        )


def _differing_fields(before: Row, after: Row) -> tuple[str, ...]:
    return tuple(f.name for f in fields(after) if getattr(before, f.name) != getattr(after, f.name))


def diff(existing: Mapping[str, Row], incoming: Sequence[Row]) -> RefdataChanges[Row]:
    """Compare stored rows (by code) with a file's rows.

    A stored row the file no longer lists is deactivated (returned with `active=False`), never
    deleted; one that is already inactive is left alone, so a second load of the same file changes
    nothing. A row that comes back, or whose `active` the file flips, is an update.
    """
    added: list[Row] = []
    updated: list[Row] = []
    unchanged: list[Row] = []
    changed: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    for row in incoming:
        if row.code in seen:
            raise ValueError(f"duplicate code {row.code!r} in the incoming rows")
        seen.add(row.code)
        before = existing.get(row.code)
        if before is None:
            added.append(row)
        elif before == row:
            unchanged.append(row)
        else:
            updated.append(row)
            changed[row.code] = _differing_fields(before, row)
    gone = sorted(
        (row for code, row in existing.items() if code not in seen and row.active), key=lambda row: row.code
    )
    deactivated = [replace(row, active=False) for row in gone]
    return RefdataChanges(tuple(added), tuple(updated), tuple(unchanged), tuple(deactivated), changed)
