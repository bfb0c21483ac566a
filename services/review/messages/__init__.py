"""The words review's pages pick at run time: its codes (stages, statuses, photo states) in words.

Each is an English msgid, translated in the shared catalogs; the templates' own words are in the
templates.
"""

from __future__ import annotations

from services.review.messages import votes
from shared import problems, vocabulary
from shared.i18n import N_, Text

STAGES: dict[str, Text] = {
    "regional": N_("Regional"),
    "republican": N_("Republican"),
    # TRANSLATORS: the stage of a candidate the working group named a winner.
    "winner": N_("Winners"),
}
STATUSES: dict[str, Text] = {
    "under_review": N_("Under review"),
    "advanced": N_("Advanced"),
    "not_advanced": N_("Not advanced"),
    "withdrawn": N_("Withdrawn"),
    "winner": N_("Winner"),
}
PHOTO_STATES: dict[str, Text] = {
    "pending": N_("Being processed"),
    "processed": N_("Ready"),
    "missing": N_("Not uploaded"),
    "none": N_("Not uploaded"),
}
#: What a candidate lacks for the republican stage, by intake's codes.
MISSING: dict[str, Text] = {
    "statements.kk": N_("a statement in Kazakh of at least 250 words"),
    "statements.ru": N_("a statement in Russian of at least 250 words"),
    "statements.en": N_("a statement in English of at least 250 words"),
    "photo": N_("a processed photo"),
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

#: The rankings page's two sentences: the order's rule, and what "normalised" means.
TIE_BREAK = N_(
    "Order: higher normalised score, then higher weighted mean, then more international achievements, "
    "then more national achievements, then earlier submission."
)
NORMALISATION = N_(
    "Normalised: each member's scores are turned into z-scores (how far above or below that member's own "
    "average, in that member's own spread), so a lenient or a strict member does not move a candidate by "
    "temperament alone."
)
#: What a refused part of an account's name says (`rules.names`), after the field it names; the same
#: words intake says of a student's name.
NAME_REFUSALS: dict[str, Text] = {
    **vocabulary.NAME_REFUSALS,
    "name_and_parts": N_("give the whole name or its parts (last name, given name, patronymic), not both"),
}
#: The codes the pages name with `term(kind, code)`.
#: The photo's derivatives a page links to (media's names).
DERIVATIVES: dict[str, Text] = {"thumb": N_("thumbnail"), "web": N_("web size"), "asset": N_("in media")}

TERMS: dict[str, dict[str, Text]] = {
    "stage": STAGES,
    "status": STATUSES,
    "missing": MISSING,
    "photo": PHOTO_STATES,
    "derivative": DERIVATIVES,
}


#: Review's problems in kk/ru/en: the generic ones, the commissions' own and the public vote's.
PROBLEMS: dict[str, Text] = {
    **problems.CATALOG,
    **votes.PROBLEMS,
    **problems.texts(
        "not_your_stage", N_("Not your stage"), N_("Your commission does not score candidates at this stage.")
    ),
    **problems.texts("not_assigned", N_("Not assigned"), N_("This candidate is assigned to other members.")),
    **problems.texts(
        "conflict_declared",
        N_("Conflict of interest"),
        N_("You declared a conflict of interest with this candidate, or they study at your college."),
    ),
    **problems.texts(
        "stage_closed", N_("Stage closed"), N_("This stage is past its deadline or already decided.")
    ),
    **problems.texts(
        "rubric_frozen",
        N_("Rubric frozen"),
        N_("This stage has scores already: its rubric is frozen for the year."),
    ),
    **problems.texts(
        "validation_failed", N_("Invalid data"), N_("Some fields are missing or invalid; see `errors`.")
    ),
    # TRANSLATORS: what is wrong with one criterion of a score, shown next to the criterion.
    "score.missing": N_("a value is required"),
    "score.not_integer": N_("must be a whole number"),
    "score.out_of_range": N_("out of the criterion's range"),
    "score.unknown_criterion": N_("the rubric has no such criterion"),
    "score.not_object": N_("must be an object of criterion codes and values"),
    "text.too_long": N_("too long"),
    "rubric.not_object": N_("must be an object"),
    "rubric.min_scores": N_("a whole number from 1"),
    "rubric.no_criteria": N_("at least one criterion is required"),
    "rubric.code": N_("letters, digits and underscores, at most 40"),
    "rubric.code_repeated": N_("this code is used twice"),
    "rubric.names": N_("a name in Kazakh, Russian and English is required"),
    "rubric.weight": N_("a whole number from 1 to 100"),
    "rubric.range": N_("whole numbers with 0 ≤ min < max ≤ 1000"),
}
#: Why a member cannot score a candidate on the scoring page: the details of the API's problems.
REFUSALS: dict[str, Text] = {
    code: PROBLEMS[f"problem.{code}.detail"]
    for code in ("not_your_stage", "conflict_declared", "not_assigned", "stage_closed")
}

#: The login page's answers: one for every wrong email, password or disabled account (no answer
#: tells whether an account exists), one for the throttle's lock.
LOGIN_FAILED = N_("Wrong email or password.")
LOGIN_EXPIRED = N_("The form had expired. Please sign in again.")
LOGIN_LOCKED = N_(
    "Too many failed sign-in attempts. Signing in is locked for 15 minutes: try again after %(time)s."
)

# --- Decisions: problems and the protocol's words ------------------------------------------------


CATALOG: dict[str, Text] = {
    **PROBLEMS,
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
        "nothing_changed",
        N_("Nothing changed"),
        N_("The correction advances the same candidates as the decision it corrects (%(decision_id)s)."),
    ),
    **problems.texts(
        "stage_superseded",
        N_("Decided at the next stage"),
        N_(
            "The republican decision %(decision_id)s already concerns this region's candidates: only an "
            "admin may correct this decision now, giving an override reason."
        ),
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
    "role": N_("Role"),
    "min": N_("Minimum"),
    "max": N_("Maximum"),
    "too_few": N_("fewer scores than the rubric requires (%(min)s)"),
    "too_few_column": N_("Too few scores"),
    "page": N_("Page %(page)s of %(pages)s"),
    "fingerprint": N_("Decision %(id)s · SHA-256 %(digest)s"),
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
    "deadline": N_("Deadline"),
    "when": N_("When"),
    # TRANSLATORS: a deadline that has passed, in the dashboard's "days left" column.
    "closed": N_("closed"),
    "today": N_("today"),
    "members": N_("Scoring progress per member"),
    "member": N_("Member"),
    "no_members": N_("No scoring members yet."),
    "of": N_("%(scored)s of %(total)s"),
    "as_table": N_("The same figures as a table"),
    "figure": N_("Figure"),
}

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
    "service": N_("Service"),
    "every_service": N_("Every service"),
    "object": N_("What was read or changed"),
    "newer": N_("Newer"),
    "older": N_("Older"),
    "total": N_("%(num)s entries"),
}

#: The audit log's actions in words (review's own and those media and notify send); a newer one is
#: shown as its code.
ACTIONS: dict[str, Text] = {
    "login": N_("signed in"),
    "login.failed": N_("failed to sign in"),
    "login.refused": N_("was refused signing in"),
    "logout": N_("signed out"),
    "user.created": N_("created an account"),
    "user.changed": N_("changed an account"),
    "user.reset": N_("reset a password"),
    "user.disabled": N_("disabled an account"),
    "user.token_issued": N_("issued an API token"),
    "score.put": N_("saved a score"),
    "conflict.declared": N_("declared a conflict of interest"),
    "conflict.withdrawn": N_("withdrew a conflict of interest"),
    "rubric.changed": N_("changed the rubric"),
    "stage.blind": N_("made a stage blind"),
    "stage.assignment": N_("assigned candidates to members"),
    "scores.shown": N_("showed every score"),
    "candidate.read": N_("opened a candidate"),
    "candidates.listed": N_("listed candidates"),
    "decision.recorded": N_("recorded a decision"),
    "decision.corrected": N_("corrected a decision"),
    "decision.overridden": N_("overrode a decision"),
    "extension.granted": N_("extended a deadline"),
    "protocol.read": N_("downloaded a protocol"),
    "photo.link": N_("opened a photo"),
    "kit.requested": N_("requested a media kit"),
    "kit.download": N_("downloaded a media kit"),
    "publication.logged": N_("logged a publication"),
    "message.read": N_("opened a message"),
    "message.file": N_("opened a message's file"),
    "messages.listed": N_("listed messages"),
    "template.saved": N_("saved a template"),
}

#: The decision page's words.
DECISION_PAGE: dict[str, Text] = {
    "title": N_("The commission's decision"),
    "recorded": N_("Decision recorded on %(date)s"),
    "advance": N_("Advance"),
    "justification": N_("Justification"),
    "members": N_("Others present (emails, separated by commas)"),
    "present": N_("Members present"),
    "chosen": N_("Chosen to advance"),
    "flags": N_("Flags"),
    "flag_few": N_("too few scores"),
    "flag_incomplete": N_("incomplete"),
    "flag_conflict": N_("conflict of interest"),
    "place": N_("Place of the meeting"),
    "show_recorded": N_("Show what will be recorded"),
    "correct": N_("Record a correction"),
    "reason": N_("Reason for the correction"),
    "refused": N_("The decision was not recorded."),
    "protocol_pdf": N_("Protocol (PDF)"),
    "protocol_xlsx": N_("Protocol (XLSX)"),
    "quota": N_("At most %(quota)s may advance."),
    "advanced": N_("Advanced"),
    "not_advanced": N_("Not advanced"),
    "mean": N_("Weighted mean"),
    "scores": N_("Scores"),
    "in_force": N_("Current decision"),
    "correcting": N_("Correcting decision no. %(sequence)s, recorded on %(date)s:"),
    "show_changes": N_("Show what changes"),
    "changes": N_("The correction will change:"),
    "now_advanced": N_("Will now advance"),
    "no_longer_advanced": N_("Will no longer advance"),
    "nobody": N_("nobody"),
    "confirm": N_("Confirm and record the correction"),
    "confirm_title": N_("Check what will be recorded"),
    "will_advance": N_("Will advance: %(count)s of %(quota)s"),
    "will_not_advance": N_("Will not advance: %(count)s"),
    "confirm_first": N_("Confirm and record the decision"),
    "back": N_("Back to the form"),
    "until_confirm": N_("Nothing is recorded until you confirm."),
    "no_year": N_("The year must be a year, such as 2026."),
    "no_justification": N_("Write the justification: why the commission chose these candidates."),
    "no_reason": N_("Write the reason for the correction."),
    "recheck": N_("To check again: regional corrections an admin allowed after this decision"),
}
