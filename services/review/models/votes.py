"""The public vote's tables: contests, votes (append-only), one-time codes, wrong codes, snapshots.

A voter is `voter_hash`, an HMAC of their phone under the vote's key (`rules.votes.voter_hash`): the
phone itself is stored nowhere. A vote is never updated or deleted, except that the row a change
supersedes is marked once (`current` false, `superseded_by` the new row): triggers refuse anything
else, and a partial unique index keeps one current vote per voter and contest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from services.review.models import Base
from shared.i18n import LANGUAGES
from shared.models import one_of, partial_index

CONTEST_STAGES = ("regional", "republican")
#: A bigint on PostgreSQL; on SQLite an INTEGER PRIMARY KEY (the rowid), the only one it numbers.
BIG_ID = BigInteger().with_variant(Integer(), "sqlite")


class Contest(Base):
    """One public vote: a year, a stage and a region (or `national`), open between two instants.

    Its settings are frozen when it opens (`frozen_at`): the candidates then (`candidate_ids`) and
    whether counts are public before the close. An admin may move its times until then.
    """

    __tablename__ = "contests"
    __table_args__ = (
        CheckConstraint(one_of("stage", CONTEST_STAGES), name="stage"),
        CheckConstraint("opens_at < closes_at", name="times"),
        Index("uq_contests_year_stage_scope", "year", "stage", "scope", unique=True),
    )

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    stage: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(40))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    counts_public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    frozen_at: Mapped[datetime | None]
    candidate_ids: Mapped[list[str] | None] = mapped_column(JSON)


class Vote(Base):
    """One vote as cast: append-only; a change is a new row that supersedes the current one."""

    __tablename__ = "votes"
    __table_args__ = (
        # One current vote per voter and contest, whatever number of requests race for it.
        partial_index("uq_votes_current", "contest_id", "voter_hash", where="current", unique=True),
        # The counts: current votes of a contest by candidate.
        partial_index("ix_votes_contest_candidate_current", "contest_id", "candidate_id", where="current"),
        Index("ix_votes_contest_recorded_at", "contest_id", "recorded_at"),
        # A voter's votes, superseded ones too (the votes of a number block: `queries.signals`).
        Index("ix_votes_contest_voter", "contest_id", "voter_hash"),
        CheckConstraint("current OR superseded_by IS NOT NULL", name="superseded"),
    )

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    contest_id: Mapped[str] = mapped_column(ForeignKey("contests.id"))
    candidate_id: Mapped[str] = mapped_column(String(36))
    #: Hex HMAC-SHA256 of the voter's E.164 phone.
    voter_hash: Mapped[str] = mapped_column(String(64))
    #: The network the vote came from: a /24 (IPv4) or /48 (IPv6), never the address.
    network: Mapped[str] = mapped_column(String(50))
    #: A hash of the browser cookie's id (`rules.votes.browser_hash`).
    browser: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    superseded_by: Mapped[int | None] = mapped_column(BigInteger)


class VoteCode(Base):
    """One code sent (a verification): only its HMAC is kept. The sends' limits are counted here."""

    __tablename__ = "vote_codes"
    __table_args__ = (
        CheckConstraint(one_of("language", LANGUAGES), name="language"),
        Index("ix_vote_codes_phone_created_at", "phone_hash", "created_at"),
        Index("ix_vote_codes_address_created_at", "address_hash", "created_at"),
        Index("ix_vote_codes_browser_created_at", "browser", "created_at"),
        # The votes of a number block (`sequential_numbers`, checked as votes arrive).
        Index("ix_vote_codes_contest_number_block", "contest_id", "number_block"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    contest_id: Mapped[str] = mapped_column(ForeignKey("contests.id"))
    #: The voter's hash (`voter_hash`): what the code proves once checked.
    phone_hash: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    #: An HMAC of the requesting address (the per-address limit), and its network prefix.
    address_hash: Mapped[str] = mapped_column(String(64))
    network: Mapped[str] = mapped_column(String(50))
    browser: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    #: The keyed hint of the number's block of 100 (`rules.signals.number_block`): the
    #: `sequential_numbers` signal reads it; the number itself is stored nowhere.
    number_block: Mapped[str | None] = mapped_column(String(64))


class VotePhone(Base):
    """One row per phone (by hash) that asked for a code: locked while its codes are sent or checked,
    so that parallel requests for one phone are taken one after the other (limits, wrong codes)."""

    __tablename__ = "vote_phones"

    phone_hash: Mapped[str] = mapped_column(String(64), primary_key=True)


class WrongCode(Base):
    """A wrong code given for a phone: five within 30 minutes lock it (`rules.votes.locked_until`)."""

    __tablename__ = "vote_wrong_codes"
    __table_args__ = (Index("ix_vote_wrong_codes_phone_at", "phone_hash", "at"),)

    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True, autoincrement=True)
    phone_hash: Mapped[str] = mapped_column(String(64))
    verification_id: Mapped[str] = mapped_column(String(36))
    at: Mapped[datetime]


class VoteCount(Base):
    """What pages show of a contest before its snapshot: per candidate its current votes as of
    `counted_at`. Rebuilt from `votes WHERE current` (`operations.counts.recount`), never updated per
    vote and never the truth: the votes are, and a rebuild makes this exact again."""

    __tablename__ = "vote_counts"

    contest_id: Mapped[str] = mapped_column(ForeignKey("contests.id"), primary_key=True)
    candidate_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    votes: Mapped[int] = mapped_column(Integer)
    counted_at: Mapped[datetime]


class ContestSnapshot(Base):
    """The counts of a contest at its close: per candidate the current votes, with a SHA-256 of the
    sorted (candidate, count) rows so anyone holding the rows can check them."""

    __tablename__ = "contest_snapshots"

    contest_id: Mapped[str] = mapped_column(ForeignKey("contests.id"), primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(primary_key=True)
    rows: Mapped[list[Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))


class VoteFlags(Base):
    """The fraud signals' verdict on one vote, kept so the commission's reads need not recompute a
    national contest: its reasons (`rules.signals.SIGNALS` in their order, `;`-joined, empty when
    none). One row per vote checked; `operations.vote_flags` keeps them equal to `rules.signals.flags`
    over every vote of the contest (a flag, once found, never goes: the signals only grow with votes).
    `checked_at` is when the check that wrote the row ran: the next one starts from there."""

    __tablename__ = "vote_flags"
    __table_args__ = (
        Index("ix_vote_flags_contest_checked_at", "contest_id", "checked_at"),
        # The signals' page: the flagged votes of a contest only.
        partial_index("ix_vote_flags_contest_flagged", "contest_id", "vote_id", where="reasons <> ''"),
    )

    vote_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("votes.id"), primary_key=True, autoincrement=False
    )
    contest_id: Mapped[str] = mapped_column(ForeignKey("contests.id"))
    reasons: Mapped[str] = mapped_column(String(200), default="")
    checked_at: Mapped[datetime]
