"""The audit log's words: the actions review records, who may read the log, how a typed email is
masked. Plain values; `operations.audit` writes the entries and `queries.audit` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared import audit as shared_audit
from shared.identity import AUDITOR_ROLES, Identity

#: The actions of accounts and logins.
LOGIN = "login"
LOGIN_FAILED = "login.failed"
LOGIN_REFUSED = "login.refused"
USER_CREATED = "user.created"
USER_CHANGED = "user.changed"
USER_RESET = "user.reset"
USER_DISABLED = "user.disabled"
TOKEN_ISSUED = "user.token_issued"
LOGOUT = shared_audit.LOGOUT

#: The actions of the commissions' work.
SCORE_PUT = "score.put"
CONFLICT_DECLARED = "conflict.declared"
#: A chair set a member's declared conflict aside (the reason in the entry): the member may score again.
CONFLICT_WITHDRAWN = "conflict.withdrawn"
RUBRIC_CHANGED = "rubric.changed"
STAGE_BLIND = "stage.blind"
STAGE_ASSIGNMENT = "stage.assignment"
#: A chair chose to show every score of a scope before its scoring was done.
SCORES_SHOWN = "scores.shown"
#: An admin moved a public vote's opening or closing (only ever before it opens).
CONTEST_TIMES = "contest.times"
#: A chair or an admin read a public vote's flagged votes, or exported all its votes.
VOTE_SIGNALS_READ = "votes.signals_read"
VOTES_EXPORTED = "votes.exported"
#: Reading one candidate's personal data (their page, the API's detail, the scoring page).
CANDIDATE_READ = "candidate.read"
#: Reading a list of candidates (names and colleges): one entry per list, not per name.
CANDIDATES_LISTED = "candidates.listed"

#: Entries written here; media's and notify's come with their `audit.recorded`.
SERVICE = "review"
#: The services whose entries the log holds (review's own and those `audit.recorded` brings).
SERVICES = ("review", "media", "notify")


def mask_email(email: str) -> str:
    """`a***@example.kz`: enough for an administrator to recognise a colleague's typo, not an address."""
    local, at, domain = email.strip().partition("@")
    return f"{local[:1]}***{at}{domain}" if at else f"{email[:1]}***"


@dataclass(frozen=True)
class Filters:
    """What a reader of the log asks for (`GET /api/v1/audit`, the audit page and its CSV)."""

    actor: str | None = None
    action: str | None = None
    candidate: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before_id: int | None = None
    service: str | None = None
    limit: int = 100


def visible_to(viewer: Identity) -> bool:
    """Whether `viewer` may read the log at all: administrators and chairs."""
    return viewer.role in AUDITOR_ROLES
