"""The revision rules every consumer applies a nomination's events by."""

from __future__ import annotations

from shared.ordering import newer, parts_to_apply, stamped


def test_only_a_newer_revision_overwrites_and_an_unknown_one_applies_as_before() -> None:
    assert newer(3, 2) and not newer(2, 3) and not newer(2, 2)
    assert newer(None, 5) and newer(1, None)


def test_an_older_amendment_still_brings_the_parts_no_newer_event_set() -> None:
    applied = {"candidate": 3, "language": 1}
    late = {"revision": 2, "candidate": {"last_name": "Ескі"}, "language": "ru", "contacts": None}
    assert parts_to_apply(late, ("candidate", "language", "contacts"), applied) == ["language"]
    assert stamped(applied, ["language"], 2) == {"candidate": 3, "language": 2}
    assert stamped(applied, ["language"], None) == applied
