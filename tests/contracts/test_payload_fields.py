"""Every field of every payload a consumer receives is applied, or declared ignored by that consumer.

Review once dropped most of an amendment (categories, achievements, course...) while intake sent
them. Here each consumer's `handlers.IGNORED_FIELDS` names what it leaves alone on purpose, and for
every other field the same event is delivered twice, to two fresh databases, once with the field
changed: the consumer's state (its tables, without ids and times it makes up itself) must differ.
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.media.tests.factories import jpeg, stored_photo
from shared import config, events
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime
from shared.tests import nomination_story as story

CONSUMERS = ("review", "media", "notify")
NOMINATION = "5f0c2d4e-8a1b-4c3d-9e7f-0a1b2c3d4e5f"
EVENT_ID = uuid.UUID("1d3c0f7e-2b4a-4e6d-8c9b-7a6f5e4d3c2b")


def _handlers(service: str) -> Any:
    return importlib.import_module(f"services.{service}.handlers")


def _cases() -> Iterator[tuple[str, str, str]]:
    for service in CONSUMERS:
        module = _handlers(service)
        for event_type in sorted(module.HANDLERS):
            ignored = module.IGNORED_FIELDS.get(event_type, frozenset())
            for name in sorted(events._REGISTRY[(event_type, 1)].fields):
                if name not in ignored:
                    yield service, event_type, name


def _photos(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    return (
        stored_photo(folder, jpeg(600, 600), f"{NOMINATION}/a"),
        stored_photo(folder, jpeg(600, 700), f"{NOMINATION}/b"),
    )


def _payloads(folder: Path) -> dict[str, dict[str, Any]]:
    """A payload of each event type with every field set, about the same nomination."""
    photo_a, photo_b = _photos(folder)
    told = story.story(NOMINATION, photo_a, photo_b)
    amended = {**told["amended_1"].payload, **told["amended_2"].payload, "photo": photo_b}
    amended["changed"] = sorted(
        {*told["amended_1"].payload["changed"], *told["amended_2"].payload["changed"], "consent.publication"}
    )
    amended["consent_publication"] = False  # the student withdrew it (a consumer must act on it)
    return {
        "nomination.submitted": told["submitted"].payload,
        "nomination.amended": amended,
        "nomination.withdrawn": told["withdrawn"].payload,
        "media.photo_processed": {
            "nomination_id": NOMINATION,
            "asset_id": "a-1",
            "derivatives": [f"media/{NOMINATION}/web.jpg"],
            "nomination_revision": 2,
        },
        "media.photo_rejected": {
            "nomination_id": NOMINATION,
            "reason": "too_small",
            "nomination_revision": 2,
            "text": {"kk": "Фото тым кішкентай.", "ru": "Фото слишком маленькое.", "en": "Too small."},
            "params": {"min_side": 600},
        },
        "review.candidate_registered": {
            "nomination_id": NOMINATION,
            "candidate_id": "c-1",
            "stage": "internal",
        },
        "user.changed": {
            "user_id": "u-1",
            "generation": 2,
            "email": "member@example.kz",
            "name": "Сәрсенова Әлия Нұрғалиқызы",
            "role": "regional_member",
            "scope": "almaty",
            "language": "kk",
            "college": None,
            "last_name": "Сәрсенова",
            "first_name": "Әлия",
            "patronymic": "Нұрғалиқызы",
        },
        "user.disabled": {"user_id": "u-1", "generation": 3},
        "session.ended": {"user_id": "u-1", "session_id": "s-1"},
        **_decisions(),
        **{f"notification.{kind}": _notification(kind) for kind in ("sent", "delivered", "failed")},
        "media.banner_ready": {
            "nomination_id": NOMINATION,
            "candidate_id": "c-1",
            "stage": "republican",
            "derivatives": [f"media/{NOMINATION}/banner.jpg"],
        },
        "vote.code_requested": {
            "verification_id": "v-1",
            "contest_id": "2026-regional-almaty",
            "phone": "+77011234567",
            "code": "012345",
            "language": "kk",
            "expires_at": "2099-10-06T10:10:00+05:00",
        },
        "audit.recorded": {
            "entry_id": "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5",
            "service": "media",
            "actor_id": "u-1",
            "action": "candidate.read",
            "object": f"nomination:{NOMINATION}",
            "at": "2026-10-20T10:00:00+05:00",
            "region": "almaty",
        },
    }


def _decisions() -> dict[str, dict[str, Any]]:
    """Review's decisions about the nomination (regional stage, 2026), each a correction (the second
    decision of its scope), so every field of the decisions' order is set."""
    order = {
        "sequence": 2,
        "correction": True,
        "corrects": "d-0",
        "corrects_recorded_at": "2026-10-10T12:00:00+05:00",
    }
    decision = {
        "candidate_id": "c-1",
        "nomination_id": NOMINATION,
        "year": 2026,
        "decision_id": "d-1",
        **order,
    }
    return {
        "candidate.advanced": {
            **decision,
            "stage": "regional",
            "to_stage": "republican",
            "missing": ["statements.kk"],
            "amend_by": "2026-10-20T23:59:59+05:00",
        },
        "candidate.not_advanced": {**decision, "stage": "republican"},
        "candidate.incomplete": {
            **{k: decision[k] for k in ("candidate_id", "nomination_id", "year")},
            "missing": ["statements.kk"],
            "amend_by": "2026-10-20T23:59:59+05:00",
        },
        "stage.closed": {
            "year": 2026,
            "stage": "republican",
            "decision_id": "d-1",
            "candidates": 12,
            "advanced": 10,
            "quota": 10,
            **order,
        },
        "winners.published": {
            "year": 2026,
            "decision_id": "d-9",
            "candidate_ids": ["c-1"],
            "nomination_ids": [NOMINATION],
            **order,
        },
    }


def _notification(kind: str) -> dict[str, Any]:
    payload = {
        "message_id": "m-1",
        "nomination_id": NOMINATION,
        "template": "nomination_received",
        "channel": "email",
        "recipient_kind": "student",
    }
    return {**payload, "reason": "recipient_refused"} if kind == "failed" else payload


def _changed(name: str, value: Any, folder: Path) -> Any:
    """Another valid value for the field `name`."""
    if name == "candidate":
        return {**value, "last_name": "Басқа"}
    if name == "photo":
        return stored_photo(folder, jpeg(640, 600), f"{NOMINATION}/c")
    if name == "language":
        return "en" if value != "en" else "kk"
    changes: dict[str, Any] = {
        "nomination_id": str(uuid.uuid4()),
        "contacts": {"email": "other@example.kz", "phone": "+77770000000"},
        "college_names": {"kk": "Басқа колледж", "ru": "Другой колледж", "en": "Another College"},
        "specialty_names": {"kk": "Дәнекерлеу ісі", "ru": "Сварочное дело", "en": "Welding"},
        "statements": {"kk": "Басқа мәтін."},
        "categories": ["sport"],
        "achievements": [{"title": "Олимпиада", "year": 2024, "level": "city", "description": None}],
        "reason": "not_jpeg",
        "derivatives": [],
        "stage": "regional",
        "changed": ["student.course"],
        "missing": ["photo"],
        "coordinator": {"full_name": "Сейітова Гүлнар", "email": "coordinator@example.kz"},
        "amend_by": "2026-10-25T23:59:59+05:00",
        "corrects_recorded_at": "2026-10-12T09:00:00+05:00",
        "to_stage": "winner",
        "channel": "sms",
        "recipient_kind": "coordinator",
        "nomination_ids": [str(uuid.uuid4())],
        "candidate_ids": ["c-2"],
        "params": {"min_side": 800},
        "text": {"kk": "Басқа.", "ru": "Другое.", "en": "Other."},
        "service": "notify",
        "phone": "+77770000001",
        "code": "654321",
        "expires_at": "2000-10-06T10:10:00+05:00",
        "at": "2026-10-21T10:00:00+05:00",
    }
    if name in changes:
        return changes[name]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        # One less where that is still valid: a revision older than the one applied must tell too.
        return value - 1 if value > 1 and "revision" in name else value + 1
    return f"{value}-x"


def _setup(event_type: str, payloads: dict[str, dict[str, Any]]) -> list[Event]:
    """What the consumer has heard of before: the submission, and for media's reports a new photo."""
    if event_type == "nomination.submitted":
        return []
    if event_type.startswith(("notification.", "vote.")):
        return []
    told = [("nomination.submitted", payloads["nomination.submitted"])]
    if event_type.startswith(("candidate.", "winners.")):
        # The region's coordinator, who hears of an incomplete candidate.
        told.append(("user.changed", {**payloads["user.changed"], "role": "regional_chair"}))
    if event_type.startswith("media."):
        photo = payloads["nomination.amended"]["photo"]
        told.append(
            (
                "nomination.amended",
                {"nomination_id": NOMINATION, "changed": ["photo"], "photo": photo, "revision": 2},
            )
        )
    return [Event(type=t, version=1, region="almaty", producer="intake", payload=p) for t, p in told]


def _runtime(service: str, folder: Path) -> Runtime:
    folder.mkdir(parents=True)
    settings = dataclasses.replace(
        config.load(service),
        data_dir=folder,
        database_url=f"sqlite:///{folder / 'db.sqlite3'}",
        blob_url=(folder / "blobs").as_uri(),
    )
    runtime = importlib.import_module(f"services.{service}.bootstrap").build(settings)
    runtime.db.create_all()
    return runtime


#: Instants a consumer keeps as an event told them, not made up when it handled it: kept in `_state`.
TOLD_TIMES = {("audit_log", "at")}


def _state(runtime: Runtime) -> tuple[Any, ...]:
    """Every row of the consumer's own tables, without what it makes up itself (ids, times)."""
    rows = []
    with runtime.db.unit_of_work() as session:
        for table in runtime.db.metadata.sorted_tables:
            if table.name in ("inbox", "outbox"):
                continue
            for row in session.execute(select(table)).mappings():
                kept = {
                    key: value
                    for key, value in row.items()
                    if key not in ("id", "candidate_id")
                    and (not isinstance(value, datetime) or (table.name, key) in TOLD_TIMES)
                }
                rows.append((table.name, repr(sorted(kept.items()))))
    return tuple(sorted(rows))


def _outcome(service: str, folder: Path, setup: list[Event], event: Event) -> tuple[Any, ...]:
    runtime = _runtime(service, folder)
    try:
        handlers = _handlers(service).HANDLERS
        for earlier in setup:
            handle(runtime, handlers, service, earlier)
        try:
            handle(runtime, handlers, service, event)
        except LookupError as exc:  # a nomination not heard of: retried by the bus
            return (type(exc).__name__, _state(runtime))
        return ("handled", _state(runtime))
    finally:
        runtime.db.dispose()


#: Fields a consumer uses and then erases: a voter's code reaches the phone (the SMS log here) and is
#: kept nowhere in notify's tables. For these the test compares what was sent, and checks the erasure.
SENT_NOT_KEPT = {("notify", "vote.code_requested", "code")}


def _sent_sms(folder: Path) -> str:
    path = folder / "sms" / "outbox.log"
    return "\n".join(line.split("\t", 3)[-1] for line in path.read_text(encoding="utf-8").splitlines())


@pytest.fixture(autouse=True)
def _embedded_providers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    for name in ("NOTIFY_SMTP_URL", "NOTIFY_SMS_URL", "REVIEW_DATABASE_URL", "MEDIA_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("NOTIFY_DATABASE_URL", raising=False)


@pytest.mark.parametrize(("service", "event_type", "name"), list(_cases()))
def test_a_field_not_declared_ignored_changes_the_consumers_state(
    service: str, event_type: str, name: str, tmp_path: Path
) -> None:
    payloads = _payloads(tmp_path)
    setup = _setup(event_type, payloads)
    base = Event(
        type=event_type,
        version=1,
        region="almaty",
        producer="intake",
        payload=payloads[event_type],
        id=EVENT_ID,
    )
    variant_payload = copy.deepcopy(base.payload)
    variant_payload[name] = _changed(name, base.payload.get(name), tmp_path)
    variant = dataclasses.replace(base, payload=variant_payload)

    same = _outcome(service, tmp_path / "base", setup, base)
    other = _outcome(service, tmp_path / "variant", setup, variant)
    if (service, event_type, name) in SENT_NOT_KEPT:
        assert str(base.payload[name]) not in repr(same), f"{service} keeps {event_type}.{name} in clear"
        same, other = (*same, _sent_sms(tmp_path / "base")), (*other, _sent_sms(tmp_path / "variant"))
    assert same != other, f"{service} ignores {event_type}.{name}: apply it or list it in IGNORED_FIELDS"


@pytest.mark.parametrize("service", CONSUMERS)
def test_the_ignored_fields_are_fields_of_the_payloads(service: str) -> None:
    module = _handlers(service)
    for event_type, ignored in module.IGNORED_FIELDS.items():
        assert event_type in module.HANDLERS
        assert ignored <= set(events._REGISTRY[(event_type, 1)].fields), event_type
