"""The words notify puts into messages as parameters (reasons, what a candidate lacks) and those its
pages show, as English msgids translated in the shared catalogs. The letters themselves are
templates in the database (`seed/` for their first versions); no letter text lives in code.
"""

from __future__ import annotations

from shared import problems
from shared.i18n import N_, Text

#: Why media rejected a photo, as a letter says it; `OTHER_REASON` for a reason added later.
REASONS: dict[str, Text] = {
    "missing": N_("no photo was uploaded"),
    "not_jpeg": N_("it is not a JPEG"),
    "too_small": N_("it is too small (short side under %(min_side)s pixels)"),
    "too_large": N_("it is too large (over 50 megapixels)"),
    "unreadable": N_("the file cannot be read"),
    "checksum_mismatch": N_("the file was damaged in transit"),
}
OTHER_REASON = N_("it does not meet the requirements")

#: What a republican candidate may still lack, as review and intake name it.
MISSING: dict[str, Text] = {
    "statements.kk": N_("the statement in Kazakh"),
    "statements.ru": N_("the statement in Russian"),
    "statements.en": N_("the statement in English"),
    "photo": N_("a photo"),
}
OTHER_MISSING = N_("other materials")

NOT_FOUND = N_("Message not found.")

#: The codes the pages name with `term(kind, code)`.
TERMS: dict[str, dict[str, Text]] = {
    "channel": {"email": N_("Email"), "sms": N_("SMS")},
    "template": {
        "nomination_received": N_("Nomination received"),
        "photo_rejected": N_("Photo rejected"),
        "candidate_advanced": N_("Candidate advanced"),
        "candidate_not_advanced": N_("Candidate not advanced"),
        "correction_advanced": N_("Decision corrected: advanced"),
        "correction_not_advanced": N_("Decision corrected: not advanced"),
        "statements_needed": N_("Statements needed"),
        "winner": N_("Winner"),
        "to_score_digest": N_("Candidates to score"),
        "deadline_reminder": N_("Deadline reminder"),
    },
    "status": {
        "held": N_("Held (quiet hours)"),
        "queued": N_("Queued"),
        "sent": N_("Sent"),
        "delivered": N_("Delivered"),
        "failed": N_("Failed"),
    },
}

#: A template (or a preview's texts or parameters) that would not render: `problems` says where.
TEMPLATE_REFUSED = "template_refused"
#: A preview asked on a channel its message is not sent on.
CHANNEL_NOT_OFFERED = "channel_not_offered"

#: The problems notify's API answers with, beyond every service's.
PROBLEMS: dict[str, Text] = {
    **problems.CATALOG,
    **problems.texts(
        TEMPLATE_REFUSED,
        N_("Template refused"),
        N_("This template would not render for its message; `problems` names each part at fault."),
    ),
    **problems.texts(
        CHANNEL_NOT_OFFERED,
        N_("Channel not used"),
        N_("This message is not sent on this channel."),
    ),
    **problems.texts(
        "template_too_costly",
        N_("Template too costly"),
        N_(
            "Rendering this template would cost more than a message may (over 64 KB of text, a range of "
            "over 10,000 numbers, a string repeated past 10,000 characters); see `problems`."
        ),
    ),
}

#: Each parameter a template may use, in plain words for the editor's help (its example beside it).
PARAMETER_HELP: dict[str, Text] = {
    "audience": N_("Whom the letter is for: «student», or «coordinator» for the college's coordinator"),
    "name": N_("The student's full name, surname first"),
    "greeting_name": N_(
        "How the letter greets the student: given name and patronymic (in English, the given name)"
    ),
    "reference": N_("The nomination's short reference, for an SMS"),
    "nomination_id": N_("The nomination's full number"),
    "region": N_("The region's name"),
    "decided_by": N_("The day the regional commissions decide by"),
    "reason": N_("Why the photo was refused"),
    "min_side": N_("The fewest pixels the photo's short side needs"),
    "amend_by": N_("The last day for amendments"),
    "to_stage": N_("The stage the candidate goes on to: «republican» or «winner»"),
    "missing": N_("What the candidate still lacks (a list)"),
    "republican_from": N_("The day the republican stage starts"),
    "stage": N_("The stage decided: «internal», «regional» or «republican»"),
    "corrected_on": N_("The day of the decision that was corrected"),
    "recipient_name": N_("The name of the person the letter is for"),
    "year": N_("The programme's year"),
    "count": N_("How many candidates (a number)"),
    "names": N_("The candidates' names (a list)"),
    "url": N_("The link to the list of candidates"),
    "kind": N_("Which deadline: «nominations», «decisions» or «statements»"),
    "deadline": N_("The deadline's day"),
}

#: What the editor says of a template it cannot save, in the page's language (`drafts.Problem`).
TEMPLATE_PROBLEMS: dict[str, Text] = {
    "syntax": N_("the template cannot be read: %(detail)s"),
    "unknown": N_("«%(detail)s» is not a parameter of this message"),
    "fails": N_("it fails with the sample values: %(detail)s"),
    "costly": N_("it would cost too much to render: %(detail)s"),
    "one_line": N_("a subject is one line"),
    "empty": N_("it is empty in every language"),
}
AT_LINE = N_("Line %(line)s: %(problem)s")
#: The parts of a template, as the editor's errors name them.
PARTS: dict[str, Text] = {"subject": N_("Subject"), "body": N_("Text")}
#: What marks an administrator's test in its subject or SMS (in the language it is written in).
TEST_MARK = N_("[Test]")
