"""A deterministic load for intake's HTTP API: nominations, then amendments, photo replacements, withdrawals.

Everything comes from one seed: the same seed gives the same students, the same documents, the same
photos (byte for byte) and the same order of operations per nomination, so a clean run and a fault
run of one load can be compared nomination by nomination. Operations of different nominations run
concurrently (as several portals would send them); those of one nomination run in their order,
because a portal waits for an answer before it sends the next change.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import requests

from services.intake.tests import factories

#: Regions the load spreads over; each gets its own portal key and its own generated colleges.
REGIONS = ("almaty", "astana", "shymkent", "karaganda")
#: Nominations per generated college: the college quota is 3 active ones, never reached here.
PER_COLLEGE = 2
MERGE_PATCH = "application/merge-patch+json"

LAST_NAMES = ("Нұрланова", "Әбілқасымов", "Қожахметова", "Сәрсенбаев", "Өтебаева", "Ұлықбекова", "Жүнісов")
FIRST_NAMES = ("Әйгерім", "Іңкәр", "Ғалымжан", "Нұрсұлтан", "Аңсаған", "Өркен", "Ұлжан", "Һәдия")
PATRONYMICS = ("Серікқызы", "Ғалымұлы", "Бекұлы", "Нұрланқызы", None)
SPECIALTIES = (
    "Бағдарламалық қамтамасыз ету",
    "Мейірбике ісі",
    "Программная инженерия",
    "Electrical Engineering",
)
CATEGORIES = (
    "leadership",
    "skills_contests",
    "science_creativity_sport",
    "youth_policy",
    "youth_organisations",
)
LEVELS = ("college", "city", "regional", "national", "international")
LANGUAGES = ("kk", "ru", "en")


def college_code(region: str, number: int) -> str:
    return f"FLT-{region[:3].upper()}-{number:03d}"


@dataclass(frozen=True)
class Student:
    """One nomination of the load: who, where, and the contacts a log must never show."""

    label: str
    region: str
    college: str
    iin: str
    email: str
    phone: str
    document: dict[str, Any]
    photo: bytes | None


@dataclass(frozen=True)
class Operation:
    """One request of a portal: `submit`, `amend` (a merge patch), `photo` (PUT) or `withdraw`."""

    label: str
    kind: str
    patch: dict[str, Any] | None = None
    photo: bytes | None = None


@dataclass
class Load:
    seed: int
    students: dict[str, Student]
    operations: list[Operation]

    def colleges_csv(self) -> str:
        """The generated colleges for `top100 refdata load` (code,region,names,city,active)."""
        lines = ["code,region,name_kk,name_ru,name_en,city,active"]
        for code, region in sorted({(s.college, s.region) for s in self.students.values()}):
            lines.append(f"{code},{region},Колледж {code} ә,Колледж {code},College {code},City,true")
        return "\n".join(lines) + "\n"

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for op in self.operations:
            found[op.kind] = found.get(op.kind, 0) + 1
        return found

    @property
    def withdrawn(self) -> set[str]:
        return {op.label for op in self.operations if op.kind == "withdraw"}


def _photo(rng: random.Random) -> bytes:
    """A valid JPEG of its own colour, so every photo has its own hash (same seed, same bytes)."""
    from PIL import Image

    colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    image = Image.new("RGB", (600, 750), colour)
    image.putpixel((rng.randrange(600), rng.randrange(750)), (255 - colour[0], 0, 0))
    import io

    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _achievements(rng: random.Random) -> list[dict[str, Any]]:
    return [
        {
            "title": f"Байқау {rng.randrange(1, 99)} — қатысу",
            "year": rng.choice((2024, 2025)),
            "level": rng.choice(LEVELS),
        }
        for _ in range(rng.randint(1, 3))
    ]


def _student(rng: random.Random, index: int, region: str, college: str) -> Student:
    # An IIN's serial has four digits (make_iin may step past impossible ones: room of 10 each), so
    # each block of 900 students is born in a year of its own: 2,400 students have 2,400 IINs.
    block, place = divmod(index, 900)
    birth = date(2003 + block % 5, rng.randint(1, 12), rng.randint(1, 28))
    female = rng.random() < 0.5
    iin = factories.make_iin(birth, serial=place * 10 + 1, female=female)
    email = f"faults.student{index:04d}@example.kz"
    phone = f"+7701{3000000 + index * 37:07d}"
    language = rng.choice(LANGUAGES)
    languages = {language, *rng.sample(LANGUAGES, rng.randint(0, 2))}
    document = factories.nomination(
        college=college,
        birth=birth,
        student={
            "iin": iin,
            "last_name": rng.choice(LAST_NAMES),
            "first_name": rng.choice(FIRST_NAMES),
            "patronymic": rng.choice(PATRONYMICS),
            "birth_date": birth.isoformat(),
            "email": email,
            "phone": phone,
            "language": language,
            "specialty": rng.choice(SPECIALTIES),
            "course": rng.randint(1, 4),
            "academic_standing": rng.choice(("excellent", "good")),
        },
        categories=sorted(rng.sample(CATEGORIES, rng.randint(1, 3))),
        achievements=_achievements(rng),
        statements={lang: factories.statement(lang) for lang in sorted(languages)},
    )
    photo = _photo(rng) if rng.random() < 0.85 else None
    return Student(f"n{index:04d}", region, college, iin, email, phone, document, photo)


def _amendment(rng: random.Random, student: Student) -> dict[str, Any]:
    """A merge patch touching one to three of the fields review and notify keep."""
    choices: list[Callable[[], dict[str, Any]]] = [
        lambda: {"student": {"first_name": rng.choice(FIRST_NAMES)}},
        lambda: {"student": {"last_name": rng.choice(LAST_NAMES)}},
        lambda: {"student": {"specialty": rng.choice(SPECIALTIES)}},
        lambda: {"student": {"course": rng.randint(1, 4)}},
        lambda: {"student": {"academic_standing": rng.choice(("excellent", "good"))}},
        lambda: {"categories": sorted(rng.sample(CATEGORIES, rng.randint(1, 3)))},
        lambda: {"achievements": _achievements(rng)},
        lambda: {"statements": {lang: factories.statement(lang) for lang in LANGUAGES}},
        lambda: {"student": {"phone": f"+7702{4000000 + int(student.label[1:]) * 41:07d}"}},
    ]
    patch: dict[str, Any] = {}
    for make in rng.sample(choices, rng.randint(1, 3)):
        for key, value in make().items():
            if isinstance(value, dict) and isinstance(patch.get(key), dict):
                patch[key].update(value)
            else:
                patch[key] = value
    return patch


def generate(seed: int, count: int) -> Load:
    """`count` nominations and their later operations, interleaved at random but in order per nomination."""
    rng = random.Random(seed)
    students: dict[str, Student] = {}
    queues: list[list[Operation]] = []
    for index in range(count):
        region = REGIONS[index % len(REGIONS)]
        college = college_code(region, (index // len(REGIONS)) // PER_COLLEGE + 1)
        student = _student(rng, index, region, college)
        students[student.label] = student
        ops = [Operation(student.label, "submit", photo=student.photo)]
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            ops.append(Operation(student.label, "amend", patch=_amendment(rng, student)))
        if student.photo is None or rng.random() < 0.3:
            ops.insert(rng.randint(1, len(ops)), Operation(student.label, "photo", photo=_photo(rng)))
        if rng.random() < 0.2:
            ops.append(Operation(student.label, "withdraw"))
        queues.append(ops)
    operations: list[Operation] = []
    while queues:
        queue = rng.choice(queues)
        operations.append(queue.pop(0))
        if not queue:
            queues.remove(queue)
    return Load(seed, students, operations)


@dataclass
class Outcome:
    """What the portals saw: nomination ids by label, and any answer that was not the expected one."""

    ids: dict[str, str] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)
    retried: int = 0
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


#: Answers a portal retries: the service was briefly unable (a terminated database backend).
RETRYABLE = frozenset({500, 502, 503, 504})


class Portal:
    """Sends a load's operations to intake, as the regional portals would, retrying what may be retried."""

    def __init__(self, base_url: str, keys: dict[str, str], *, give_up_after: float = 90.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.keys = keys
        self.give_up_after = give_up_after

    def run(self, load: Load, threads: int = 4) -> Outcome:
        outcome = Outcome()
        started = time.monotonic()
        lanes: list[list[Operation]] = [[] for _ in range(threads)]
        for op in load.operations:
            lanes[int(op.label[1:]) % threads].append(op)
        workers = [
            threading.Thread(target=self._lane, args=(load, lane, outcome), name=f"portal-{n}")
            for n, lane in enumerate(lanes)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        outcome.seconds = time.monotonic() - started
        return outcome

    def _lane(self, load: Load, ops: Sequence[Operation], outcome: Outcome) -> None:
        session = requests.Session()
        for op in ops:
            student = load.students[op.label]
            if op.kind != "submit" and op.label not in outcome.ids:
                continue  # its submission was refused: already reported
            status, body = self._send(session, student, op, outcome)
            expected = 201 if op.kind == "submit" else 200
            with outcome.lock:
                if status != expected:
                    outcome.unexpected.append(f"{op.label} {op.kind}: {status} {body[:300]}")
                elif op.kind == "submit":
                    outcome.ids[op.label] = json.loads(body)["id"]

    def _request(self, session: requests.Session, student: Student, op: Operation, nomination_id: str | None):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {self.keys[student.region]}"}
        url = f"{self.base_url}/api/v1/nominations"
        if op.kind == "submit":
            files: dict[str, Any] = {
                "nomination": (
                    None,
                    json.dumps(student.document, ensure_ascii=False).encode(),
                    "application/json",
                )
            }
            if op.photo is not None:
                files["photo"] = ("photo.jpg", op.photo, "image/jpeg")
            headers["Idempotency-Key"] = f"faults-{student.label}"
            return session.post(url, headers=headers, files=files, timeout=60)
        url = f"{url}/{nomination_id}"
        if op.kind == "amend":
            headers["Content-Type"] = MERGE_PATCH
            return session.patch(
                url, headers=headers, data=json.dumps(op.patch, ensure_ascii=False).encode(), timeout=60
            )
        if op.kind == "photo":
            headers["Content-Type"] = "image/jpeg"
            return session.put(f"{url}/photo", headers=headers, data=op.photo, timeout=60)
        return session.delete(url, headers=headers, timeout=60)

    def _send(
        self, session: requests.Session, student: Student, op: Operation, outcome: Outcome
    ) -> tuple[int, str]:
        deadline = time.monotonic() + self.give_up_after
        pause = 0.2
        while True:
            try:
                response = self._request(session, student, op, outcome.ids.get(op.label))
                if response.status_code not in RETRYABLE or time.monotonic() > deadline:
                    return response.status_code, response.text
            except requests.ConnectionError as exc:
                if time.monotonic() > deadline:
                    return 0, f"connection: {type(exc).__name__}"
            with outcome.lock:
                outcome.retried += 1
            time.sleep(pause)
            pause = min(pause * 2, 3.0)
