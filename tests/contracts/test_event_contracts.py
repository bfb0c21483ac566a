"""The event contracts between the services, checked across all four of them.

Every event type a service receives (its queues are bound to whole aggregates) must have a handler,
or it would be parked; every event type that is produced must have a follower, or RabbitMQ returns
it as unroutable and the relay keeps it in the outbox for ever.
"""

from __future__ import annotations

import importlib

import pytest

from shared import events, topology


def _handlers(service: str) -> dict:
    return importlib.import_module(f"services.{service}.handlers").HANDLERS


@pytest.mark.parametrize("service", sorted(topology.SUBSCRIPTIONS))
def test_every_event_a_service_receives_has_a_handler(service: str) -> None:
    received = {
        t
        for t, _ in events.known()
        if t.split(".")[0] in topology.SUBSCRIPTIONS[service] and t not in events.PLANNED
    }
    missing = received - set(_handlers(service))
    assert not missing, f"{service} would park {sorted(missing)}"


def test_every_event_type_has_a_follower() -> None:
    for service in topology.SUBSCRIPTIONS:
        _handlers(service)  # importing registers the payload schemas the services add
    followed = {aggregate for aggregates in topology.SUBSCRIPTIONS.values() for aggregate in aggregates}
    orphans = [t for t, _ in events.known() if t.split(".")[0] not in followed and t not in events.PLANNED]
    assert not orphans, f"no service follows {orphans}: RabbitMQ would return them as unroutable"


def test_no_payload_schema_carries_an_iin() -> None:
    def field_names(schema) -> set[str]:  # type: ignore[no-untyped-def]
        names = set()
        for name, field in schema.fields.items():
            names.add(name)
            nested = getattr(field, "schema", None) or getattr(getattr(field, "inner", None), "schema", None)
            if nested is not None:
                names |= field_names(nested)
        return names

    for (event_type, version), schema in events._REGISTRY.items():
        assert not {n for n in field_names(schema) if "iin" in n.lower()}, f"{event_type} v{version}"


def test_the_programme_vocabulary_names_every_code_the_intake_contract_accepts() -> None:
    from services.intake import rules
    from shared import vocabulary
    from shared.tests.catalogs import unknown

    assert unknown(message for words in vocabulary.TERMS.values() for message in words.values()) == set()
    assert set(rules.CATEGORIES) <= set(vocabulary.CATEGORIES)
    assert set(rules.ACHIEVEMENT_LEVELS) <= set(vocabulary.LEVELS)
