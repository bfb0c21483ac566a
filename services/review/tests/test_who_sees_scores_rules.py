"""Who sees scores, as a rule on its own: every role against every state a candidate can be in."""

from __future__ import annotations

import itertools

import pytest

from services.review.rules import scoring as rules

MEMBERS = ("regional_member", "national_member")
CHAIRS = ("regional_chair", "national_chair")


def _sees(
    role: str, own: bool = False, conflict: bool = False, opened: bool = False, done: bool = False
) -> bool:
    return rules.may_see_scores(role, own, conflict, opened, done)


@pytest.mark.parametrize("role", MEMBERS)
def test_a_member_sees_the_others_scores_only_after_saving_their_own(role: str) -> None:
    assert not _sees(role)
    assert _sees(role, own=True)
    # The chair's choice and the end of scoring open the scores to chairs, not to members.
    assert not _sees(role, opened=True, done=True)


@pytest.mark.parametrize("role", (*MEMBERS, *CHAIRS))
def test_a_conflict_hides_every_score_whatever_else_is_true(role: str) -> None:
    for own, opened, done in itertools.product((False, True), repeat=3):
        assert not _sees(role, own=own, conflict=True, opened=opened, done=done)


@pytest.mark.parametrize("role", CHAIRS)
def test_a_chair_sees_the_scope_once_scoring_is_done_or_they_show_the_scores(role: str) -> None:
    assert not _sees(role)
    assert _sees(role, own=True)  # a chair scores too: their own first, like a member
    assert _sees(role, opened=True)
    assert _sees(role, done=True)


def test_an_administrator_sees_everything_and_the_media_nothing() -> None:
    for own, conflict, opened, done in itertools.product((False, True), repeat=4):
        assert _sees("admin", own, conflict, opened, done)
        assert not _sees("media", own, conflict, opened, done)
    assert not _sees("someone_else", own=True, opened=True, done=True)


def test_scoring_is_done_at_the_deadline_the_decision_or_when_everyone_has_enough_scores() -> None:
    assert not rules.scoring_done(False, False, [3, 2, 5], 3)
    assert rules.scoring_done(False, False, [3, 4, 5], 3)
    assert rules.scoring_done(True, False, [0, 0], 3)
    assert rules.scoring_done(False, True, [0], 3)
    assert rules.scoring_done(False, False, [], 3)  # nobody to score


def test_shown_rows_are_placed_again_so_no_gap_tells_where_a_hidden_candidate_stands() -> None:
    ranked = rules.rank(
        [rules.Entry(candidate_id=c, scores={"m": v}) for c, v in (("a", 9.0), ("b", 8.0), ("c", 7.0))], 1
    )
    rows = rules.shown(ranked, ["a", "c"])
    assert [(row.candidate_id, row.rank) for row in rows] == [("a", 1), ("c", 2)]
    assert rows[1].scores == {"m": 7.0} and rows[1].normalized == ranked[2].normalized
    assert rules.shown(ranked, []) == []
