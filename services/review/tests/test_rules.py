"""The commissions' rules on their own: rubric and score validation, the ranking's normalisation and
tie-break, assignment balance with conflicts, the folded name, what the republican stage needs."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest

from services.review.rules import scoring as rules

RUBRIC = rules.default_rubric("regional")


def test_the_shipped_rubrics_are_sound_and_name_every_criterion_in_three_languages() -> None:
    data = json.loads(rules.DEFAULT_RUBRICS.read_text(encoding="utf-8"))
    for stage in rules.SCORED_STAGES:
        assert rules.check_rubric(data[stage]) == {}
        rubric = rules.default_rubric(stage)
        assert {c.code for c in rubric.criteria} >= {"achievements_level", "statement", "academic_standing"}


def test_check_rubric_names_each_fault() -> None:
    data = copy.deepcopy(json.loads(rules.DEFAULT_RUBRICS.read_text(encoding="utf-8"))["regional"])
    data["criteria"][1]["code"] = data["criteria"][0]["code"]
    data["criteria"][2]["names"].pop("kk")
    data["criteria"][3]["weight"] = 0
    data["criteria"][4]["min"], data["criteria"][4]["max"] = 5, 5
    data["min_scores"] = True
    assert rules.check_rubric(data) == {
        "criteria.1.code": ["rubric.code_repeated"],
        "criteria.2.names": ["rubric.names"],
        "criteria.3.weight": ["rubric.weight"],
        "criteria.4.range": ["rubric.range"],
        "min_scores": ["rubric.min_scores"],
    }
    assert rules.check_rubric({"criteria": [], "min_scores": 1}) == {"criteria": ["rubric.no_criteria"]}
    assert rules.check_rubric([]) == {"_schema": ["rubric.not_object"]}


def _values(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {c.code: c.max for c in RUBRIC.criteria}
    values.update(overrides)
    return values


def test_check_score_per_criterion() -> None:
    assert rules.check_score(RUBRIC, _values()) == {}
    values = _values(achievements_level=11, skills_contests=2.5, leadership_civic=True, bogus=1)
    del values["statement"]
    assert rules.check_score(RUBRIC, values) == {
        "achievements_level": ["score.out_of_range"],
        "skills_contests": ["score.not_integer"],
        "leadership_civic": ["score.not_integer"],
        "statement": ["score.missing"],
        "bogus": ["score.unknown_criterion"],
    }
    assert rules.check_score(RUBRIC, [1, 2]) == {"criteria": ["score.not_object"]}
    assert rules.check_score(RUBRIC, _values(academic_standing=-1)) == {
        "academic_standing": ["score.out_of_range"]
    }


def test_weighted_value_is_weight_times_value_over_weights() -> None:
    values = {
        "achievements_level": 10,
        "skills_contests": 5,
        "leadership_civic": 0,
        "academic_standing": 5,
        "statement": 10,
    }
    assert rules.weighted_value(RUBRIC, values) == pytest.approx((30 + 10 + 0 + 5 + 20) / 10)


def test_a_strict_member_does_not_sink_the_candidates_they_scored() -> None:
    # The lenient member gives 9 and 8; the strict one 6 and 5 to two others. Same order within each,
    # so after normalisation the two tops tie and the two bottoms tie; the weighted mean does not.
    entries = [
        rules.Entry("a", {"lenient": 9.0}),
        rules.Entry("b", {"lenient": 8.0}),
        rules.Entry("c", {"strict": 6.0}),
        rules.Entry("d", {"strict": 5.0}),
    ]
    ranked = {row.candidate_id: row for row in rules.rank(entries, min_scores=1)}
    assert ranked["a"].normalized == ranked["c"].normalized == 1.0
    assert ranked["b"].normalized == ranked["d"].normalized == -1.0
    assert ranked["a"].weighted_mean == 9.0 and ranked["c"].weighted_mean == 6.0
    # The tie on normalised is broken by the weighted mean.
    assert [row.candidate_id for row in rules.rank(entries, 1)] == ["a", "c", "b", "d"]


def test_z_scores_of_a_member_who_gives_everyone_the_same_are_zero() -> None:
    z = rules.member_z_scores([rules.Entry("a", {"m": 7.0}), rules.Entry("b", {"m": 7.0})])
    assert z == {("a", "m"): 0.0, ("b", "m"): 0.0}


def test_tie_break_after_scores_top_level_achievements_then_earlier_submission() -> None:
    early, late = datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 9, 2, tzinfo=UTC)
    same = {"m1": 7.0, "m2": 6.0}
    entries = [
        rules.Entry("late", dict(same), ("national",), late),
        rules.Entry("early", dict(same), ("national",), early),
        rules.Entry("international", dict(same), ("international",), late),
        rules.Entry("more-national", dict(same), ("national", "national"), late),
        rules.Entry("unscored", {}, ("international",) * 3, early),
    ]
    ranked = rules.rank(entries, min_scores=2)
    assert [row.candidate_id for row in ranked] == [
        "international",
        "more-national",
        "early",
        "late",
        "unscored",
    ]
    assert [row.rank for row in ranked] == [1, 2, 3, 4, 5]
    assert ranked[-1].flagged and ranked[-1].weighted_mean is None and ranked[-1].scores_count == 0
    assert not ranked[0].flagged and ranked[0].scores == {"m1": 7.0, "m2": 6.0}


def test_fewer_scores_than_the_stage_minimum_are_flagged() -> None:
    ranked = rules.rank(
        [rules.Entry("a", {"m1": 5.0, "m2": 6.0}), rules.Entry("b", {"m1": 4.0})], min_scores=2
    )
    assert {row.candidate_id: row.flagged for row in ranked} == {"a": False, "b": True}


def _loads(plan: dict[str, list[str]]) -> dict[str, int]:
    load: dict[str, int] = {}
    for chosen in plan.values():
        for member in chosen:
            load[member] = load.get(member, 0) + 1
    return load


def test_assignment_gives_each_candidate_n_members_balanced() -> None:
    candidates = [f"c{i:02}" for i in range(25)]
    members = [f"m{i}" for i in range(7)]
    plan = rules.assign(candidates, members, 3)
    assert all(len(set(chosen)) == 3 for chosen in plan.values())
    load = _loads(plan)
    assert sum(load.values()) == 75 and max(load.values()) - min(load.values()) <= 1


def test_assignment_respects_conflicts_and_stays_balanced() -> None:
    candidates = [f"c{i:02}" for i in range(20)]
    members = ["m1", "m2", "m3", "m4", "m5"]
    conflicts = {(c, "m1") for c in candidates[:10]} | {("c15", "m2"), ("c15", "m3")}
    plan = rules.assign(candidates, members, 2, excluded=conflicts)
    assert all((c, m) not in conflicts for c, chosen in plan.items() for m in chosen)
    assert all(len(chosen) == 2 for chosen in plan.values())
    load = _loads(plan)
    assert max(load.values()) - min(load.values()) <= 1


def test_assignment_with_too_few_eligible_members_takes_all_there_are() -> None:
    plan = rules.assign(["c1"], ["m1", "m2", "m3"], 3, excluded={("c1", "m2")})
    assert plan == {"c1": ["m1", "m3"]}


def test_rebalancing_keeps_what_was_scored_and_gives_a_new_member_work() -> None:
    candidates = [f"c{i}" for i in range(6)]
    first = rules.assign(candidates, ["m1", "m2"], 1)
    scored = {("c0", first["c0"][0])}
    again = rules.assign(candidates, ["m1", "m2", "m3"], 1, keep=scored)
    assert again["c0"] == first["c0"]
    assert _loads(again) == {"m1": 2, "m2": 2, "m3": 2}
    # A conflict declared after scoring wins over keeping.
    member = first["c0"][0]
    after = rules.assign(candidates, ["m1", "m2", "m3"], 1, excluded={("c0", member)}, keep=scored)
    assert member not in after["c0"]


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("ӘЛИХАН Нұрланұлы", "әлихан"),
        ("Іңкәр Өмірзақова", "ІҢКӘР"),
        ("Ұлан  Үсенов", "ұлан үсенов"),
        ("Ёлкин", "ёлк"),
    ],
)
def test_fold_makes_both_cases_of_kazakh_letters_one(name: str, query: str) -> None:
    assert rules.fold(query) in rules.fold(name)


def test_what_the_republican_stage_needs() -> None:
    full = {"kk": 250, "ru": 300, "en": 251}
    assert rules.missing_for_republican(full, "processed") == []
    assert rules.missing_for_republican({"kk": 249, "ru": 300}, "pending") == [
        "statements.kk",
        "statements.en",
        "photo",
    ]
