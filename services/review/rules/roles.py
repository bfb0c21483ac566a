"""Who is who in the commissions: the roles as named sets, so a check reads as the programme says it
(`@identity.roles(*CHAIRS)`, `caller.role in SCORERS["regional"]`), and who may score or show scores.

Built on `shared.identity`'s sets, which every service shares; the names here are review's.
"""

from __future__ import annotations

from shared.identity import (
    AUDITOR_ROLES,
    CHAIR_ROLES,
    COMMISSION_ROLES,
    MEMBER_ROLES,
    REGIONAL_ROLES,
    Identity,
)

ADMINS: frozenset[str] = frozenset({"admin"})
#: The chairs of the regional commissions and of the working group: they decide and show scores.
CHAIRS: frozenset[str] = CHAIR_ROLES
#: Everyone who scores (chairs are members of their commission too).
MEMBERS: frozenset[str] = MEMBER_ROLES
#: The commissions and the administrators: they read candidates' lists, rankings, decisions and figures.
COMMISSIONS: frozenset[str] = COMMISSION_ROLES
#: Who reads the audit log and a decision's protocol: the chairs and the administrators.
AUDITORS: frozenset[str] = AUDITOR_ROLES
#: Who may download a decision's protocol: it prints every member's scores of every candidate, which
#: a member may not see (not before their own score, never on a conflict): the chairs and admins.
PROTOCOL_READERS: frozenset[str] = AUDITOR_ROLES
#: Who records a correction: the scope's chair, or an administrator overriding with a reason.
CORRECTORS: frozenset[str] = CHAIRS | ADMINS
#: The members a blind stage hides names from (a chair sees whom their commission judges).
BLINDED: frozenset[str] = frozenset({"regional_member", "national_member"})
#: Who scores each stage: the region's commission the regional stage, the working group after.
SCORERS: dict[str, frozenset[str]] = {
    "regional": frozenset({"regional_member", "regional_chair"}),
    "republican": frozenset({"national_member", "national_chair"}),
}


def may_score_stage(caller: Identity, stage: str) -> bool:
    """Regional commissions score the regional stage, the working group the republican one."""
    if not caller.member:
        return False
    return stage == ("regional" if caller.role in REGIONAL_ROLES else "republican")


def may_show_scores(caller: Identity, stage: str, region: str | None) -> bool:
    """A chair shows the scores of one scope they see: a regional chair their region's regional
    stage; the national chair the republican stage, or one region's regional stage."""
    if caller.role not in CHAIRS:
        return False
    if caller.role in REGIONAL_ROLES:
        return stage == "regional" and region == caller.region
    return stage != "regional" or region is not None


def may_decide(caller: Identity, stage: str, scope: str) -> bool:
    """The chair of the commission that scores `stage` decides it, in a scope they see: a region's
    chair the regional stage of their region, the national chair the winners."""
    return caller.role in CHAIRS & SCORERS.get(stage, frozenset()) and caller.sees(scope)


def may_record(caller: Identity, stage: str, scope: str, override_reason: str | None) -> bool:
    """Who records a decision or correction: the scope's chair; an admin only with an override's
    reason (which only an admin may give)."""
    if caller.role in ADMINS:
        return override_reason is not None
    return override_reason is None and may_decide(caller, stage, scope)
