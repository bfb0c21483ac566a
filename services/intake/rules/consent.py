"""Consent to publication: given at submission, withdrawable at any time (R: personal data).

The regulation lets nothing be published without the student's consent, and the law on personal
data lets the student take it back whenever they like: after 5 October, after 20 October, at any
stage. So a patch that does only that is not an amendment the calendar closes.
"""

from __future__ import annotations

from typing import Any

#: The one patch every season accepts: the student no longer agrees to be published.
CONSENT_WITHDRAWAL: dict[str, Any] = {"consent": {"publication": False}}


def withdraws_consent_only(patch: Any) -> bool:
    """Whether a JSON merge patch is exactly the withdrawal of consent to publication, nothing more.

    `False` compared by identity, not equality, so that `0` (which JSON keeps apart) is not taken
    for it."""
    if not isinstance(patch, dict) or set(patch) != {"consent"}:
        return False
    consent = patch["consent"]
    return isinstance(consent, dict) and set(consent) == {"publication"} and consent["publication"] is False


def withdrawal_kept(before_publication: bool | None, after_publication: Any) -> bool:
    """A consent already withdrawn stays withdrawn through later amendments (of statements, say):
    the submission's rule "publication must be true" does not make them give it again."""
    return before_publication is False and after_publication is False
