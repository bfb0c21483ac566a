"""A nomination's response built by hand (`render.represent`) against the schema's dump
(`schemas.NominationOut().dump`), in process: microseconds per call, best and median of rounds.

    .venv/bin/python bench/render.py [--calls 3000] [--rounds 7]

The nomination has every part a response shows (three statements of about 260 words, three
achievements, a guardian, a photo, progress with a decision and a message), as the answer to
`POST /api/v1/nominations` and `GET /api/v1/nominations/{id}` does; the two must give the same dict.
Then the CPU time of reading one nomination and a page of 15 through the app (Flask's test client,
a scratch SQLite database), with each of the two.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from services.intake.models import Nomination, Photo, Progress
from services.intake.operations.nominations import apply
from services.intake.operations.render import represent
from services.intake.operations.validation import load_nomination
from services.intake.schemas import NominationOut
from services.intake.tests import factories

SENTENCE = {
    "kk": "Мен колледжде оқимын және әр сабақтан жаңа білім алуға тырысамын. ",
    "ru": "Я учусь в колледже и стараюсь узнавать новое на каждом занятии. ",
    "en": "I study at the college and try to learn something new in every class. ",
}


def nomination() -> Nomination:
    """A minor's nomination made as a submission makes it (`apply` of the tests' document, checked):
    a guardian, three achievements and three statements of about 260 words; then a photo and progress."""
    now = datetime(2026, 9, 20, 5, tzinfo=UTC)
    guardian = {"full_name": "Серік Нұрланов", "phone": "+77017654321"}
    achievement = {"title": "WorldSkills", "year": 2025, "level": "national", "description": "Құзырет"}
    doc = factories.nomination(
        birth=date(2009, 3, 14),
        achievements=[achievement] * 3,
        statements={lang: text * 26 for lang, text in SENTENCE.items()},
        consent={"personal_data": True, "publication": True, "guardian": guardian},
    )
    data, errors = load_nomination(doc, day=now.date())
    assert not errors, errors
    n = Nomination(
        id="3f1c2a9e-5b7d-4e21-9a0c-6d8e2f4b1a37",
        year=2026,
        college_code="ALA-001",
        region_code="almaty",
        portal_key_id="bench",
        sandbox=False,
        status="submitted",
        submitted_at=now,
        withdrawn_at=None,
    )
    apply(n, data, now)
    n.photo = Photo(
        key="k", url="u", sha256="a" * 64, content_type="image/jpeg", size=1 << 20, width=1200, height=1600,
        uploaded_at=now,
    )  # fmt: skip
    n.progress = Progress(
        stage="regional",
        decisions=[
            {
                "type": "candidate.registered",
                "stage": "regional",
                "outcome": None,
                "at": "09-21",
                "correction": False,
            },
        ],
        photo_status="processed",
        photo_reason=None,
        notifications=[{"channel": "email", "template": "received", "at": "09-20", "status": "sent"}],
        updated_at=now,
    )
    return n


def timed(
    call: Callable[[], object], calls: int, rounds: int, clock: Callable[[], float] = time.perf_counter
) -> tuple[float, float]:
    per_call = []
    for _ in range(rounds):
        start = clock()
        for _ in range(calls):
            call()
        per_call.append((clock() - start) / calls * 1e6)
    return min(per_call), statistics.median(per_call)


def through_the_app(rounds: int) -> None:
    """Reads through the app, with `represent` and then the schema's dump behind the views."""
    os.environ["TOP100_NOW"] = "2026-09-20T10:00:00+05:00"
    from services.intake.api import nominations as views
    from services.intake.app import create_app
    from services.intake.bootstrap import build
    from services.intake.operations import keys, refdata
    from shared import migrate

    folder = Path(tempfile.mkdtemp(prefix="render-bench-"))
    url = f"sqlite:///{folder / 'intake.sqlite3'}"
    migrate.upgrade("intake", url)
    runtime = build(factories.settings(folder, url))
    with runtime.db.unit_of_work() as session:
        refdata.load_paths(session, [])
        _row, key = keys.issue(session, "almaty")
    client, auth = create_app(runtime).test_client(), {"Authorization": f"Bearer {key}"}
    for serial in range(15):
        doc = factories.nomination(serial + 1, college=f"ALA-00{serial // 3 + 1}")
        doc["statements"] = {lang: factories.statement(lang) for lang in SENTENCE}
        first = client.post("/api/v1/nominations", json=doc, headers=auth).json["id"]
    hand_built = views.represent
    for name, render in (("hand-built", hand_built), ("schema", NominationOut().dump)):
        views.represent = render
        for what, path, calls in (("one", f"/nominations/{first}", 200), ("page of 15", "/nominations", 40)):
            best, median = timed(
                lambda path=path: client.get(f"/api/v1{path}?per_page=15", headers=auth),
                calls,
                rounds,
                time.process_time,
            )
            print(f"GET {what:10s} {name:21s} best {best / 1e3:8.2f} ms   median {median / 1e3:8.2f} ms CPU")
    views.represent = hand_built
    runtime.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    n, schema = nomination(), NominationOut()
    if schema.dump(n) != represent(n):
        sys.exit("the schema's dump and the hand-built response differ")
    cases = {
        "hand-built (represent)": lambda: represent(n),
        "schema (NominationOut().dump)": lambda: schema.dump(n),
        "hand-built + json.dumps": lambda: json.dumps(represent(n), ensure_ascii=False),
        "schema + json.dumps": lambda: json.dumps(schema.dump(n), ensure_ascii=False),
    }
    for name, call in cases.items():
        best, median = timed(call, args.calls, args.rounds)
        print(f"{name:32s} best {best:8.1f} µs   median {median:8.1f} µs")
    through_the_app(args.rounds)


if __name__ == "__main__":
    main()
