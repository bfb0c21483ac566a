"""One candidate's files as a ZIP for the media team: every derivative, banner and social card they
may see on the candidate's page, streamed as it is written.

The list of files is read, and the download written to the audit log, in the request's unit of work
(`files_of`); the ZIP is written afterwards, outside any transaction, one blob at a time in 256 KB
pieces (`stream_zip`): no file is whole in memory, and no database connection waits on a slow
reader. The files are stored, not deflated (photos and PDFs are compressed already), and the ZIP
goes out with data descriptors (zipfile's way of writing to a stream it cannot seek back in).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass

from sqlalchemy.orm import Session

from services.media import queries, rules
from services.media.operations import audit
from shared.blobs import BlobNotFound, BlobStore
from shared.identity import Identity

CHUNK = 256 * 1024


@dataclass(frozen=True)
class Files:
    """What a candidate's ZIP holds: its file name, and each blob key with its name inside."""

    archive: str
    entries: list[tuple[str, str]]


def files_of(session: Session, caller: Identity, nomination_id: str) -> Files | None:
    """The files of a candidate `caller` may see (`queries.listed`), the download in the audit log;
    None when there is no such candidate for them."""
    rows = queries.listed(session, caller, nomination_id=nomination_id)
    if not rows:
        return None
    candidate, photo = rows[0]
    files = [*(photo.files if photo is not None else []), *candidate.banners]
    entries = [(file["key"], f"{file['name']}.{rules.EXTENSIONS[file['format']]}") for file in files]
    audit.record(
        session,
        caller,
        audit.FILES_DOWNLOAD,
        object=audit.nomination(nomination_id),
        region=candidate.region,
        files=len(entries),
    )
    return Files(rules.files_archive_name(rules.full_name(candidate.name), nomination_id), entries)


class _Pending(io.RawIOBase):
    """What zipfile has written and the response has not yet sent (a stream it cannot seek in)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._parts.append(bytes(data))
        return len(data)

    def taken(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def stream_zip(blobs: BlobStore, entries: list[tuple[str, str]]) -> Iterator[bytes]:
    """The ZIP of `entries`, piece by piece; a file replaced since the list was read is left out."""
    pending = _Pending()
    with zipfile.ZipFile(pending, "w", compression=zipfile.ZIP_STORED) as archive:
        for key, name in entries:
            try:
                source = blobs.open(key)
            except BlobNotFound:
                continue
            with closing(source), archive.open(name, "w") as target:
                while chunk := source.read(CHUNK):
                    target.write(chunk)
                    yield pending.taken()
    yield pending.taken()
