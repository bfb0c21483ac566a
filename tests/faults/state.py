"""The end state of a run, by nomination label, in terms two runs of the same load can be compared in.

Ids (nominations, candidates, assets, events) and times differ from run to run; what must not differ
is what each service ended up knowing about each student: review's candidate (every field it keeps,
statements by hash), the live photo asset and the derivatives on disk (none for the withdrawn), the
messages notify recorded and the ones it actually sent, and what intake tells the portal.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psycopg
from psycopg.rows import dict_row

from tests.faults.cluster import System, libpq

#: Asset states of a photo that is (or is about to be) the one shown.
LIVE_ASSETS = ("pending", "processed", "rejected", "missing")


def _rows(system: System, service: str, sql: str) -> list[dict[str, Any]]:
    with psycopg.connect(libpq(system.database_urls[service]), row_factory=dict_row) as conn:
        return conn.execute(sql).fetchall()


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def snapshot(system: System, labels: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """label -> {"intake": ..., "review": ..., "media": ..., "notify": ...} for every submitted label."""
    by_id = {nomination_id: label for label, nomination_id in labels.items()}
    state: dict[str, dict[str, Any]] = {label: {} for label in labels}

    for row in _rows(
        system,
        "intake",
        "SELECT n.id, n.status, p.photo_status, p.photo_reason, p.stage, ph.sha256 AS photo"
        " FROM nominations n LEFT JOIN nomination_progress p ON p.nomination_id = n.id"
        " LEFT JOIN photos ph ON ph.nomination_id = n.id",
    ):
        label = by_id.get(row.pop("id"))
        if label:
            state[label]["intake"] = row

    statements: dict[str, dict[str, str]] = {}
    for row in _rows(system, "review", "SELECT candidate_id, language, text FROM statements"):
        statements.setdefault(row["candidate_id"], {})[row["language"]] = _digest(row["text"])
    for row in _rows(system, "review", "SELECT * FROM candidates"):
        label = by_id.get(row["nomination_id"])
        if label:
            candidate = {
                k: v for k, v in row.items() if k not in ("id", "nomination_id", "created_at", "updated_at")
            }
            candidate["statements"] = statements.get(row["id"], {})
            state[label]["review"] = candidate
    for row in _rows(system, "review", "SELECT nomination_id, status, reason, derivatives FROM photos"):
        label = by_id.get(row.pop("nomination_id"))
        if label:
            row["derivatives"] = sorted(Path(key).name for key in row["derivatives"] or [])
            state[label]["review_photo"] = row

    for row in _rows(
        system,
        "media",
        "SELECT nomination_id, status, reason, source_sha256, width, height, derivatives FROM assets"
        f" WHERE status IN ({', '.join(repr(s) for s in LIVE_ASSETS)}) ORDER BY source_sha256",
    ):
        label = by_id.get(row.pop("nomination_id"))
        if label:
            row["derivatives"] = sorted(Path(key).name for key in row["derivatives"] or [])
            state[label].setdefault("media", []).append(row)
    for label, nomination_id in labels.items():
        folder = system.data_dir / "blobs" / "media" / "media" / nomination_id
        files = sorted(path.name for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else []
        state[label]["media_files"] = files

    for row in _rows(
        system,
        "notify",
        "SELECT nomination_id, template, channel, language, recipient, status, error FROM messages",
    ):
        label = by_id.get(row.pop("nomination_id"))
        if label:
            state[label].setdefault("notify", []).append(row)
    for entry in state.values():
        _forget_photo_progress_of_the_withdrawn(entry)
        _forget_what_a_withdrawal_may_have_stopped(entry)
        entry["notify"] = sorted(entry.get("notify", []), key=lambda r: tuple(str(v) for v in r.values()))
    return state


def _forget_photo_progress_of_the_withdrawn(entry: dict[str, Any]) -> None:
    """Leave out what a withdrawn student's photo came to before the withdrawal won: it is timing.

    Media may process the photo before the withdrawal arrives (then deletes the derivatives) or after
    it (then makes none), so intake's photo progress and review's photo may end `processed` in one run
    and `pending` in the other, both correct. What must still agree is compared as before: the status
    `withdrawn` in intake and review, no live asset in media and no derivative on disk.
    """
    if (entry.get("intake") or {}).get("status") != "withdrawn":
        return
    entry["intake"] = {k: v for k, v in entry["intake"].items() if k not in ("photo_status", "photo_reason")}
    entry.pop("review_photo", None)


def _forget_what_a_withdrawal_may_have_stopped(entry: dict[str, Any]) -> None:
    """Leave out of a withdrawn student's messages the ones that left or that the withdrawal stopped.

    Nothing goes to a withdrawn student after the withdrawal (notify's contract), so whether a
    message recorded before it left or was stopped (`failed`, `withdrawn`), or was never recorded
    (the withdrawal handled first), is timing: `tests.faults.messages.compare` checks those. What
    must still agree is any other failure. The error is compared only as that distinction.
    """
    withdrawn = (entry.get("intake") or {}).get("status") == "withdrawn"
    kept = []
    for row in entry.get("notify", []):
        error = row.pop("error", None)
        raced = row["status"] in ("sent", "delivered") or (row["status"] == "failed" and error == "withdrawn")
        if not (withdrawn and raced):
            kept.append(row)
    entry["notify"] = kept


def diff(clean: Mapping[str, dict[str, Any]], faulty: Mapping[str, dict[str, Any]]) -> list[str]:
    """Every (label, part) whose state differs, with both sides; empty when the runs agree."""
    found = []
    for label in sorted(set(clean) | set(faulty)):
        left, right = clean.get(label, {}), faulty.get(label, {})
        for part in sorted(set(left) | set(right)):
            if left.get(part) != right.get(part):
                found.append(f"{label} {part}: clean={left.get(part)!r} faulty={right.get(part)!r}")
    return found


def _by_label(system: System, service: str, sql: str, by_id: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    found = {}
    for row in _rows(system, service, sql):
        label = by_id.get(row.pop("nomination_id"))
        if label:
            found[label] = row
    return found


def stale(system: System, labels: Mapping[str, str]) -> list[str]:
    """Where a consumer disagrees with intake, the source of every fact it keeps about a student.

    Review's candidate (names, language, specialty, course, standing, categories, achievements,
    statements, withdrawn or not), notify's recipient (contacts, language) and media's live photo
    (intake's current one; none for the withdrawn) must end as intake's nomination ends.
    """
    by_id = {nomination_id: label for label, nomination_id in labels.items()}
    fields = "last_name, first_name, patronymic, language, specialty, course, academic_standing, categories"
    intake = _by_label(
        system,
        "intake",
        f"SELECT n.id AS nomination_id, {fields}, email, phone, status, ph.sha256 AS photo"
        " FROM nominations n LEFT JOIN photos ph ON ph.nomination_id = n.id",
        by_id,
    )
    for row in intake.values():
        row["categories"] = sorted(row["categories"])
        row["achievements"], row["statements"] = [], {}
    for row in _rows(system, "intake", "SELECT nomination_id, title FROM achievements ORDER BY position"):
        label = by_id.get(row["nomination_id"])
        if label:
            intake[label]["achievements"].append(row["title"])
    for row in _rows(system, "intake", "SELECT nomination_id, language, text FROM statements"):
        label = by_id.get(row["nomination_id"])
        if label:
            intake[label]["statements"][row["language"]] = _digest(row["text"])
    review = _by_label(
        system, "review", f"SELECT id, nomination_id, {fields}, achievements, status FROM candidates", by_id
    )
    statements: dict[str, dict[str, str]] = {}
    for row in _rows(system, "review", "SELECT candidate_id, language, text FROM statements"):
        statements.setdefault(row["candidate_id"], {})[row["language"]] = _digest(row["text"])
    notify = _by_label(
        system,
        "notify",
        "SELECT nomination_id, last_name, first_name, patronymic, email, phone, language FROM recipients",
        by_id,
    )
    live = _by_label(
        system,
        "media",
        "SELECT nomination_id, source_sha256 FROM assets"
        f" WHERE status IN ({', '.join(repr(s) for s in LIVE_ASSETS)})",
        by_id,
    )
    problems = []
    for label, source in sorted(intake.items()):
        withdrawn = source["status"] == "withdrawn"
        candidate = review.get(label)
        if candidate is None:
            problems.append(f"{label} review: no candidate")
        else:
            candidate["categories"] = sorted(candidate["categories"])
            candidate["achievements"] = [a.get("title") for a in candidate["achievements"]]
            candidate["statements"] = statements.get(candidate.pop("id"), {})
            candidate["withdrawn"] = candidate.pop("status") == "withdrawn"
            expected = {k: source[k] for k in candidate if k in source} | {"withdrawn": withdrawn}
            wrong = {k: (candidate[k], expected[k]) for k in candidate if candidate[k] != expected[k]}
            if wrong:
                problems.append(f"{label} review stale {sorted(wrong)}: " + repr(wrong)[:300])
        recipient = notify.get(label)
        if recipient is not None:
            wrong = {k: (v, source[k]) for k, v in recipient.items() if v != source[k]}
            if wrong:
                problems.append(f"{label} notify stale {sorted(wrong)}")
        photo = live.get(label)
        if withdrawn and photo is not None:
            problems.append(f"{label} media: a live photo of a withdrawn student ({photo})")
        if not withdrawn and (photo or {}).get("source_sha256") != source["photo"]:
            problems.append(f"{label} media: live photo {photo} is not intake's {source['photo']}")
        folder = system.data_dir / "blobs" / "media" / "media" / labels[label]
        if withdrawn and folder.is_dir() and any(p.is_file() for p in folder.rglob("*")):
            problems.append(f"{label} media: derivatives of a withdrawn student on disk")
    return problems
