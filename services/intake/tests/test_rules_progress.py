"""Which decision's stage a portal sees: the newest of its stage, by sequence."""

from __future__ import annotations

from services.intake.rules import decision_line, newest_of_its_stage

ADVANCED = {"stage": "regional", "to_stage": "republican", "sequence": 1}


def test_an_advancement_leaves_the_candidate_at_the_next_stage() -> None:
    line = decision_line("candidate.advanced", ADVANCED, "t")
    assert (line["stage"], line["outcome"], line["decided_stage"]) == ("republican", "advanced", "regional")


def test_a_late_copy_of_a_superseded_decision_is_not_the_newest() -> None:
    correction = decision_line("candidate.not_advanced", {"stage": "regional", "sequence": 2}, "t")
    late = decision_line("candidate.advanced", ADVANCED, "t")
    assert newest_of_its_stage(correction, [])
    assert not newest_of_its_stage(late, [correction])
    assert newest_of_its_stage(correction, [late])


def test_a_decision_of_the_next_stage_is_newest_whatever_its_number() -> None:
    regional = decision_line("candidate.advanced", {**ADVANCED, "sequence": 3}, "t")
    winner = {"stage": "republican", "to_stage": "winner", "sequence": 1}
    assert newest_of_its_stage(decision_line("candidate.advanced", winner, "t"), [regional])


def test_what_is_missing_is_listed_but_moves_no_stage() -> None:
    line = decision_line("candidate.incomplete", {"missing": ["photo"]}, "t")
    assert line["stage"] is None and not newest_of_its_stage(line, [])
