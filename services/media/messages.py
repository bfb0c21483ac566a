"""The words media's pages and events pick at run time: a photo's status, the reason it was
rejected, and the lines printed on banners and social cards.

Each is an English msgid, translated in the shared catalogs; the templates' own words are in it.
"""

from __future__ import annotations

from shared import vocabulary
from shared.i18n import N_, Text

STATUSES: dict[str, Text] = {
    "pending": N_("Being processed"),
    "processed": N_("Ready"),
    "rejected": N_("Rejected"),
    "missing": N_("Not uploaded"),
    "superseded": N_("Replaced"),
    "withdrawn": N_("Nomination withdrawn"),
}
#: Worded with the figures of `rules.problem_params`.
REASONS: dict[str, Text] = {
    "missing": N_("no photo was uploaded"),
    "not_jpeg": N_("not a JPEG"),
    "too_small": N_("too small (short side under %(minimum)s px)"),
    "too_large": N_("too large (over %(maximum_megapixels)s megapixels)"),
    "unreadable": N_("the file cannot be read"),
    "checksum_mismatch": N_("the file was damaged in transit"),
    "unavailable": N_("the photo could not be fetched from intake"),
}
KIT_STATUSES: dict[str, Text] = {
    "queued": N_("Queued"),
    "building": N_("Being built"),
    "ready": N_("Ready"),
    "failed": N_("Failed"),
}
STAGES: dict[str, Text] = {
    "republican": N_("Republican stage"),
    "winners": N_("Winners"),
}

#: What is wrong with a field of the publication form, said on the field.
PUBLICATION_ERRORS: dict[str, Text] = {
    "outlet": N_("Name the outlet that published the material."),
    "url": N_("Give the material's full address, starting with https://."),
    "published_on": N_("Give the date the material was published."),
    "language": N_("Pick the language of the material."),
    "candidate_ids": N_(
        "Pick the candidates from the list: one of them is not among the candidates you may see."
    ),
}

NOT_FOUND: Text = N_("No such candidate, or they did not consent to publication.")

#: Printed on every banner and social card, in each language: the programme's one name.
TITLE: Text = vocabulary.PROGRAMME
STAGE_LINES: dict[str, Text] = {
    "republican": N_("Finalist of the republican stage"),
    "winner": N_("Winner"),
}

#: The codes the pages name with `term(kind, code)`.
TERMS: dict[str, dict[str, Text]] = {
    "status": STATUSES,
    "reason": REASONS,
    "kit": KIT_STATUSES,
    "stage": STAGES,
}
