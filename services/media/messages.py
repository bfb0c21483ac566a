"""The words media's page picks at run time: a photo's status and the reason it was rejected.

Each is an English msgid, translated in the shared catalogs; the template's own words are in it.
"""

from __future__ import annotations

from shared.i18n import N_, Text

STATUSES: dict[str, Text] = {
    "pending": N_("Being processed"),
    "processed": N_("Ready"),
    "rejected": N_("Rejected"),
    "missing": N_("Not uploaded"),
    "superseded": N_("Replaced"),
    "withdrawn": N_("Nomination withdrawn"),
}
REASONS: dict[str, Text] = {
    "missing": N_("no photo was uploaded"),
    "not_jpeg": N_("not a JPEG"),
    "too_small": N_("too small (short side under 600 px)"),
    "too_large": N_("too large (over 50 megapixels)"),
    "unreadable": N_("the file cannot be read"),
    "checksum_mismatch": N_("the file was damaged in transit"),
}

#: The codes the page names with `term(kind, code)`.
TERMS: dict[str, dict[str, Text]] = {"status": STATUSES, "reason": REASONS}
