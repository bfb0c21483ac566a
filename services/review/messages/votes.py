"""The public vote's words: its problems (the contract's codes), the states of a contest and the
reasons a vote is flagged (the commission's page of signals)."""

from __future__ import annotations

from shared import problems
from shared.i18n import N_, Text

#: The public vote's problems in kk/ru/en (review's `PROBLEMS` holds them with the others).
PROBLEMS: dict[str, Text] = {
    **problems.texts(
        "phone_invalid",
        N_("Not a Kazakhstan mobile number"),
        N_("Enter a mobile number of Kazakhstan, for example +7 701 123 45 67."),
    ),
    **problems.texts(
        "contest_closed",
        N_("Voting is not open"),
        N_("This vote is not open now: it has not started or has closed."),
    ),
    **problems.texts(
        "too_many_codes",
        N_("Too many codes"),
        N_("Too many codes were asked for; try again in %(retry_after)s seconds."),
    ),
    **problems.texts(
        "code_wrong",
        N_("Wrong code"),
        N_("The code is wrong. Tries left before the number is locked: %(tries_left)s."),
    ),
    **problems.texts(
        "phone_locked",
        N_("Number locked"),
        N_("Too many wrong codes for this number; try again in %(retry_after)s seconds."),
    ),
    **problems.texts(
        "code_expired",
        N_("Code expired"),
        N_("This code has expired or was used already; ask for a new one."),
    ),
    **problems.texts("candidate_unknown", N_("Unknown candidate"), N_("This candidate is not in this vote.")),
    **problems.texts(
        "voter_unverified",
        N_("Phone not verified"),
        N_("Verify your phone with a code for this vote first."),
    ),
    **problems.texts(
        "contest_frozen", N_("Vote already open"), N_("A vote's times may change only until it opens.")
    ),
    **problems.texts(
        "contest_times_invalid",
        N_("Invalid times"),
        N_("The opening must be in the future and before the closing."),
    ),
    **problems.texts(
        "contest_open",
        N_("Vote not closed"),
        N_("The counts are final only at the close: the snapshot is taken after it."),
    ),
}

#: A contest's state, in words.
STATES: dict[str, Text] = {
    "upcoming": N_("Voting has not started yet"),
    "open": N_("Voting is open"),
    "closed": N_("Voting has closed"),
}

#: Why a vote is flagged (`rules.signals.SIGNALS`), in words: the commission's page of signals.
SIGNAL_REASONS: dict[str, Text] = {
    "burst_network": N_("Many votes from one network within minutes"),
    "burst_browser": N_("Several voters from one browser within an hour"),
    "sequential_numbers": N_("Several numbers from one block of 100 consecutive numbers"),
    "many_numbers_one_address": N_("Many numbers from one network within a day"),
    "inhuman_rate": N_("Votes closer together than a person votes"),
}
