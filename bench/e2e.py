"""Deadline night at country scale: the whole system as separate processes on this machine's RabbitMQ
and PostgreSQL, a regional intake of camera photos, measured against the machine's media limit.

    .venv/bin/python bench/e2e.py --quick            # 24 nominations, about a minute (also a test)
    .venv/bin/python bench/e2e.py --full             # 2,400 nominations (run it niced: minutes)
    .venv/bin/python bench/e2e.py --quick --faults   # the same load again under fire, side by side
    .venv/bin/python bench/e2e.py --full --photos /var/tmp/top100-e2e   # photos made once, kept

A generated country (20 regions, 40 colleges each: 800) and N nominations spread over the regions,
each with its own 12 MP JPEG (`bench/e2e_photos.py`: a face somewhere, some CMYK, some turned by
EXIF), submitted by 8 concurrent portal clients as fast as intake takes them. Then the commissions
of two regions decide through review's API, and media and notify finish. The system is
`bench/e2e_system.py`: each service's gunicorn and worker, media's photo workers apart; the store on
the local disk; SMTP and two SMS gateways served by this process. It prints: nominations/s
accepted and the submit's p50/p99; per hop p50/p99 from intake's commit (the 201) to visible in
review, photo settled in media (derivatives stored, or rejected with a reason), receipt handed to
the SMTP server, receipt SMS handed to a gateway; the time to drain; CPU seconds and peak RSS per
process kind; the media limit (`bench/media.py`'s CPU per photo x N / cores, measured in the same
run) and `drain / media limit`; and the exact end state, checked. `--faults` kills one worker of
every kind (SIGKILL) mid-rush, closes the broker connections and terminates the PostgreSQL backends,
and the end state must equal the clean run's.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import e2e_photos  # noqa: E402
import requests  # noqa: E402
from e2e_system import Rush, Watcher, rows  # noqa: E402

from shared import testing  # noqa: E402
from shared.regions import region_codes  # noqa: E402
from tests.e2e.system import top100  # noqa: E402
from tests.faults.faults import close_vhost_connections, terminate_backends  # noqa: E402
from tests.faults.load import _student  # noqa: E402

COLLEGES_PER_REGION = 40
CLIENTS = 8
DECIDING = ("astana", "almaty")
SUBMIT_NOW = "2026-10-03T14:00:00+05:00"  # two days before intake closes, in the afternoon
DECIDE_NOW = "2026-10-10T10:00:00+05:00"
RETRYABLE = frozenset({0, 500, 502, 503, 504})


@dataclass(frozen=True)
class Profile:
    name: str
    nominations: int
    photo_workers: int
    #: Seconds the run may take after the last submission until everything is drained.
    drain_timeout: float
    #: Notify's workers (consumers of the same region queues): receipts are I/O-bound, not CPU-bound.
    notify_workers: int = 1


PROFILES = {
    "quick": Profile("quick", 24, photo_workers=2, drain_timeout=300),
    "full": Profile("full", 2400, photo_workers=2, drain_timeout=1800),
}


@dataclass
class Run:
    name: str
    submits: dict[int, tuple[float, float]] = field(default_factory=dict)  # index -> (sent, accepted)
    ids: dict[int, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    retried: int = 0
    faults: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def country(n: int, seed: int) -> tuple[str, list[Any]]:
    """The colleges CSV of 20 regions and the N students, spread over the regions and colleges."""
    regions = region_codes()
    lines = ["code,region,name_kk,name_ru,name_en,city,active"]
    for r, region in enumerate(regions):
        for c in range(1, COLLEGES_PER_REGION + 1):
            lines.append(
                f"E2E-{r:02d}-{c:03d},{region},Колледж {r}-{c} ә,Колледж {r}-{c},College {r}-{c},City,true"
            )
    rng = random.Random(seed)
    students = []
    for index in range(n):
        r = index % len(regions)
        college = f"E2E-{r:02d}-{(index // len(regions)) % COLLEGES_PER_REGION + 1:03d}"
        students.append(_student(rng, index, regions[r], college))
    return "\n".join(lines) + "\n", students


def make_photos(n: int, seed: int, folder: Path) -> list[Path]:
    """Every nomination's photo on disk before the rush (a pool of processes, niced). A photo already
    in `folder` is kept: the same seed and index make the same bytes (`e2e_photos.photo`), so runs
    given one `--photos` folder generate the 2,400 photos (6 minutes here) once."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [e2e_photos.path_of(folder, index) for index in range(n)]
    missing = [index for index, path in enumerate(paths) if not path.is_file()]
    if missing:
        with ProcessPoolExecutor(max(1, (os.cpu_count() or 2)), initializer=os.nice, initargs=(10,)) as pool:
            count = len(missing)
            for _ in pool.map(e2e_photos.write, [seed] * count, missing, [str(folder)] * count, chunksize=8):
                pass  # each result read, so a photo that could not be made raises here
    return paths


def submit_all(rush: Rush, students: list[Any], photos: list[Path], run: Run) -> None:
    """8 portal clients, each its share of the nominations, one request after the other."""
    lock = threading.Lock()

    def client(lane: int) -> None:
        session = requests.Session()
        for index in range(lane, len(students), CLIENTS):
            student = students[index]
            sent = time.time()
            status, body = _post(rush, session, student, photos[index].read_bytes(), run, lock)
            with lock:
                if status == 201:
                    run.submits[index] = (sent, time.time())
                    run.ids[index] = json.loads(body)["id"]
                else:
                    run.refused.append(f"{student.label}: {status} {body[:200]}")

    threads = [threading.Thread(target=client, args=(lane,)) for lane in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _post(
    rush: Rush, session: requests.Session, student: Any, photo: bytes, run: Run, lock: threading.Lock
) -> tuple[int, str]:
    """One submission, retried while intake is briefly unable (a terminated backend, a restart)."""
    files = {
        "nomination": (None, json.dumps(student.document, ensure_ascii=False).encode(), "application/json"),
        "photo": ("photo.jpg", photo, "image/jpeg"),
    }
    headers = {
        "Authorization": f"Bearer {rush.keys[student.region]}",
        "Idempotency-Key": f"e2e-{student.label}",
    }
    deadline, pause = time.monotonic() + 120, 0.2
    while True:
        try:
            answer = session.post(
                rush.url("intake", "/api/v1/nominations"), headers=headers, files=files, timeout=60
            )
            status, text = answer.status_code, answer.text
        except requests.ConnectionError as exc:
            status, text = 0, type(exc).__name__
        if status not in RETRYABLE or time.monotonic() > deadline:
            return status, text
        with lock:
            run.retried += 1
        time.sleep(pause)
        pause = min(pause * 2, 3.0)


def fire(rush: Rush, run: Run, total: int) -> threading.Thread:
    """Faults at set points of the rush: every worker kind killed once, connections, backends."""
    plan = [
        (0.15, "kill intake-worker"),
        (0.25, "kill review-worker"),
        (0.35, "kill media-photos-1"),
        (0.45, "kill media-worker"),
        (0.55, "kill notify-worker"),
        (0.65, "close broker connections"),
        (0.75, "terminate database backends"),
    ]

    def run_plan() -> None:
        for share, fault in plan:
            while len(run.submits) < share * total and not run.figures.get("submitted"):
                time.sleep(0.1)
            if fault.startswith("kill "):
                piece = rush.pieces[fault.split()[1]]
                assert piece.process is not None
                os.kill(piece.process.pid, 9)
                run.faults.append(fault)
            elif fault.startswith("close"):
                run.faults.append(f"{fault}: {close_vhost_connections(rush.vhost)}")
            else:
                run.faults.append(f"{fault}: {terminate_backends(rush)}")

    thread = threading.Thread(target=run_plan, name="e2e-faults", daemon=True)
    thread.start()
    return thread


def handed_over(rush: Rush) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Message-ID/reference -> the times each was handed to the SMTP server / an SMS gateway."""
    emails: dict[str, list[float]] = {}
    for (_, _, raw), at in zip(list(rush.mail.handler.received), list(rush.mail.handler.at), strict=False):
        message_id = raw.split(b"Message-ID: <", 1)[1].split(b"@", 1)[0].decode()
        emails.setdefault(message_id, []).append(at)
    sms: dict[str, list[float]] = {}
    for gateway in rush.gateways:
        for (_, body), at in zip(list(gateway.requests), list(gateway.at), strict=False):
            sms.setdefault(body["reference"], []).append(at)
    return emails, sms


def receipts(rush: Rush) -> dict[tuple[str, str], str]:
    """(nomination id, channel) -> notify's message id of the receipt."""
    found = rows(
        rush,
        "notify",
        "SELECT nomination_id, channel, id FROM messages WHERE template = 'nomination_received'",
    )
    return {(nomination_id, channel): message_id for nomination_id, channel, message_id in found}


def hops(rush: Rush, watcher: Watcher, run: Run) -> dict[str, list[float]]:
    """Per nomination, seconds from intake's commit (its 201) to each hop; missing ones are left out."""
    emails, sms = handed_over(rush)
    kept = receipts(rush)
    found: dict[str, list[float]] = {"review": [], "media": [], "smtp": [], "sms": []}
    for index, nomination_id in run.ids.items():
        accepted = run.submits[index][1]
        for hop, seen in (("review", watcher.review), ("media", watcher.media)):
            if nomination_id in seen:
                found[hop].append(seen[nomination_id] - accepted)
        for hop, channel, wire in (("smtp", "email", emails), ("sms", "sms", sms)):
            times = wire.get(kept.get((nomination_id, channel), ""), [])
            if times:
                found[hop].append(min(times) - accepted)
    return found


def drained(rush: Rush, watcher: Watcher, run: Run) -> bool:
    found = hops(rush, watcher, run)
    return all(len(times) == len(run.ids) for times in found.values())


def decide(rush: Rush, run: Run) -> dict[str, Any]:
    """The commissions of two regions each advance three candidates through review's API."""
    url = rush.start_commission(DECIDE_NOW)
    env = dict(rush.env, TOP100_NOW=DECIDE_NOW)
    started, decided = time.time(), {}
    for region in DECIDING:
        email = f"chair.{region}@e2e.example.kz"
        made = top100(
            env,
            "users",
            "create",
            "--email",
            email,
            "--role",
            "regional_chair",
            "--scope",
            region,
            stdin="a long enough password for e2e\n" * 2,
        )
        assert made.returncode == 0, made.stderr
        token = top100(env, "users", "token", "--email", email).stdout.strip().splitlines()[-1]
        headers = {"Authorization": f"Bearer {token}"}
        listed = requests.get(
            f"{url}/api/v1/candidates", params={"region": region}, headers=headers, timeout=30
        )
        candidates = sorted(item["id"] for item in listed.json()["items"])
        decision = {
            "year": 2026,
            "stage": "regional",
            "region": region,
            "advanced": candidates[:3],
            "justification": "Комиссия шешімі: ең жоғары ұпай.",
            "members_present": [email],
        }
        answer = requests.post(f"{url}/api/v1/decisions", json=decision, headers=headers, timeout=60)
        decided[region] = (answer.status_code, len(candidates))
        if answer.status_code != 201:
            run.problems.append(f"decision of {region}: {answer.status_code} {answer.text[:300]}")
    return {"decided": decided, "at": started}


def decision_letters(rush: Rush, since: float) -> tuple[int, int, list[float]]:
    """Decision letters notify recorded, how many reached the SMTP server, and when (from `since`)."""
    emails, _ = handed_over(rush)
    found = rows(
        rush, "notify", "SELECT id FROM messages WHERE template LIKE 'candidate%' AND channel = 'email'"
    )
    times = [min(emails[message_id]) - since for (message_id,) in found if message_id in emails]
    return len(found), len(times), times


def media_limit(n: int) -> tuple[float, float]:
    """`bench/media.py`'s CPU ms per 12 MP photo, measured now; and N photos' CPU over the cores."""
    argv = [sys.executable, str(ROOT / "bench" / "media.py"), "--photos", "3", "--rounds", "1"]
    out = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=600).stdout
    line = next(line for line in out.splitlines() if line.startswith("media "))
    per_photo = float(line.split("CPU")[1].split("ms")[0])
    return per_photo, per_photo / 1000 * n / (os.cpu_count() or 1)


def end_state(rush: Rush, run: Run) -> tuple[dict[str, Any], list[str]]:
    """Per nomination what each service ended with, and every way it falls short of exact."""
    by_id = {nomination_id: f"n{index:04d}" for index, nomination_id in run.ids.items()}
    state: dict[str, Any] = {label: {} for label in by_id.values()}
    for (nomination_id,) in rows(rush, "review", "SELECT nomination_id FROM candidates"):
        if nomination_id in by_id:
            state[by_id[nomination_id]]["candidate"] = True
    for nomination_id, status, reason in rows(
        rush, "media", "SELECT nomination_id, status, reason FROM assets"
    ):
        if nomination_id in by_id:
            state[by_id[nomination_id]].setdefault("assets", []).append(f"{status}:{reason or ''}")
    emails, sms = handed_over(rush)
    for (nomination_id, channel), message_id in receipts(rush).items():
        if nomination_id in by_id:
            wire = emails if channel == "email" else sms
            state[by_id[nomination_id]][f"receipt_{channel}"] = len(wire.get(message_id, []))
    problems = [f"{label}: {entry}" for label, entry in sorted(state.items()) if not _exact(entry)]
    doubled = sum(len(times) - 1 for wire in (emails, sms) for times in wire.values())
    if doubled:
        problems.append(f"{doubled} message(s) handed over more than once")
    parked = {name: sum(counts) for name, counts in rush.queue_counts().items() if name.endswith(".parked")}
    if any(parked.values()):
        problems.append(f"parked: {parked}")
    moving = rush.moving()
    if moving:
        problems.append(f"still moving: {moving}")
    if run.refused:
        problems.append(f"intake refused {len(run.refused)}: {run.refused[:3]}")
    return state, problems


def _exact(entry: dict[str, Any]) -> bool:
    """A candidate, one photo processed (or rejected with a reason), one receipt email and SMS."""
    assets = entry.get("assets", [])
    status, _, reason = assets[0].partition(":") if len(assets) == 1 else ("", "", "")
    settled = status == "processed" or (status == "rejected" and bool(reason))
    receipts_once = (entry.get("receipt_email"), entry.get("receipt_sms")) == (1, 1)
    return bool(entry.get("candidate")) and settled and receipts_once


def _percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {statistics.median(values):6.2f} s  p99 {cuts[98]:6.2f} s"


def run_once(name: str, profile: Profile, seed: int, workdir: Path, photos: list[Path], faults: bool) -> Run:
    colleges, students = country(profile.nominations, seed)
    run = Run(name)
    with ExitStack() as stack:
        rush = Rush(name, workdir / name, stack, profile.photo_workers, profile.notify_workers)
        stack.callback(rush.stop)
        rush.env["TOP100_NOW"] = SUBMIT_NOW
        rush.prepare(colleges, region_codes())
        rush.start()
        watcher = Watcher(rush)
        watcher.start()
        stack.callback(watcher.stop)
        fault_thread = fire(rush, run, len(students)) if faults else None
        first = time.time()
        submit_all(rush, students, photos, run)
        run.figures["submitted"] = time.time() - first
        if fault_thread is not None:
            fault_thread.join(timeout=120)
        deadline = time.monotonic() + profile.drain_timeout
        while not drained(rush, watcher, run) and time.monotonic() < deadline:
            time.sleep(0.5)
        run.figures["drain"] = (
            max((t + run.submits[i][1] for i, t in _last_hop(rush, watcher, run)), default=first) - first
        )
        run.figures["hops"] = {hop: _percentiles(times) for hop, times in hops(rush, watcher, run).items()}
        run.figures.update(_decisions(rush, run))
        rush.wait_quiet(profile.drain_timeout)
        watcher.usage.sample(rush)
        run.figures["usage"] = watcher.usage.by_kind()
        run.figures["restarts"] = dict(rush.restarts)
        run.state, problems = end_state(rush, run)
        run.problems += problems
    latencies = [accepted - sent for sent, accepted in run.submits.values()]
    run.figures["accepted_per_s"] = len(run.submits) / run.figures["submitted"]
    run.figures["submit"] = _percentiles(latencies)
    return run


def _last_hop(rush: Rush, watcher: Watcher, run: Run) -> list[tuple[int, float]]:
    """(index, seconds from its 201 to its last hop) of every nomination whose hops all happened."""
    emails, sms = handed_over(rush)
    kept = receipts(rush)
    last = []
    for index, nomination_id in run.ids.items():
        accepted = run.submits[index][1]
        times = [watcher.review.get(nomination_id), watcher.media.get(nomination_id)]
        times += [min(emails.get(kept.get((nomination_id, "email"), ""), [0.0]) or [0.0])]
        times += [min(sms.get(kept.get((nomination_id, "sms"), ""), [0.0]) or [0.0])]
        if all(times):
            last.append((index, max(t for t in times if t) - accepted))
    return last


def _decisions(rush: Rush, run: Run) -> dict[str, Any]:
    outcome = decide(rush, run)
    deadline = time.monotonic() + 300
    recorded, sent, times = decision_letters(rush, outcome["at"])
    while (not recorded or sent < recorded) and time.monotonic() < deadline:
        time.sleep(0.5)
        recorded, sent, times = decision_letters(rush, outcome["at"])
    if sent < recorded or not recorded:
        run.problems.append(f"decision letters: {sent} of {recorded} handed to SMTP")
    return {
        "decided": outcome["decided"],
        "decision_letters": f"{sent}/{recorded}",
        "decision_letter": _percentiles(times),
    }


def report(profile: Profile, runs: list[Run], limit: tuple[float, float], load: str) -> str:
    """Both runs' figures side by side, one line per figure."""
    per_photo, seconds = limit
    lines = [
        f"profile {profile.name}: {profile.nominations} nominations, 12 MP photos, {CLIENTS} portal clients, "
        f"{profile.photo_workers} photo workers, {profile.notify_workers} notify workers; "
        f"load before the run: {load}",
        f"media limit: {per_photo:.0f} ms CPU per photo x {profile.nominations} / {os.cpu_count()} cores"
        f" = {seconds:.1f} s",
    ]
    rows_: list[tuple[str, list[str]]] = [
        ("accepted", [f"{r.figures['accepted_per_s']:.2f} nominations/s" for r in runs]),
        ("submit", [r.figures["submit"] for r in runs]),
        *[
            (f"hop {hop}", [r.figures["hops"][hop] for r in runs])
            for hop in ("review", "media", "smtp", "sms")
        ],
        ("drain", [f"{r.figures['drain']:.1f} s" for r in runs]),
        ("drain / media limit", [f"{r.figures['drain'] / seconds:.2f}" for r in runs]),
        (
            "decision letters",
            [f"{r.figures['decision_letters']} {r.figures['decision_letter']}" for r in runs],
        ),
        ("portal retries", [str(r.retried) for r in runs]),
        ("restarts", [str(r.figures["restarts"]) for r in runs]),
        ("faults", [", ".join(r.faults) or "-" for r in runs]),
    ]
    kinds = sorted({kind for r in runs for kind in r.figures["usage"]})
    for kind in kinds:
        rows_.append(
            (
                f"{kind} CPU s / peak MB",
                ["{:.1f} s / {:.0f} MB".format(*r.figures["usage"].get(kind, (0, 0))) for r in runs],
            )
        )
    width = max(len(label) for label, _ in rows_)
    lines.append(" " * (width + 2) + "  ".join(f"{r.name:42s}" for r in runs))
    lines += [f"{label:{width}s}  " + "  ".join(f"{v:42s}" for v in values) for label, values in rows_]
    for r in runs:
        states = Counter(str(sorted(entry.items())) for entry in r.state.values())
        lines.append(
            f"{r.name} end state: {len(r.state)} nominations, {len(states)} distinct outcomes; "
            f"{'exact' if not r.problems else 'PROBLEMS: ' + '; '.join(r.problems[:8])}"
        )
    if len(runs) == 2:
        same = runs[0].state == runs[1].state
        lines.append(f"end states of the two runs: {'identical' if same else 'DIFFERENT'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[Run]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--quick", action="store_const", dest="profile", const="quick")
    which.add_argument("--full", action="store_const", dest="profile", const="full")
    parser.add_argument("--faults", action="store_true", help="run again under fire, side by side")
    parser.add_argument("--n", type=int, help="nominations (overrides the profile's)")
    parser.add_argument("--seed", type=int, default=20261005)
    parser.add_argument("--notify-workers", type=int, default=1, help="notify's worker processes (1)")
    parser.add_argument(
        "--photos",
        type=Path,
        help="keep the generated photos in this folder (per seed) and reuse them in later runs",
    )
    args = parser.parse_args(argv)
    profile = PROFILES[args.profile or "quick"]
    profile = dataclasses.replace(
        profile, nominations=args.n or profile.nominations, notify_workers=args.notify_workers
    )
    testing.require("PostgreSQL", testing.POSTGRES)
    testing.require("RabbitMQ", testing.RABBITMQ)
    load = Path("/proc/loadavg").read_text().split()[:3]
    with tempfile.TemporaryDirectory(prefix="top100-e2e-") as folder:
        work = Path(folder)
        started = time.monotonic()
        photos = make_photos(profile.nominations, args.seed, (args.photos or work) / f"photos-{args.seed}")
        print(f"photos ready in {time.monotonic() - started:.0f} s", flush=True)
        limit = media_limit(profile.nominations)
        runs = [run_once("clean", profile, args.seed, work, photos, faults=False)]
        if args.faults:
            runs.append(run_once("under fire", profile, args.seed, work, photos, faults=True))
    print(report(profile, runs, limit, " ".join(load)), flush=True)
    return runs


if __name__ == "__main__":
    main()
