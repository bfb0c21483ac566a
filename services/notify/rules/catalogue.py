"""The messages the programme sends: each code's parameters (with sample values) and whether it is
optional (and so carries an unsubscribe link). The texts themselves are templates, in the database.

A template may use only the parameters of its message; `templating.check` refuses any other name,
and `tests/contracts/test_notify_templates.py` proves every event that triggers a message carries them all.
`audience` tells a student's letter from their college coordinator's, where a message has both.
`name` is the student's full name (surname first, as a coordinator finds it in their lists);
`greeting_name` is how a letter to the student greets them (`rules.greeting_name`). The dates are in
the letter's language, from the decision or else the programme's calendar.
"""

from __future__ import annotations

from typing import Any

STUDENT_AND_COORDINATOR = ("student", "coordinator")

PARAMETERS: dict[str, dict[str, Any]] = {
    "nomination_received": {
        "audience": STUDENT_AND_COORDINATOR,
        "name": "Нұрланұлы Әлихан Қайратұлы",
        "greeting_name": "Әлихан Қайратұлы",
        "reference": "0B6F3C1E",
        "nomination_id": "0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f",
        "region": "Алматы",
        "decided_by": "15 қазан",
    },
    "photo_rejected": {
        "audience": STUDENT_AND_COORDINATOR,
        "name": "Нұрланұлы Әлихан Қайратұлы",
        "greeting_name": "Әлихан Қайратұлы",
        "reference": "0B6F3C1E",
        "nomination_id": "0b6f3c1e-5d2a-4c8e-9f10-2a3b4c5d6e7f",
        "reason": "суреттің қысқа жағы 600 пикселден аз",
        "min_side": 600,
        "amend_by": "20 қазан",
    },
    "candidate_advanced": {
        "audience": STUDENT_AND_COORDINATOR,
        "name": "Нұрланұлы Әлихан Қайратұлы",
        "greeting_name": "Әлихан Қайратұлы",
        "reference": "0B6F3C1E",
        "to_stage": "republican",
        "missing": ["қазақ тіліндегі мәлімдеме"],
        "amend_by": "20 қазан",
        "republican_from": "20 қазан",
    },
    "candidate_not_advanced": {
        "audience": STUDENT_AND_COORDINATOR,
        "name": "Нұрланұлы Әлихан Қайратұлы",
        "greeting_name": "Әлихан Қайратұлы",
        "reference": "0B6F3C1E",
        "stage": "regional",
    },
    "correction_advanced": {
        "audience": STUDENT_AND_COORDINATOR,
        "name": "Нұрланұлы Әлихан Қайратұлы",
        "greeting_name": "Әлихан Қайратұлы",
        "reference": "0B6F3C1E",
        "corrected_on": "10 қазан",
        "to_stage": "republican",
        "missing": ["қазақ тіліндегі мәлімдеме"],
        "amend_by": "20 қазан",
        "republican_from": "20 қазан",
    },
    "correction_not_advanced": {
        "audience": STUDENT_AND_COORDINATOR,
        "name": "Нұрланұлы Әлихан Қайратұлы",
        "greeting_name": "Әлихан Қайратұлы",
        "reference": "0B6F3C1E",
        "corrected_on": "10 қазан",
        "stage": "regional",
    },
    "statements_needed": {
        "recipient_name": "Әлия Нұрғалиқызы",
        "name": "Нұрланұлы Әлихан Қайратұлы",
        "reference": "0B6F3C1E",
        "region": "Алматы",
        "missing": ["қазақ тіліндегі мәлімдеме", "фото"],
        "amend_by": "20 қазан",
    },
    "winner": {
        "audience": STUDENT_AND_COORDINATOR,
        "name": "Нұрланұлы Әлихан Қайратұлы",
        "greeting_name": "Әлихан Қайратұлы",
        "reference": "0B6F3C1E",
        "year": 2026,
    },
    "consent_withdrawn": {
        "audience": STUDENT_AND_COORDINATOR,
        "name": "Нұрланұлы Әлихан Қайратұлы",
        "greeting_name": "Әлихан Қайратұлы",
        "reference": "0B6F3C1E",
    },
    "to_score_digest": {
        "recipient_name": "Әлия Нұрғалиқызы",
        "count": 3,
        "names": ["Нұрланұлы Әлихан", "Сәрсенова Айгерім", "Ivanov Ivan"],
        "url": "http://127.0.0.1:8002/",
    },
    "deadline_reminder": {
        "recipient_name": "Әлия Нұрғалиқызы",
        "kind": ("nominations", "decisions", "statements"),
        "deadline": "5 қазан",
        "region": "Алматы",
        "count": 2,
    },
    # The public vote's one-time code (`vote.code_requested`): to a voter, not to a nomination.
    "vote_code": {"code": "012345", "minutes": 10},
}

#: Messages a person may stop receiving (List-Unsubscribe); decisions and receipts never are.
OPTIONAL: frozenset[str] = frozenset({"to_score_digest", "deadline_reminder"})

#: Which channels each message has a template on.
CHANNELS: dict[str, tuple[str, ...]] = {
    "nomination_received": ("email", "sms"),
    "photo_rejected": ("email",),
    "candidate_advanced": ("email", "sms"),
    "candidate_not_advanced": ("email", "sms"),
    # A correction is worded in a letter (the date, what now stands), to the student and coordinator.
    "correction_advanced": ("email",),
    "correction_not_advanced": ("email",),
    "statements_needed": ("email",),
    "winner": ("email", "sms"),
    # The receipt of a withdrawn consent to publication; the coordinator too, who then publishes
    # nothing of the student on the college's own site.
    "consent_withdrawn": ("email",),
    "to_score_digest": ("email",),
    "deadline_reminder": ("email",),
    "vote_code": ("sms",),
}

#: The editor's sample values that a letter says in its own language: the dates (day and month, as
#: `notices.local_date` writes them), the region (its code), why a photo was refused and what a
#: candidate lacks (their codes, worded by `messages`). The other samples are the same in every language.
SAMPLE_DATES: dict[str, tuple[int, int]] = {
    "decided_by": (10, 15),
    "amend_by": (10, 20),
    "republican_from": (10, 20),
    "corrected_on": (10, 10),
    "deadline": (10, 5),
}
SAMPLE_REGION = "almaty"
#: The sample student (surname, given name, patronymic): a letter greets them as its language does.
SAMPLE_STUDENT = ("Нұрланұлы", "Әлихан", "Қайратұлы")
SAMPLE_REASON = "too_small"
SAMPLE_MISSING: dict[str, list[str]] = {
    "candidate_advanced": ["statements.kk"],
    "correction_advanced": ["statements.kk"],
    "statements_needed": ["statements.kk", "photo"],
}
#: Sent whatever the hour: a voter waits for the code on the page now, and it expires in minutes.
NEVER_HELD: frozenset[str] = frozenset({"vote_code"})
#: Messages whose text and number are erased once handed over (or failed): a one-time code and the
#: phone it proves must not be kept in clear. The log keeps the rest (when, which template, masked).
ERASED_ONCE_SENT: frozenset[str] = frozenset({"vote_code"})
