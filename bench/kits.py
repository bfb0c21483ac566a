"""A media kit of N candidates built as the worker builds it: seconds, ZIP size, and the worker's peak
resident memory before and after, to show it stays flat however many candidates there are.

    .venv/bin/python bench/kits.py [--candidates 200] [--kb 150]

Each candidate has twelve files of `--kb` KB of random bytes (what JPEGs look like to ZIP) in a
scratch local blob store, and a SQLite database; the kit is built once with `kits.build_next`. The
peak is the process's VmHWM reset just before the build (Linux).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NAMES = ("thumb", "web", "square", "card", "story", "social_kk", "social_ru", "social_en", "banner")


def status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak since the last reset) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def reset_peak() -> None:
    """Start VmHWM again from the current RSS (Linux: 5 to clear_refs), so the build's own peak shows."""
    Path("/proc/self/clear_refs").write_text("5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=200)
    parser.add_argument("--kb", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-kits-") as folder:
        os.environ["TOP100_DATA_DIR"] = folder
        from services.media import bootstrap
        from services.media.models import Asset, Candidate
        from services.media.operations import kits
        from shared import clock, config, testing

        with testing.migrated_runtime(bootstrap.SERVICE, config.load(bootstrap.SERVICE)) as runtime:
            now = clock.utcnow()
            with runtime.db.unit_of_work() as session:
                for number in range(args.candidates):
                    nomination_id = str(uuid.uuid4())
                    files = []
                    for name in (*NAMES, "web", "card", "banner"):
                        image_format = {"web": "webp", "card": "webp", "banner": "pdf"}.get(name, "jpeg")
                        if (name, image_format) in {(f["name"], f["format"]) for f in files}:
                            image_format = "jpeg"
                        key = f"media/{nomination_id}/{name}.{image_format}"
                        runtime.blobs.put(key, os.urandom(args.kb * 1024), "application/octet-stream")
                        files.append(
                            {
                                "name": name,
                                "format": image_format,
                                "key": key,
                                "width": 1,
                                "height": 1,
                                "bytes": 1,
                            }
                        )
                    session.add(
                        Candidate(
                            nomination_id=nomination_id,
                            year=2026,
                            region="almaty",
                            college_code="ALM-001",
                            college_names={"kk": "Колледж"},
                            name={"last_name": f"Әлиев{number}", "first_name": "Ұлан"},
                            achievements=[],
                            statements={"kk": "Мәтін."},
                            consent_publication=True,
                            stage="winner",
                            banners=[],
                            updated_at=now,
                        )
                    )
                    session.add(
                        Asset(
                            id=str(uuid.uuid4()),
                            nomination_id=nomination_id,
                            region="almaty",
                            status="processed",
                            derivatives=[f["key"] for f in files],
                            files=files,
                            created_at=now,
                            updated_at=now,
                        )
                    )
                kit = kits.request(session, 2026, "winners", None, "bench")
            before = status_mb("VmRSS")
            reset_peak()
            started = time.perf_counter()
            kits.build_next(runtime)
            elapsed = time.perf_counter() - started
            after = status_mb("VmHWM")
            with runtime.db.unit_of_work() as session:
                from services.media.models import Kit

                built = session.get(Kit, kit.id)
                size, count, status = built.bytes, built.candidates, built.status
        print(f"kit: {count} candidates, {status}, {size / 1e6:.0f} MB ZIP in {elapsed:.1f} s")
        grown = after - before
        print(f"RSS before building {before:.0f} MB, peak while building {after:.0f} MB (+{grown:.0f} MB)")


if __name__ == "__main__":
    main()
