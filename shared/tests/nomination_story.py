"""One nomination's life as intake tells it, and its delivery in any order, for the consumers' tests.

The story: submitted (revision 1, photo A), amended twice (2: name, categories, contacts...;
3: statements, language, specialty...), photo replaced (4, photo B), withdrawn (5). `deliver` hands
the events to a consumer's handlers through the real inbox and `handle`, in the order given; an
event whose handler raises (an amendment of a nomination not registered yet) goes to the back and is
delivered again after the others, as the bus's retries would.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from shared import testing
from shared.envelope import Event
from shared.handling import Handler, handle
from shared.runtime import Runtime

#: Parameters of a fixture that runs a test on SQLite, then on PostgreSQL (see `runtime_for`).
DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.integration)]


def runtime_for(request: pytest.FixtureRequest) -> Runtime:
    """The service's `runtime` or `pg_runtime` fixture, as the parameter of `request` says."""
    return request.getfixturevalue("runtime" if request.param == "sqlite" else "pg_runtime")


STEPS = ("submitted", "amended_1", "amended_2", "photo_replaced", "withdrawn")


def _event(event_type: str, payload: dict[str, Any]) -> Event:
    return Event(type=event_type, version=1, region="almaty", producer="intake", payload=payload)


def story(
    nomination_id: str, photo_a: dict[str, Any] | None, photo_b: dict[str, Any] | None
) -> dict[str, Event]:
    """The five events of one nomination, by step name."""
    submitted = {
        "nomination_id": nomination_id,
        "year": 2026,
        "college_code": "ALM-017",
        "college_names": {"kk": "Алматы колледжі", "ru": "Алматинский колледж", "en": "Almaty College"},
        "candidate": {"last_name": "Нұрланұлы", "first_name": "Әлихан", "patronymic": "Қайратұлы"},
        "language": "kk",
        "contacts": {"email": "alikhan@example.kz", "phone": "+77011234567"},
        "specialty": "Бағдарламалық қамтамасыз ету",
        "specialty_code": "06130100",
        "specialty_names": {
            "kk": "Бағдарламалық қамтамасыз ету (түрлері бойынша)",
            "ru": "Программное обеспечение (по видам)",
            "en": "Software (by type)",
        },
        "course": 2,
        "academic_standing": "good",
        "minor": True,
        "categories": ["leadership"],
        "achievements": [{"title": "WorldSkills", "year": 2025, "level": "regional", "description": None}],
        "statements": {"kk": "Мен өз мамандығымды сүйемін.", "ru": "Я люблю свою профессию."},
        "photo": photo_a,
        "consent_publication": True,
        "revision": 1,
    }
    first = {
        "nomination_id": nomination_id,
        "changed": ["achievements", "categories", "student.email", "student.last_name"],
        "candidate": {"last_name": "Сәрсенбайұлы", "first_name": "Әлихан", "patronymic": "Қайратұлы"},
        "contacts": {"email": "alikhan.s@example.kz", "phone": "+77011234567"},
        "categories": ["leadership", "skills_contests"],
        "achievements": [{"title": "WorldSkills", "year": 2025, "level": "national", "description": "Алтын"}],
        "revision": 2,
    }
    second = {
        "nomination_id": nomination_id,
        "changed": ["statements.en", "student.academic_standing", "student.course", "student.language"],
        "language": "ru",
        "statements": {"kk": "Мен өз мамандығымды сүйемін.", "en": "I love my trade."},
        "specialty": "Ақпараттық жүйелер",
        "course": 3,
        "academic_standing": "excellent",
        "minor": False,
        "revision": 3,
    }
    replaced = {"nomination_id": nomination_id, "changed": ["photo"], "photo": photo_b, "revision": 4}
    withdrawn = {"nomination_id": nomination_id, "reason": "Студент өз еркімен бас тартты", "revision": 5}
    return {
        "submitted": _event("nomination.submitted", submitted),
        "amended_1": _event("nomination.amended", first),
        "amended_2": _event("nomination.amended", second),
        "photo_replaced": _event("nomination.amended", replaced),
        "withdrawn": _event("nomination.withdrawn", withdrawn),
    }


def orders(steps: tuple[str, ...] = STEPS) -> Iterator[tuple[str, ...]]:
    """The orders of `steps` to deliver, the order intake wrote them in first: every order in the full
    profile (`--full`, `TOP100_FULL=1`), the `covering_orders` otherwise."""
    if testing.full_profile():
        return itertools.permutations(steps)
    return iter(covering_orders(steps))


def covering_orders(steps: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every rotation of `steps` and of `steps` reversed (10 orders of 5 steps instead of 120): each
    step comes first, last and at every place in between, and of every two steps each comes before
    the other in some order, so each late, early and crossed arrival a full run tries happens here
    too (`shared/tests/test_nomination_story.py` checks it)."""
    found: list[tuple[str, ...]] = []
    for line in (steps, steps[::-1]):
        for start in range(len(line)):
            order = line[start:] + line[:start]
            if order not in found:
                found.append(order)
    return found


def new_id() -> str:
    return str(uuid.uuid4())


def deliver(
    runtime: Runtime,
    handlers: Mapping[str, Handler],
    consumer: str,
    events: list[Event],
    retried: tuple[type[Exception], ...] = (LookupError,),
) -> list[str]:
    """Deliver `events` in this order (each twice, as at-least-once delivery may); returns the order
    in which they were handled, after retrying those that raised `retried`."""
    waiting = list(events)
    handled: list[str] = []
    for _round in range(len(events) + 1):
        later = []
        for event in waiting:
            try:
                handle(runtime, handlers, consumer, event)
            except retried:
                later.append(event)
                continue
            assert handle(runtime, handlers, consumer, event) is False
            handled.append(event.type)
        waiting = later
        if not waiting:
            return handled
    raise AssertionError(f"never handled: {[event.type for event in waiting]}")
