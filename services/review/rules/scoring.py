"""The commissions' rules as plain functions (no I/O): rubrics, scores, rankings, assignment.

Everything here is pure so that it can be tested on its own and reused: the decisions and their
protocols rank candidates with `rank`, exactly as the rankings page does.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from shared.i18n import LANGUAGES
from shared.identity import CHAIR_ROLES, MEMBER_ROLES
from shared.words import MIN_STATEMENT_WORDS

#: The stages a commission scores and the stage of a winner (who is scored no more).
SCORED_STAGES = ("regional", "republican")
STAGES = (*SCORED_STAGES, "winner")
STATUSES = ("under_review", "advanced", "not_advanced", "withdrawn", "winner")
DEFAULT_RUBRICS = Path(__file__).resolve().parents[1] / "rubrics" / "default.json"
#: Achievement levels from the top down: "more top-level achievements" breaks a tie.
TOP_LEVELS = ("international", "national")
#: How the rankings normalise, named in the API's answer and on the page.
NORMALISATION = "z-score per member"
TIE_BREAK = (
    "higher normalised score, then higher weighted mean, then more international achievements, "
    "then more national achievements, then earlier submission"
)


# --- Names ---------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """A name as the search compares it: composed, case-folded (Ә and ә, І and і, Ё and ё alike)
    and with runs of spaces made one, the same in SQLite and PostgreSQL because Python does it."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


# --- What the republican stage needs -------------------------------------------------------------


def missing_for_republican(word_counts: Mapping[str, int], photo_status: str | None) -> list[str]:
    """What a candidate lacks for the republican stage (R): a statement of at least 250 words in
    each of kk, ru and en, and a processed photo; in intake's codes (`statements.kk`, `photo`)."""
    needs = [f"statements.{lang}" for lang in LANGUAGES if word_counts.get(lang, 0) < MIN_STATEMENT_WORDS]
    if photo_status != "processed":
        needs.append("photo")
    return needs


# --- Rubrics -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    code: str
    names: Mapping[str, str]
    weight: int
    min: int
    max: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "names": dict(self.names),
            "weight": self.weight,
            "min": self.min,
            "max": self.max,
        }


@dataclass(frozen=True)
class Rubric:
    stage: str
    criteria: tuple[Criterion, ...]
    #: Fewer scores than this and a candidate's place in the ranking is flagged.
    min_scores: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "criteria": [criterion.as_dict() for criterion in self.criteria],
            "min_scores": self.min_scores,
        }


@cache
def default_rubric(stage: str) -> Rubric:
    """The rubric the programme ships for `stage` (data in `rubrics/default.json`, read once)."""
    data = json.loads(DEFAULT_RUBRICS.read_text(encoding="utf-8"))[stage]
    return rubric_from(stage, data)


def rubric_from(stage: str, data: Mapping[str, Any]) -> Rubric:
    """A rubric from data already checked by `check_rubric` (or shipped with the code)."""
    criteria = tuple(
        Criterion(c["code"], dict(c["names"]), int(c["weight"]), int(c["min"]), int(c["max"]))
        for c in data["criteria"]
    )
    return Rubric(stage, criteria, int(data["min_scores"]))


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_rubric(data: Any) -> dict[str, list[str]]:
    """What is wrong with a rubric an admin sends, as field to message keys; empty when sound.

    At least one criterion; codes unique, short and plain; names in kk, ru and en; a positive whole
    weight; whole `min` < `max`; `min_scores` a whole number from 1.
    """
    if not isinstance(data, Mapping):
        return {"_schema": ["rubric.not_object"]}
    errors: dict[str, list[str]] = {}
    if not _whole(data.get("min_scores")) or data["min_scores"] < 1:
        errors["min_scores"] = ["rubric.min_scores"]
    criteria = data.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        errors["criteria"] = ["rubric.no_criteria"]
        return errors
    seen: set[str] = set()
    for index, item in enumerate(criteria):
        where = f"criteria.{index}"
        if not isinstance(item, Mapping):
            errors[where] = ["rubric.not_object"]
            continue
        code = item.get("code")
        if (
            not isinstance(code, str)
            or not code.isascii()
            or not code.replace("_", "").isalnum()
            or len(code) > 40
        ):
            errors[f"{where}.code"] = ["rubric.code"]
        elif code in seen:
            errors[f"{where}.code"] = ["rubric.code_repeated"]
        else:
            seen.add(code)
        names = item.get("names")
        if not isinstance(names, Mapping) or any(
            not isinstance(names.get(lang), str) or not names[lang].strip() or len(names[lang]) > 200
            for lang in LANGUAGES
        ):
            errors[f"{where}.names"] = ["rubric.names"]
        if not _whole(item.get("weight")) or not 1 <= item["weight"] <= 100:
            errors[f"{where}.weight"] = ["rubric.weight"]
        low, high = item.get("min"), item.get("max")
        if not _whole(low) or not _whole(high) or not 0 <= low < high <= 1000:  # type: ignore[operator]
            errors[f"{where}.range"] = ["rubric.range"]
    return errors


# --- Scores --------------------------------------------------------------------------------------


def check_score(rubric: Rubric, values: Any) -> dict[str, list[str]]:
    """What is wrong with a member's values, per criterion: missing, not a whole number, out of the
    criterion's range, or a criterion the rubric does not have."""
    if not isinstance(values, Mapping):
        return {"criteria": ["score.not_object"]}
    errors: dict[str, list[str]] = {}
    for criterion in rubric.criteria:
        value = values.get(criterion.code)
        if value is None:
            errors[criterion.code] = ["score.missing"]
        elif not _whole(value):
            errors[criterion.code] = ["score.not_integer"]
        elif not criterion.min <= value <= criterion.max:
            errors[criterion.code] = ["score.out_of_range"]
    known = {criterion.code for criterion in rubric.criteria}
    for code in values:
        if code not in known:
            errors[str(code)[:60]] = ["score.unknown_criterion"]
    return errors


def weighted_value(rubric: Rubric, values: Mapping[str, int]) -> float:
    """One member's score of one candidate: Σ weight × value ÷ Σ weight."""
    total = sum(criterion.weight for criterion in rubric.criteria)
    return sum(criterion.weight * values[criterion.code] for criterion in rubric.criteria) / total


# --- Rankings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A candidate as the ranking sees them: each member's weighted value and the tie-breakers."""

    candidate_id: str
    scores: Mapping[str, float]
    achievement_levels: tuple[str, ...] = ()
    submitted_at: datetime | None = None


@dataclass(frozen=True)
class Ranked:
    rank: int
    candidate_id: str
    weighted_mean: float | None
    normalized: float | None
    scores_count: int
    #: Each member's weighted value, by member id.
    scores: dict[str, float] = field(default_factory=dict)
    #: Fewer scores than the stage's minimum: the place is not yet to be trusted.
    flagged: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "candidate_id": self.candidate_id,
            "weighted_mean": self.weighted_mean,
            "normalized": self.normalized,
            "scores_count": self.scores_count,
            "scores": dict(self.scores),
            "flagged": self.flagged,
        }


def member_z_scores(entries: Iterable[Entry]) -> dict[tuple[str, str], float]:
    """Each score as a z-score among the same member's scores: (value − the member's mean) ÷ the
    member's standard deviation. A lenient member's 9 and a strict member's 6 can mean the same;
    a member with one score, or giving everyone the same, says nothing about order (0)."""
    by_member: dict[str, list[float]] = {}
    for entry in entries:
        for member, value in entry.scores.items():
            by_member.setdefault(member, []).append(value)
    stats: dict[str, tuple[float, float]] = {}
    for member, values in by_member.items():
        mean = sum(values) / len(values)
        spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        stats[member] = (mean, spread)
    z: dict[tuple[str, str], float] = {}
    for entry in entries:
        for member, value in entry.scores.items():
            mean, spread = stats[member]
            z[(entry.candidate_id, member)] = (value - mean) / spread if spread > 1e-9 else 0.0
    return z


def rank(entries: Iterable[Entry], min_scores: int) -> list[Ranked]:
    """Candidates in order by the fixed tie-break rule (`TIE_BREAK`); unscored ones last, flagged.

    `weighted_mean` is the mean over members of each member's weighted value; `normalized` the mean
    of the same scores as z-scores per member (`member_z_scores`). Ranks are 1..n, never shared: the
    rule decides every tie, down to the candidate id for two identical submissions.
    """
    entries = list(entries)
    z = member_z_scores(entries)
    rows = []
    for entry in entries:
        count = len(entry.scores)
        mean = sum(entry.scores.values()) / count if count else None
        normal = sum(z[(entry.candidate_id, m)] for m in entry.scores) / count if count else None
        levels = [entry.achievement_levels.count(level) for level in TOP_LEVELS]
        submitted = entry.submitted_at.timestamp() if entry.submitted_at else math.inf
        key = (
            0 if count else 1,
            -(normal or 0.0),
            -(mean or 0.0),
            *(-n for n in levels),
            submitted,
            entry.candidate_id,
        )
        rows.append((key, entry, mean, normal, count))
    rows.sort(key=lambda row: row[0])
    return [
        Ranked(
            rank=position,
            candidate_id=entry.candidate_id,
            weighted_mean=None if mean is None else round(mean, 4),
            normalized=None if normal is None else round(normal, 4),
            scores_count=count,
            scores={member: round(value, 4) for member, value in sorted(entry.scores.items())},
            flagged=count < min_scores,
        )
        for position, (_key, entry, mean, normal, count) in enumerate(rows, start=1)
    ]


# --- Who sees scores ------------------------------------------------------------------------------

#: Who sees every score of every candidate in scope, whatever the state of the scoring.
SEE_ALL_SCORES = frozenset({"admin"})


def may_see_scores(
    role: str, has_own_score: bool, has_conflict: bool, chair_opened: bool, scoring_done: bool
) -> bool:
    """Whether a caller sees the other members' scores (and the rank) of one candidate.

    A member judges on their own first: the others' scores come only after saving theirs, and never
    on a candidate they declared a conflict on (their own college counts), not even after the
    decision. A chair is a member too, and also sees the whole scope once its scoring is done or
    they chose to show the scores; an administrator sees everything; anyone else (media) nothing.
    """
    if role in SEE_ALL_SCORES:
        return True
    if role not in MEMBER_ROLES or has_conflict:
        return False
    if role in CHAIR_ROLES and (chair_opened or scoring_done):
        return True
    return has_own_score


def scoring_done(deadline_passed: bool, decided: bool, counts: Iterable[int], min_scores: int) -> bool:
    """A scope's scoring is done: the deadline passed, the decision is recorded, or every candidate
    under review has the stage's minimum of scores (`counts`: one per candidate, none is vacuous)."""
    return deadline_passed or decided or all(count >= min_scores for count in counts)


def shown(ranked: Iterable[Ranked], visible: Iterable[str]) -> list[Ranked]:
    """The rows of a ranking a caller may see, placed again 1..n among themselves: a gap in the
    places would tell where a hidden candidate stands."""
    keep = set(visible)
    rows = [row for row in ranked if row.candidate_id in keep]
    return [replace(row, rank=position) for position, row in enumerate(rows, start=1)]


# --- Assignment ----------------------------------------------------------------------------------


def assign(
    candidates: Iterable[str],
    members: Iterable[str],
    per_candidate: int,
    excluded: Iterable[tuple[str, str]] = (),
    keep: Iterable[tuple[str, str]] = (),
) -> dict[str, list[str]]:
    """Who scores whom in assigned mode: each candidate gets `per_candidate` members (or every
    eligible one, if fewer), the load spread as evenly as the conflicts allow.

    `excluded` are (candidate, member) pairs that may not be (declared conflicts, a member's own
    college); `keep` are pairs that stay (a member who has already scored keeps the candidate), so
    re-balancing after a member joins or declares a conflict moves only what has not been worked on.
    Candidates with the fewest eligible members are served first, then each takes the least loaded
    members (ties by member id, so the same input gives the same plan).
    """
    members = sorted(set(members))
    barred = set(excluded)
    load = dict.fromkeys(members, 0)
    plan: dict[str, list[str]] = {candidate: [] for candidate in sorted(set(candidates))}
    for candidate, member in sorted(set(keep)):
        if candidate in plan and member in load and (candidate, member) not in barred:
            plan[candidate].append(member)
            load[member] += 1
    eligible = {c: [m for m in members if (c, m) not in barred] for c in plan}
    for candidate in sorted(plan, key=lambda c: (len(eligible[c]), c)):
        chosen = plan[candidate]
        while len(chosen) < per_candidate:
            free = [m for m in eligible[candidate] if m not in chosen]
            if not free:
                break
            member = min(free, key=lambda m: (load[m], m))
            chosen.append(member)
            load[member] += 1
        chosen.sort()
    return plan
