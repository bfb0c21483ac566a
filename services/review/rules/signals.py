"""Signs of a vote that may not be one person's free choice: flagged for the commission, never
dropped (pure functions; the commission decides what a flag means before results are published).

Each signal looks at the contest's votes as cast (`VoteFact`s: no phone, no address, only a keyed
hash of the voter, the network prefix and a hash of the browser) and names the votes it flags:

- `burst_network`: many votes from one network (/24 or /48) within minutes;
- `burst_browser`: several voters verified in one browser within the hour;
- `sequential_numbers`: many voters whose numbers fall in one block of 100 consecutive numbers;
- `many_numbers_one_address`: many voters from one network within a day;
- `inhuman_rate`: votes from one browser or network closer together than a person can vote.

Phones are stored only as an HMAC, which keeps no order, so consecutive numbers cannot be seen in
`voter_hash`. The decision: at the moment of the code request, when the number is in hand, the vote
keeps a second keyed hint, `number_block`: an HMAC of the E.164 number without its last two digits
(under the same vote key, another label). Votes sharing it come from one block of 100 numbers (a
bought range of SIM cards); the hint tells nothing of the number itself, and 100 numbers share it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

SIGNALS = (
    "burst_network",
    "burst_browser",
    "sequential_numbers",
    "many_numbers_one_address",
    "inhuman_rate",
)


@dataclass(frozen=True)
class Thresholds:
    """When a signal fires. Defaults sized for a regional contest of ~10,000 voters (docs/operations.md)."""

    network_burst: int = 30
    network_burst_window: timedelta = timedelta(minutes=5)
    browser_voters: int = 3
    browser_window: timedelta = timedelta(hours=1)
    block_voters: int = 5
    address_voters: int = 20
    address_window: timedelta = timedelta(hours=24)
    #: Two votes from one browser or network closer than this were not cast by hand.
    human_gap: timedelta = timedelta(seconds=1)


@dataclass(frozen=True)
class VoteFact:
    """What a signal may read of one vote row."""

    id: int
    voter_hash: str
    network: str
    browser: str
    recorded_at: datetime
    number_block: str | None = None


def number_block(secret: str, phone_e164: str) -> str:
    """The keyed hint of a number's block of 100 (`+7701123456` of `+77011234567`): hex HMAC-SHA256."""
    block = phone_e164[:-2]
    return hmac.new(secret.encode(), f"number_block:{block}".encode(), hashlib.sha256).hexdigest()


def _grouped(
    votes: Iterable[VoteFact], key: Callable[[VoteFact], Hashable]
) -> dict[Hashable, list[VoteFact]]:
    groups: dict[Hashable, list[VoteFact]] = defaultdict(list)
    for vote in votes:
        if key(vote):
            groups[key(vote)].append(vote)
    for group in groups.values():
        group.sort(key=lambda v: (v.recorded_at, v.id))
    return groups


def _windows(group: Sequence[VoteFact], window: timedelta, enough: int, distinct: bool) -> set[int]:
    """Ids of the votes in any `window` of the time-ordered `group` holding `enough` votes (or
    `enough` distinct voters, when `distinct`)."""
    flagged: set[int] = set()
    start = 0
    voters: dict[str, int] = defaultdict(int)
    for end, vote in enumerate(group):
        voters[vote.voter_hash] += 1
        while vote.recorded_at - group[start].recorded_at > window:
            gone = group[start].voter_hash
            voters[gone] -= 1
            if not voters[gone]:
                del voters[gone]
            start += 1
        if (len(voters) if distinct else end - start + 1) >= enough:
            flagged.update(v.id for v in group[start : end + 1])
    return flagged


def _crowded(
    votes: Iterable[VoteFact],
    key: Callable[[VoteFact], Hashable],
    window: timedelta,
    enough: int,
    distinct: bool,
) -> set[int]:
    """Ids of the votes sharing a `key` (a network, a browser) with `enough` votes (or distinct voters)
    of that key within some `window`: the one shape of the three burst signals."""
    found: set[int] = set()
    for group in _grouped(votes, key).values():
        found |= _windows(group, window, enough, distinct)
    return found


def burst_network(votes: Iterable[VoteFact], t: Thresholds = Thresholds()) -> set[int]:
    return _crowded(votes, lambda v: v.network, t.network_burst_window, t.network_burst, distinct=False)


def burst_browser(votes: Iterable[VoteFact], t: Thresholds = Thresholds()) -> set[int]:
    return _crowded(votes, lambda v: v.browser, t.browser_window, t.browser_voters, distinct=True)


def many_numbers_one_address(votes: Iterable[VoteFact], t: Thresholds = Thresholds()) -> set[int]:
    return _crowded(votes, lambda v: v.network, t.address_window, t.address_voters, distinct=True)


def sequential_numbers(votes: Iterable[VoteFact], t: Thresholds = Thresholds()) -> set[int]:
    found: set[int] = set()
    for group in _grouped(votes, lambda v: v.number_block).values():
        if len({v.voter_hash for v in group}) >= t.block_voters:
            found.update(v.id for v in group)
    return found


def inhuman_rate(votes: Iterable[VoteFact], t: Thresholds = Thresholds()) -> set[int]:
    found: set[int] = set()
    listed = list(votes)
    for key in (lambda v: v.browser, lambda v: v.network):
        for group in _grouped(listed, key).values():
            for before, after in pairwise(group):
                if after.recorded_at - before.recorded_at < t.human_gap:
                    found.update((before.id, after.id))
    return found


def flags(votes: Iterable[VoteFact], t: Thresholds = Thresholds()) -> dict[int, list[str]]:
    """Every flagged vote's id with its reasons, in the order of `SIGNALS`; unflagged votes absent."""
    listed = list(votes)
    found: dict[int, list[str]] = defaultdict(list)
    signals = {
        "burst_network": burst_network,
        "burst_browser": burst_browser,
        "sequential_numbers": sequential_numbers,
        "many_numbers_one_address": many_numbers_one_address,
        "inhuman_rate": inhuman_rate,
    }
    for name in SIGNALS:
        for vote_id in sorted(signals[name](listed, t)):
            found[vote_id].append(name)
    return dict(found)


#: How a vote's reasons are kept and exported: `SIGNALS` in their order, joined by this.
REASONS_JOINED_BY = ";"


def merged_reasons(kept: str, found: Iterable[str]) -> str:
    """A vote's reasons as kept (`;`-joined) with the ones found since, in the order of `SIGNALS`:
    no signal ever un-flags a vote when votes are added, so the kept ones stay."""
    names = set(filter(None, kept.split(REASONS_JOINED_BY))) | set(found)
    return REASONS_JOINED_BY.join(name for name in SIGNALS if name in names)


def network_reach(t: Thresholds = Thresholds()) -> timedelta:
    """The longest stretch of time a signal grouping votes by network looks at: a vote can change the
    flags of its network's votes this far before (and after) it, no further."""
    return max(t.network_burst_window, t.address_window, t.human_gap)


def browser_reach(t: Thresholds = Thresholds()) -> timedelta:
    """As `network_reach`, for the signals grouping votes by browser."""
    return max(t.browser_window, t.human_gap)


def flags_near(
    by_network: Sequence[VoteFact],
    by_browser: Sequence[VoteFact],
    by_block: Sequence[VoteFact],
    t: Thresholds = Thresholds(),
) -> dict[int, set[str]]:
    """The flags of some votes, found among the votes sharing their network (within `network_reach`),
    their browser (within `browser_reach`) and their number block (all of it): exactly what `flags`
    over every vote gives them, since no signal looks further; and never a flag `flags` would not
    give anyone, since the signals only grow with votes."""
    found: dict[int, set[str]] = defaultdict(set)
    sets = {
        "burst_network": burst_network(by_network, t),
        "burst_browser": burst_browser(by_browser, t),
        "sequential_numbers": sequential_numbers(by_block, t),
        "many_numbers_one_address": many_numbers_one_address(by_network, t),
        "inhuman_rate": inhuman_rate(by_network, t) | inhuman_rate(by_browser, t),
    }
    for name, ids in sets.items():
        for vote_id in ids:
            found[vote_id].add(name)
    return dict(found)


def snapshot_digest(rows: Iterable[tuple[str, int]]) -> tuple[list[tuple[str, int]], str]:
    """The snapshot's rows sorted by candidate and their SHA-256: one `candidate,count` line each,
    `\\n`-terminated, UTF-8. Anyone holding the rows recomputes the digest (`docs/operations.md`)."""
    ordered = sorted((str(candidate), int(count)) for candidate, count in rows)
    text = "".join(f"{candidate},{count}\n" for candidate, count in ordered)
    return ordered, hashlib.sha256(text.encode()).hexdigest()
