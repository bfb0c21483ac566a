"""The words review's pages pick at run time: its codes (stages, statuses, photo states) in words.

Each is an English msgid, translated in the shared catalogs; the templates' own words are in the
templates.
"""

from __future__ import annotations

from shared import problems
from shared.i18n import N_, Text

STAGES: dict[str, Text] = {
    "internal": N_("Internal (college)"),
    "regional": N_("Regional"),
    "republican": N_("Republican"),
}
STATUSES: dict[str, Text] = {"nominated": N_("Nominated"), "withdrawn": N_("Withdrawn")}
PHOTO_STATES: dict[str, Text] = {
    "pending": N_("Being processed"),
    "processed": N_("Ready"),
    "missing": N_("Not uploaded"),
}
PHOTO_REJECTED = N_("Rejected: %(reason)s")
REASONS: dict[str, Text] = {
    "not_jpeg": N_("not a JPEG"),
    "too_small": N_("too small"),
    "too_large": N_("too large"),
    "unreadable": N_("unreadable file"),
    "checksum_mismatch": N_("damaged file"),
}
UNKNOWN_REGION = N_("Unknown region: %(code)s")
NOT_FOUND = N_("Candidate not found.")

#: The codes the pages name with `term(kind, code)`.
TERMS: dict[str, dict[str, Text]] = {"stage": STAGES, "status": STATUSES}

# --- Decisions: problems and the protocol's words ------------------------------------------------


CATALOG: dict[str, Text] = {
    **problems.CATALOG,
    **problems.texts(
        "validation_failed", N_("Invalid decision"), N_("Some fields are missing or invalid; see `errors`.")
    ),
    **problems.texts(
        "quota_exceeded",
        N_("Quota exceeded"),
        N_("At most %(quota)s candidates may advance at this stage; the decision names %(advanced)s."),
    ),
    **problems.texts(
        "candidate_incomplete",
        N_("Candidates incomplete"),
        N_("These candidates lack the three statements of at least 250 words or a processed photo: %(ids)s."),
    ),
    **problems.texts(
        "stage_closed", N_("Stage closed"), N_("The stage's deadline has passed (%(deadline)s).")
    ),
    **problems.texts(
        "already_decided",
        N_("Already decided"),
        N_("This scope and stage have a decision already (%(decision_id)s); record a correction of it."),
    ),
    **problems.texts(
        "not_in_scope",
        N_("Not candidates of this decision"),
        N_("These are not candidates of this region and stage: %(ids)s."),
    ),
    **problems.texts(
        "duplicate_candidates",
        N_("Candidates named twice"),
        N_("A candidate is named more than once: %(ids)s."),
    ),
    "field.required": N_("required"),
    "field.invalid": N_("invalid value"),
    "field.empty": N_("must not be empty"),
}

#: The protocol's headings and labels (PDF and XLSX), in the commission's language.
PROTOCOL: dict[str, Text] = {
    "title": N_("Protocol of the commission's meeting"),
    "correction": N_("Correction of decision %(id)s"),
    "reason": N_("Reason for the correction"),
    "commission.regional": N_("Regional commission: %(region)s"),
    "commission.republican": N_("National working group"),
    "stage": N_("Stage"),
    "year": N_("Year"),
    "date": N_("Date"),
    "place": N_("Place"),
    "chair": N_("Chair"),
    "members": N_("Members present"),
    "rubric": N_("Rubric"),
    "criterion": N_("Criterion"),
    "weight": N_("Weight"),
    "range": N_("Range"),
    "scores": N_("Members' scores"),
    "member": N_("Member"),
    "candidate": N_("Candidate"),
    "ranking": N_("Ranking"),
    "rank": N_("Rank"),
    "weighted_mean": N_("Weighted mean"),
    "normalized": N_("Normalised"),
    "scores_count": N_("Scores"),
    "tie_break": N_("Tie-break"),
    "decision": N_("Decision"),
    "advanced": N_("Advanced"),
    "not_advanced": N_("Not advanced"),
    "justification": N_("Justification"),
    "quota": N_("Quota used: %(used)s of %(quota)s"),
    "corrections": N_("Corrections"),
    "signatures": N_("Signatures"),
    "signature": N_("signature"),
    "none": N_("none"),
    "decision_id": N_("Decision"),
}
STAGE_NAMES: dict[str, Text] = {
    **STAGES,
    "winner": N_("Winner"),
}

#: The dashboard's words.
DASHBOARD: dict[str, Text] = {
    "title": N_("Dashboard %(year)s"),
    "national": N_("Nationally"),
    "region": N_("Region"),
    "nominations_received": N_("Nominations received"),
    "candidates": N_("Candidates"),
    "scored": N_("Scored"),
    "decided": N_("Decided"),
    "advanced": N_("Advanced"),
    "quota_left": N_("Quota left"),
    "incomplete_republican": N_("Incomplete republican candidates"),
    "winners": N_("Winners"),
    "deadlines": N_("Deadlines"),
    "days_left": N_("Days left"),
    "chart.decided": N_("Candidates decided, per region"),
    "chart.advanced": N_("Advanced of the quota of 10, per region"),
    "chart.scored": N_("Candidates with a score, per region"),
    "submission_closes": N_("Nominations close"),
    "regional_decisions_close": N_("Regional decisions close"),
    "amendments_close": N_("Statements and photos amended until"),
    "republican_decision_closes": N_("Republican decision closes"),
}

#: The login page's answers: one for every wrong email, password or disabled account (no answer
#: tells whether an account exists), one for the throttle's lock.
LOGIN_FAILED = N_("Wrong email or password.")
LOGIN_LOCKED = N_(
    "Too many failed sign-in attempts. Signing in is locked for 15 minutes: try again after %(time)s."
)

#: The audit page's words.
AUDIT: dict[str, Text] = {
    "title": N_("Audit log"),
    "actor": N_("Who (id or email)"),
    "action": N_("Action"),
    "candidate": N_("Candidate id"),
    "from": N_("From"),
    "to": N_("To (exclusive)"),
    "filter": N_("Filter"),
    "export": N_("Export CSV"),
    "at": N_("When"),
    "role": N_("Role"),
    "region": N_("Region"),
    "details": N_("Details"),
    "empty": N_("No entries."),
}
