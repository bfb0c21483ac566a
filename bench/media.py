"""Media's whole derivative set for one 12 MP photo (five JPEGs and two WebPs), against libvips's
reference pipeline, each in a worker process of its own: median ms per photo, ratio, peak RSS.

    .venv/bin/python bench/media.py [--photos 15] [--rounds 3]

- `media`: `services.media.operations.imaging.process` as the worker runs it: header check, one decode with
  shrink-on-load, profile to sRGB, orientation, the face detector, face-keeping crops, encoding.
- `reference`: pyvips as its authors would write it, without face detection: `new_from_buffer(...,
  shrink=k)`, `autorot`, `copy_memory`, then `thumbnail_image` per output (centre crops), the same
  encoders and `keep=NONE`.

The photo is 4000 x 3000 with texture (noise) and a real face (the public-domain astronaut portrait
from scikit-image) off-centre, a JPEG of quality 90 (about 2 MB), an sRGB file with an EXIF
orientation. Rounds alternate the two, each in a fresh process (VIPS_CONCURRENCY=1, MALLOC_ARENA_MAX=2
as a media worker runs); the spread is the lowest and highest round median. CPU time (of every
thread of the process) is the figure to compare on a shared machine; wall time is printed beside it.
Target: ratio <= 1.3 and peak RSS < 250 MB per worker.
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


def photo() -> bytes:
    from PIL import ExifTags, Image
    from skimage import data

    # Texture like a photo's: coarse noise, smoothed as it is enlarged, not JPEG-hostile pixel noise.
    noise = Image.effect_noise((800, 600), 64).convert("L").resize((4000, 3000), Image.Resampling.BICUBIC)
    canvas = Image.merge(
        "RGB", (noise, noise.point(lambda v: v * 0.8 + 30), noise.point(lambda v: v * 0.6 + 60))
    )
    canvas.paste(Image.fromarray(data.astronaut()).resize((1400, 1400)), (2400, 300))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 1
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def reference(data: bytes) -> list[bytes]:
    import pyvips

    from services.media import rules
    from services.media.operations import imaging

    header = pyvips.Image.new_from_buffer(data, "")
    shrink = rules.shrink_on_load(header.width, header.height)
    image = pyvips.Image.new_from_buffer(data, "", shrink=shrink).autorot().copy_memory()
    out = []
    for spec in rules.DERIVATIVES:
        if spec.kind == "fit":
            made = image.thumbnail_image(spec.width, height=spec.height, size="down")
        else:
            made = image.thumbnail_image(spec.width, height=spec.height, crop="centre")
        out += [imaging.encode(made, image_format) for image_format in spec.formats]
    return out


def media(data: bytes) -> list[bytes]:
    from services.media.operations import imaging

    outcome = imaging.process(data)
    assert outcome.reason is None and outcome.face is not None, outcome
    return [derivative.data for derivative in outcome.derivatives]


def worker(variant: str, path: str, photos: int) -> None:
    """One round in this (fresh) process: prints the median ms and the peak RSS in MB."""
    from shared.memory import limit_arenas, retain_freed_memory

    limit_arenas()
    retain_freed_memory()
    data = Path(path).read_bytes()
    run = {"media": media, "reference": reference}[variant]
    assert len(run(data)) == 7  # warm-up: libraries loaded, the cascade read
    wall, cpu = [], []
    for _ in range(photos):
        started, started_cpu = time.perf_counter(), time.process_time()
        run(data)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{statistics.median(cpu):.1f} {statistics.median(wall):.1f} {peak:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", nargs=2, metavar=("VARIANT", "PATH"))
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.photos)
        return
    path = ROOT / "var" / "bench-media-12mp.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(photo())
    env = {**os.environ, "VIPS_CONCURRENCY": "1", "MALLOC_ARENA_MAX": "2", "PYTHONPATH": str(ROOT)}
    results: dict[str, list[tuple[float, float, float]]] = {"reference": [], "media": []}
    for _round in range(args.rounds):
        for variant in results:
            argv = [sys.executable, __file__, "--photos", str(args.photos), "--worker", variant, str(path)]
            out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout.split()
            results[variant].append((float(out[0]), float(out[1]), float(out[2])))
    size = path.stat().st_size / 1e6
    print(f"photo: 4000x3000 JPEG, {size:.1f} MB; {args.photos} photos x {args.rounds} rounds")
    cpu, wall = {}, {}
    for variant, rounds in results.items():
        cpus, walls = [r[0] for r in rounds], [r[1] for r in rounds]
        cpu[variant], wall[variant] = statistics.median(cpus), statistics.median(walls)
        print(
            f"{variant:10s} CPU {cpu[variant]:6.1f} ms/photo (rounds {min(cpus):.1f}-{max(cpus):.1f}), "
            f"wall {wall[variant]:6.1f} ms (rounds {min(walls):.1f}-{max(walls):.1f}), "
            f"peak RSS {max(r[2] for r in rounds):.0f} MB"
        )
    print(
        f"ratio media/reference: CPU {cpu['media'] / cpu['reference']:.2f}, "
        f"wall {wall['media'] / wall['reference']:.2f} (target <= 1.3)"
    )


if __name__ == "__main__":
    main()
