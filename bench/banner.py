"""One print banner (600 x 1800 mm at 150 dpi: PDF, JPEG and the three social cards) from a 12 MP
original, each in a worker process of its own: peak RSS and time per banner.

    .venv/bin/python bench/banner.py [--rounds 3]

The photo is bench/media.py's 4000 x 3000 JPEG (texture and a real face); `turned` is the same
photo stored as a phone stores a portrait (3000 x 4000 with EXIF orientation 6), which libvips must
hold whole to turn. Each round is a fresh process as a media worker runs (VIPS_CONCURRENCY=1,
MALLOC_ARENA_MAX=2, freed memory kept by the allocator as `shared.memory` sets it): it imports and
warms up (`base`, the RSS before the banner), then makes one banner; `peak` is the process's
maximum RSS. The spread is the lowest and highest round. Target: peak < 300 MB.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def photos(folder: Path) -> dict[str, Path]:
    """The 12 MP photo, upright and turned (orientation 6), written once under `folder`."""
    from PIL import ExifTags, Image

    from bench.media import photo

    upright = photo()
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    buffer = io.BytesIO()
    with Image.open(io.BytesIO(upright)) as image:
        image.transpose(Image.Transpose.ROTATE_90).save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    paths = {"upright": folder / "bench-banner-12mp.jpg", "turned": folder / "bench-banner-12mp-turned.jpg"}
    paths["upright"].write_bytes(upright)
    paths["turned"].write_bytes(buffer.getvalue())
    return paths


def rss_mb() -> float:
    """The current RSS (not the peak), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker(path: str) -> None:
    """One banner in this (fresh) process: prints base RSS, peak RSS (MB), seconds and the dpi."""
    import pyvips

    from services.media.operations import banners
    from shared.memory import limit_arenas, retain_freed_memory

    limit_arenas()
    retain_freed_memory()
    facts = banners.Facts(
        "Нұрланова Әйгерім Серікқызы",
        {"kk": "Алматы политехникалық колледжі", "ru": "Алматинский политехнический колледж"},
        {"kk": "Алматы", "ru": "Алматы", "en": "Almaty"},
        "winner",
        "WorldSkills Kazakhstan",
    )
    data = Path(path).read_bytes()
    small = pyvips.Image.thumbnail_buffer(data, 800).jpegsave_buffer()
    banners.make_all(facts, small, mm=(50, 150), dpi=72)  # warm-up: fonts, libvips, the face cascade
    base = rss_mb()
    started = time.perf_counter()
    made = banners.make_all(facts, data)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert [(m.name, m.format) for m in made][:2] == [("banner", "pdf"), ("banner", "jpeg")]
    print(f"{base:.0f} {peak:.0f} {seconds:.2f} {made[1].dpi}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", metavar="PATH")
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return
    folder = ROOT / "var"
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "VIPS_CONCURRENCY": "1", "MALLOC_ARENA_MAX": "2", "PYTHONPATH": str(ROOT)}
    print(f"one banner (600 x 1800 mm at 150 dpi, PDF + JPEG + 3 social cards); {args.rounds} rounds")
    for variant, path in photos(folder).items():
        rounds = []
        for _round in range(args.rounds):
            argv = [sys.executable, __file__, "--worker", str(path)]
            out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout.split()
            rounds.append((float(out[0]), float(out[1]), float(out[2]), out[3]))
        bases, peaks, times = ([r[i] for r in rounds] for i in range(3))
        print(
            f"{variant:8s} peak RSS {statistics.median(peaks):.0f} MB "
            f"(rounds {min(peaks):.0f}-{max(peaks):.0f}; "
            f"before the banner {min(bases):.0f}-{max(bases):.0f}), "
            f"{statistics.median(times):.1f} s (rounds {min(times):.1f}-{max(times):.1f}), "
            f"photo at {rounds[0][3]} dpi (target: peak < 300 MB)"
        )


if __name__ == "__main__":
    main()
