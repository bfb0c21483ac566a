"""The quick profile's orders of a nomination's events try what every order would (`nomination_story`)."""

from __future__ import annotations

import itertools

import pytest

from shared.tests import nomination_story as story


@pytest.mark.parametrize("steps", [story.STEPS, story.STEPS[:-1]], ids=["five", "four"])
def test_the_covering_orders_put_each_step_everywhere_and_each_pair_both_ways(steps: tuple[str, ...]) -> None:
    orders = story.covering_orders(steps)
    assert orders[0] == steps and len(orders) == 2 * len(steps) == len(set(orders))
    assert all(sorted(order) == sorted(steps) for order in orders)
    for place in range(len(steps)):
        assert {order[place] for order in orders} == set(steps), place
    for first, second in itertools.permutations(steps, 2):
        assert any(order.index(first) < order.index(second) for order in orders), (first, second)


def test_the_full_profile_delivers_every_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOP100_FULL", "1")
    assert len(set(story.orders())) == 120
    monkeypatch.setenv("TOP100_FULL", "0")
    assert list(story.orders()) == story.covering_orders(story.STEPS)
