"""Every word notify writes or shows, named by the codes it stores (templates, channels, statuses).

A `Letter` is the email a student receives for one template (the signature is added below every
body); `SMS` the text message of the templates that have one, kept to one UCS-2 segment (70
characters). The rest labels the delivery log page. Each is an English msgid, translated in the
shared catalogs; the pages' own words are in the templates.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.i18n import N_, Text


@dataclass(frozen=True)
class Letter:
    subject: Text
    body: Text


SIGNATURE = N_("The TOP 100 team")

LETTERS: dict[str, Letter] = {
    "receipt": Letter(
        subject=N_("TOP 100: your nomination has been received"),
        body=N_(
            "Dear %(name)s,\n\n"
            "Your nomination to the “TOP 100 college students of Kazakhstan” programme has been received.\n\n"
            "Nomination number: %(nomination_id)s\n"
            "Region: %(region)s\n\n"
            "We will keep you informed as it progresses.\n"
            "This message was sent automatically; please do not reply."
        ),
    ),
    "photo_rejected": Letter(
        subject=N_("TOP 100: please send your photo again"),
        body=N_(
            "Dear %(name)s,\n\n"
            "The photo of nomination %(nomination_id)s could not be accepted: %(reason)s.\n\n"
            "Please send, through your college, a JPEG photo at least 600 pixels on its short side "
            "by 20 October."
        ),
    ),
}

SMS: dict[str, Text] = {"receipt": N_("TOP 100: your nomination %(reference)s was received. Thank you!")}

#: Why media rejected a photo, as the letter says it; `OTHER_REASON` for a reason added later.
REASONS: dict[str, Text] = {
    "missing": N_("no photo was uploaded"),
    "not_jpeg": N_("it is not a JPEG"),
    "too_small": N_("it is too small (short side under 600 pixels)"),
    "too_large": N_("it is too large (over 50 megapixels)"),
    "unreadable": N_("the file cannot be read"),
    "checksum_mismatch": N_("the file was damaged in transit"),
}
OTHER_REASON = N_("it does not meet the requirements")

NOT_FOUND = N_("Message not found.")

#: The codes the log page names with `term(kind, code)`.
TERMS: dict[str, dict[str, Text]] = {
    "channel": {"email": N_("Email"), "sms": N_("SMS")},
    "template": {"receipt": N_("Nomination received"), "photo_rejected": N_("Photo rejected")},
    "status": {"queued": N_("Queued"), "sent": N_("Sent"), "failed": N_("Failed")},
}
