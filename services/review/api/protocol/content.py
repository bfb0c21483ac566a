"""The protocol of a commission's meeting, in the commission's language: what it says.

`Protocol` is a plain structure (built by `protocol_of` from a decision, its candidates and the
ranking and scores frozen with it); the renderers (`pdf`, `xlsx`) read only that,
so they are tested and measured without a database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.review import messages
from services.review.rules import fingerprint
from shared import i18n, regions

#: Beside a candidate with fewer scores than the rubric requires, and before its footnote.
TOO_FEW_MARK = "*"


@dataclass(frozen=True)
class Criterion:
    code: str
    names: Mapping[str, str]
    weight: float
    min: int
    max: int

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("en") or self.code


@dataclass(frozen=True)
class Ranked:
    rank: int
    candidate_id: str
    name: str
    weighted_mean: float | None
    normalized: float | None
    scores_count: int


@dataclass(frozen=True)
class MemberScore:
    member: str
    candidate: str
    values: Mapping[str, int]
    #: Σ weight × value ÷ Σ weight under the rubric the score was given with.
    weighted: float | None = None


@dataclass(frozen=True)
class Correction:
    decision_id: str
    decided_at: datetime
    reason: str | None
    supersedes: str | None


@dataclass(frozen=True)
class Person:
    """Someone who signs: a name when review knows it, and the email the decision names them by."""

    name: str | None
    email: str

    @property
    def label(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


@dataclass(frozen=True)
class Protocol:
    decision_id: str
    year: int
    stage: str
    scope: str
    decided_at: datetime
    place: str | None
    chair: Person
    #: The other members present, each once (the chair is not repeated here).
    members_present: Sequence[Person]
    justification: str
    quota: int
    advanced: Sequence[tuple[str, str]]  # (candidate id, name)
    not_advanced: Sequence[tuple[str, str]]
    rubric: Sequence[Criterion] = ()
    scores: Sequence[MemberScore] = ()
    ranking: Sequence[Ranked] = ()
    normalization: Mapping[str, str] = field(default_factory=dict)
    tie_break: Mapping[str, str] = field(default_factory=dict)
    #: The decisions of the same scope and stage, oldest first (this one included) with reasons.
    corrections: Sequence[Correction] = ()
    language: str = "ru"
    #: Fewer scores than this and a candidate is marked (`TOO_FEW_MARK`) with a footnote.
    min_scores: int = 0
    #: `fingerprint.sha256` of the decision, as the API gives it.
    digest: str = ""

    def too_few(self, row: Ranked) -> bool:
        return row.scores_count < self.min_scores

    @property
    def short_id(self) -> str:
        return fingerprint.short_id(self.decision_id)


def signatories(chair_email: str, members: Iterable[str], people: Mapping[str, str]) -> list[Person]:
    """The members present other than the chair, each once (emails compared without case), in the
    order the chair listed them: the chair signs once, on their own line."""
    seen = {chair_email.lower()}
    found = []
    for email in members:
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        found.append(Person(people.get(email), email))
    return found


def protocol_of(
    decision: Any,
    names: Mapping[str, str],
    history: Sequence[Any],
    people: Mapping[str, str] | None = None,
    min_scores: int = 0,
) -> Protocol:
    """The protocol of `decision` (a `models.Decision`), with candidates' `names` by id, the
    decisions of its scope and stage (`history`, oldest first), the members' names by email and the
    rubric's `min_scores` for a decision recorded before its record kept that number."""
    record = decision.record or {}
    return Protocol(
        decision_id=decision.id,
        year=decision.year,
        stage=decision.stage,
        scope=decision.scope,
        decided_at=decision.decided_at,
        place=decision.place,
        chair=Person(decision.chair_name, decision.chair_email),
        members_present=signatories(decision.chair_email, decision.members_present, people or {}),
        justification=decision.justification,
        quota=decision.quota,
        advanced=[(cid, names.get(cid, cid)) for cid in decision.advanced],
        not_advanced=[(cid, names.get(cid, cid)) for cid in decision.not_advanced],
        rubric=[Criterion(**criterion) for criterion in record.get("rubric", [])],
        scores=[MemberScore(**score) for score in record.get("scores", [])],
        ranking=[Ranked(**row) for row in record.get("ranking", [])],
        normalization={lang: i18n.translate(messages.NORMALISATION, lang) for lang in i18n.LANGUAGES},
        tie_break={lang: i18n.translate(messages.TIE_BREAK, lang) for lang in i18n.LANGUAGES},
        corrections=[
            Correction(d.id, d.decided_at, d.reason, d.supersedes)
            for d in history
            if d.supersedes or d.reason
        ],
        language=decision.language,
        min_scores=int(record.get("min_scores") or min_scores),
        digest=fingerprint.sha256(decision),
    )


Words = Callable[..., str]


def words(lang: str) -> Words:
    """The protocol's labels in `lang`: `word("quota", used=3, quota=10)`."""

    def word(key: str, **params: Any) -> str:
        return i18n.translate(messages.PROTOCOL[key], lang, params)

    return word


def commission(protocol: Protocol, lang: str) -> str:
    word = words(lang)
    if protocol.stage == "republican":
        return word("commission.republican")
    region = regions.resolve(protocol.scope)
    return word("commission.regional", region=region.name(lang) if region else protocol.scope)


def summary(protocol: Protocol, lang: str) -> list[tuple[str, str | int]]:
    """The protocol's heading facts, as (label, value) rows shared by both renderers (the year a
    number, for the workbook's sake)."""
    word = words(lang)
    return [
        (word("decision_id"), protocol.decision_id),
        (word("year"), protocol.year),
        (word("stage"), i18n.translate(messages.STAGE_NAMES[protocol.stage], lang)),
        (word("date"), i18n.format_moment(protocol.decided_at, lang)),
        (word("place"), protocol.place or "—"),
        (word("chair"), protocol.chair.label),
        (word("members"), ", ".join(p.label for p in protocol.members_present) or word("none")),
        ("SHA-256", protocol.digest),
    ]


def too_few_note(protocol: Protocol, lang: str) -> str:
    """The footnote under a ranking where a candidate is marked, or "" when none is."""
    if not any(protocol.too_few(row) for row in protocol.ranking):
        return ""
    return f"{TOO_FEW_MARK} {words(lang)('too_few', min=protocol.min_scores)}"


def fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
