"""The words review's pages pick at run time: its codes (stages, statuses, photo states) in words.

Each is an English msgid, translated in the shared catalogs; the templates' own words are in the
templates.
"""

from __future__ import annotations

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

#: The login page's answers: one for every wrong email, password or disabled account (no answer
#: tells whether an account exists), one for the throttle's lock.
LOGIN_FAILED = N_("Wrong email or password.")
LOGIN_EXPIRED = N_("The form had expired. Please sign in again.")
LOGIN_LOCKED = N_(
    "Too many failed sign-in attempts. Signing in is locked for 15 minutes: try again after %(time)s."
)
