"""The decision rules as plain functions: quotas, completeness for the republican stage, deadlines."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.review.rules import decisions as rules
from services.review.rules import stages
from services.review.tests.seeding import LONG
from shared.calendar import default_calendar
from shared.clock import KAZAKHSTAN


def test_quotas_are_ten_per_region_and_a_hundred_winners() -> None:
    assert not rules.quota_exceeded("regional", 10) and rules.quota_exceeded("regional", 11)
    assert not rules.quota_exceeded("republican", 100) and rules.quota_exceeded("republican", 101)
    assert rules.quota_left("regional", 7) == 3 and rules.quota_left("regional", 12) == 0


def test_completeness_needs_three_statements_of_250_words_and_a_processed_photo() -> None:
    assert rules.missing_for_republican(LONG, "processed") == []
    short = {**LONG, "en": " ".join(["award"] * 249)}
    assert rules.missing_for_republican(short, "processed") == ["statements.en"]
    assert rules.missing_for_republican({"ru": LONG["ru"]}, "pending") == [
        "statements.kk",
        "statements.en",
        "photo",
    ]
    assert rules.missing_for_republican(LONG, None) == ["photo"]
    assert rules.missing_for_republican(LONG, "rejected") == ["photo"]


def test_the_regional_deadline_is_the_last_second_of_15_october_in_almaty() -> None:
    deadline = stages.decision_closes(default_calendar(2026), "regional")
    assert deadline == datetime(2026, 10, 15, 23, 59, 59, tzinfo=KAZAKHSTAN)
    assert rules.stage_open(deadline, deadline)
    assert not rules.stage_open(deadline + timedelta(seconds=1), deadline)
    extended = deadline + timedelta(days=2)
    assert rules.stage_open(deadline + timedelta(days=1), deadline, [extended])
    assert not rules.stage_open(extended + timedelta(seconds=1), deadline, [extended])
    assert stages.decision_closes(default_calendar(2026), "republican").date().isoformat() == "2026-12-31"


def test_every_candidate_is_decided_and_strangers_and_duplicates_are_named() -> None:
    outcome = rules.split(["c", "a", "b"], ["b"])
    assert outcome.advanced == ("b",) and outcome.not_advanced == ("a", "c")
    assert rules.strangers(["a", "b"], ["a", "x", "y"]) == ["x", "y"]
    assert rules.duplicates(["a", "b", "a", "a", "c", "b"]) == ["a", "b"]


def test_a_correction_names_who_now_advances_and_who_no_longer_does() -> None:
    ten = [f"c{i}" for i in range(10)]
    swapped = [*ten[:9], "c12"]
    change = rules.change(ten, swapped)
    assert change.now_advanced == ("c12",) and change.no_longer_advanced == ("c9",)
    assert change.changed == {"c9", "c12"} and not change.empty
    assert rules.change(ten, list(reversed(ten))).empty  # the same choice in another order
    assert rules.change([], ["c1"]).now_advanced == ("c1",)


def test_a_regional_correction_is_superseded_once_the_republican_decision_concerns_the_region() -> None:
    assert rules.stage_superseded("regional", "almaty", ["almaty", "shymkent"])
    assert not rules.stage_superseded("regional", "abai", ["almaty", "shymkent"])
    assert not rules.stage_superseded("republican", "national", ["almaty"])
    assert not rules.stage_superseded("regional", "almaty", [])


def test_a_scopes_decisions_are_numbered_from_one() -> None:
    assert rules.next_sequence(None) == 1 and rules.next_sequence(1) == 2 and rules.next_sequence(7) == 8
