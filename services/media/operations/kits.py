"""Media kits: a ZIP of every candidate of a year's stage (and region), built by the worker.

The team asks (`request`), the worker's chore `build_next` claims the oldest queued kit and writes
the ZIP to a temporary file one candidate at a time (one blob in memory at a time, whatever the
number of candidates), recording its progress as it goes; then the file is streamed to the blob
store (`put_file`: a multipart upload on S3). A kit whose worker died is taken up again after
`STALE_AFTER`.

The ZIP's layout: a folder per candidate holding every derivative and banner, `statement_kk.txt`,
`statement_ru.txt`, `statement_en.txt` and `facts.json`; a top-level `index.csv` (a name that would
start a formula is quoted: `shared.exports`).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import tempfile
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from services.media import queries, rules
from services.media.models import Candidate, Kit
from services.media.operations import audit
from services.media.operations.photos import delete_after_commit
from shared import clock, exports, refusals, regions
from shared.blobs import BlobNotFound, BlobStore
from shared.i18n import LANGUAGES
from shared.identity import Identity
from shared.runtime import Runtime

log = logging.getLogger(__name__)

#: Seconds between the worker's looks for a queued kit.
BUILD_EVERY = 5.0
#: A kit still `building` this long after its last progress lost its worker: built again.
STALE_AFTER = timedelta(minutes=10)
#: Progress is written after every this many candidates (one short transaction each).
PROGRESS_EVERY = 10
INDEX_COLUMNS = ("folder", "nomination_id", "name", "college", "region", "stage", "files")


def request(session: Session, year: int, stage: str, region: str | None, requested_by: str) -> Kit:
    now = clock.utcnow()
    kit = Kit(
        id=str(uuid.uuid4()),
        year=year,
        stage=stage,
        region=region,
        status="queued",
        progress=0.0,
        candidates=0,
        requested_by=requested_by,
        created_at=now,
        updated_at=now,
    )
    session.add(kit)
    return kit


def ask(session: Session, data: dict[str, Any], caller: Identity) -> Kit:
    """A person asks for a kit (`KitIn`'s fields): queued for the worker, and in the audit log."""
    kit = request(session, data["year"], data["stage"], data.get("region"), caller.user_id)
    audit.record(
        session, caller, audit.KIT_REQUESTED, object=f"kit:{kit.id}", region=kit.region, stage=kit.stage
    )
    return kit


def download_link(session: Session, blobs: BlobStore, kit_id: str, caller: Identity) -> str:
    """A fresh signed link to a ready kit (every candidate's name, photo and statements), the
    download in the audit log; `NotFound` if there is no such kit ready."""
    kit = session.get(Kit, kit_id)
    if kit is None or kit.status != "ready" or not kit.key:
        raise refusals.NotFound()
    audit.kit_downloaded(session, caller, kit)
    return blobs.presigned_url(kit.key, queries.LINK_SECONDS)


#: The kits that gather a candidate of each stage (`members`): winners are in the republican kits too.
_KITS_OF_STAGE = {"republican": ("republican",), "winner": ("republican", "winners")}


def rebuild_holding(session: Session, blobs: BlobStore, candidate: Candidate) -> int:
    """Queue again every kit built (or being built) with this candidate, who no longer consents to
    publication: its ZIP is deleted once this commits and the worker builds it again without them.
    Returns how many kits were queued again."""
    stages = _KITS_OF_STAGE.get(candidate.stage or "", ())
    if not stages:
        return 0
    query = select(Kit).where(
        Kit.year == candidate.year,
        Kit.stage.in_(stages),
        Kit.status.in_(("ready", "building")),
        or_(Kit.region.is_(None), Kit.region == candidate.region),
    )
    held = list(session.scalars(query))
    delete_after_commit(session, blobs, [kit.key for kit in held if kit.key])
    for kit in held:
        kit.status, kit.progress, kit.key, kit.bytes = "queued", 0.0, None, None
        kit.updated_at = clock.utcnow()
    return len(held)


def build_next(runtime: Runtime) -> str | None:
    """Claim one queued (or abandoned) kit and build it; returns its id, or None if there was none."""
    kit_id = _claim(runtime)
    if kit_id is None:
        return None
    try:
        build(runtime, kit_id)
    except Exception:
        with runtime.db.unit_of_work() as session:
            session.execute(
                update(Kit).where(Kit.id == kit_id).values(status="failed", updated_at=clock.utcnow())
            )
        raise
    return kit_id


def _claim(runtime: Runtime) -> str | None:
    now = clock.utcnow()
    with runtime.db.unit_of_work() as session:
        waiting = or_(
            Kit.status == "queued", (Kit.status == "building") & (Kit.updated_at < now - STALE_AFTER)
        )
        kit_id = session.scalar(select(Kit.id).where(waiting).order_by(Kit.created_at).limit(1))
        if kit_id is None:
            return None
        claimed = session.execute(
            update(Kit)
            .where(Kit.id == kit_id, waiting)
            .values(status="building", progress=0.0, updated_at=now)
        )
        return kit_id if claimed.rowcount == 1 else None  # another worker took it first


def build(runtime: Runtime, kit_id: str) -> None:
    with runtime.db.unit_of_work() as session:
        kit = session.get(Kit, kit_id)
        assert kit is not None
        year, stage, region = kit.year, kit.stage, kit.region
        entries = [_entry(session, candidate) for candidate in queries.members(session, year, stage, region)]
    with tempfile.TemporaryDirectory(prefix="kit-") as folder:
        path = Path(folder) / "kit.zip"
        _write_zip(runtime, kit_id, path, entries)
        key = rules.kit_key(kit_id)
        runtime.blobs.put_file(key, path, "application/zip")
        size = path.stat().st_size
    with runtime.db.unit_of_work() as session:
        session.execute(  # a kit queued again meanwhile (`rebuild_holding`) is built again, not ready
            update(Kit)
            .where(Kit.id == kit_id, Kit.status == "building")
            .values(
                status="ready",
                progress=1.0,
                candidates=len(entries),
                bytes=size,
                key=key,
                updated_at=clock.utcnow(),
            )
        )


def _entry(session: Session, candidate: Candidate) -> dict[str, Any]:
    """What one candidate's folder holds, read while the session is open (keys, not bytes)."""
    asset = queries.current_photo(session, candidate.nomination_id)
    files = [*(asset.files if asset else []), *candidate.banners]
    region = regions.resolve(candidate.region)
    name = rules.full_name(candidate.name)
    folder = f"{candidate.region}/{rules.slug(name) or candidate.nomination_id}-{candidate.nomination_id[:8]}"
    return {
        "folder": folder,
        "nomination_id": candidate.nomination_id,
        "name": name,
        "files": [(file["key"], f"{file['name']}.{rules.EXTENSIONS[file['format']]}") for file in files],
        "statements": dict(candidate.statements or {}),
        "facts": {
            "name": dict(candidate.name or {}),
            "full_name": name,
            "college": {"code": candidate.college_code, "names": dict(candidate.college_names or {})},
            "region": {"code": candidate.region, "names": dict(region.names) if region else {}},
            "stage": candidate.stage,
            "achievements": list(candidate.achievements or []),
        },
    }


def _write_zip(runtime: Runtime, kit_id: str, path: Path, entries: list[dict[str, Any]]) -> None:
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(INDEX_COLUMNS)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, entry in enumerate(entries, start=1):
            folder = entry["folder"]
            for key, filename in entry["files"]:
                try:
                    data = runtime.blobs.get(key)
                except BlobNotFound:  # replaced by a new photo since the list was read: left out
                    continue
                # Photos are compressed already: stored as they are, deflating them gains nothing.
                archive.writestr(f"{folder}/{filename}", data, zipfile.ZIP_STORED)
            for language in LANGUAGES:
                archive.writestr(f"{folder}/statement_{language}.txt", entry["statements"].get(language, ""))
            facts = json.dumps(entry["facts"], ensure_ascii=False, indent=2)
            archive.writestr(f"{folder}/facts.json", facts)
            college = entry["facts"]["college"]["names"]
            writer.writerow(
                exports.csv_row(
                    (
                        folder,
                        entry["nomination_id"],
                        entry["name"],
                        college.get("kk") or college.get("ru") or entry["facts"]["college"]["code"],
                        entry["facts"]["region"]["code"],
                        entry["facts"]["stage"],
                        len(entry["files"]),
                    )
                )
            )
            if number % PROGRESS_EVERY == 0:
                _progress(runtime, kit_id, number / (len(entries) + 1))
        archive.writestr("index.csv", index.getvalue())


def _progress(runtime: Runtime, kit_id: str, share: float) -> None:
    with runtime.db.unit_of_work() as session:
        session.execute(
            update(Kit).where(Kit.id == kit_id).values(progress=round(share, 3), updated_at=clock.utcnow())
        )
