"""The rules a commission's decision obeys: quotas, completeness for the republican stage, deadlines.

Plain functions of plain values (no database, no clock of their own): `operations.decisions` reads
the state and the clock and asks these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from services.review.rules import scoring as scoring_rules
from shared.words import count_words

#: The stages a commission decides, and where each sends the candidates it advances.
DECIDED_STAGES: tuple[str, ...] = ("regional", "republican")
NEXT_STAGE: dict[str, str] = {"regional": "republican", "republican": "winner"}
#: At most 10 per region to the republican stage (R) and the TOP 100 nationally.
QUOTAS: dict[str, int] = {"regional": 10, "republican": 100}


def quota(stage: str) -> int:
    """How many candidates one decision of `stage` may advance."""
    return QUOTAS[stage]


def quota_exceeded(stage: str, advanced: int) -> bool:
    return advanced > quota(stage)


def quota_left(stage: str, advanced: int) -> int:
    return max(quota(stage) - advanced, 0)


def missing_for_republican(statements: Mapping[str, str], photo_status: str | None) -> list[str]:
    """What a candidate still lacks for the republican stage, from the statements' texts: the rule is
    review's one (`rules.scoring.missing_for_republican`, on word counts as intake counts them)."""
    counts = {language: count_words(text or "") for language, text in statements.items()}
    return scoring_rules.missing_for_republican(counts, photo_status)


def stage_open(now: datetime, deadline: datetime, extensions: Iterable[datetime] = ()) -> bool:
    """Whether a decision may be recorded at `now`: until the deadline, inclusive to the second, or
    until the latest extension an admin granted."""
    return now <= max([deadline, *extensions])


@dataclass(frozen=True)
class Outcome:
    """Which of a scope's candidates advance and which do not."""

    advanced: tuple[str, ...]
    not_advanced: tuple[str, ...]


def split(scope_candidates: Iterable[str], advanced: Iterable[str]) -> Outcome:
    """Every candidate of the scope either advances or does not (the decision names the advanced)."""
    chosen = list(advanced)
    chosen_set = set(chosen)
    rest = tuple(sorted(c for c in scope_candidates if c not in chosen_set))
    return Outcome(advanced=tuple(chosen), not_advanced=rest)


def strangers(scope_candidates: Iterable[str], advanced: Iterable[str]) -> list[str]:
    """The advanced ids that are not candidates of the scope and stage (another region, another
    stage, withdrawn, unknown): a 422 names them."""
    known = set(scope_candidates)
    return [candidate for candidate in advanced if candidate not in known]


def duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    twice: list[str] = []
    for item in ids:
        if item in seen and item not in twice:
            twice.append(item)
        seen.add(item)
    return twice


@dataclass(frozen=True)
class Change:
    """What a correction changes: who now advances and who no longer does (each in the order given)."""

    now_advanced: tuple[str, ...]
    no_longer_advanced: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.now_advanced and not self.no_longer_advanced

    @property
    def changed(self) -> frozenset[str]:
        """The candidates whose outcome changes: the only ones a correction writes to."""
        return frozenset(self.now_advanced) | frozenset(self.no_longer_advanced)


def change(before: Iterable[str], after: Iterable[str]) -> Change:
    """The difference between the advanced of a decision and those of its correction: a correction
    with no difference is refused (`nothing_changed`), one with a difference tells only those."""
    before_list, after_list = list(before), list(after)
    before_set, after_set = set(before_list), set(after_list)
    return Change(
        now_advanced=tuple(c for c in after_list if c not in before_set),
        no_longer_advanced=tuple(c for c in before_list if c not in after_set),
    )


def stage_superseded(stage: str, region: str, later_regions: Iterable[str]) -> bool:
    """Whether a regional correction comes after the republican decision already decided on the
    region's candidates (`later_regions`: the regions that decision concerns). Such a correction
    needs an admin's override, and the republican decision is then checked again."""
    return stage == "regional" and region in set(later_regions)


def next_sequence(latest: int | None) -> int:
    """The number of a scope's next decision: 1 for the first, then one more than the latest."""
    return (latest or 0) + 1
