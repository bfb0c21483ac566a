"""The public vote's rules alone: phones, codes, keyed hashes, limits, a contest's times, networks."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from services.review.rules import votes as rules
from shared.clock import KAZAKHSTAN

NOW = datetime(2026, 10, 8, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("+7 701 123 45 67", "+77011234567"),
        ("8 (701) 123-45-67", "+77011234567"),
        ("87471234567", "+77471234567"),
        ("+7 775 000 11 22", "+77750001122"),
        ("7012345678", "+77012345678"),
    ],
)
def test_a_kazakhstan_mobile_is_read_however_it_is_written(written: str, e164: str) -> None:
    assert rules.voter_phone(written) == e164


@pytest.mark.parametrize(
    "written",
    [
        "+7 727 123 45 67",
        "+7 916 123 45 67",
        "+1 202 555 0100",
        "12345",
        "",
        "٠٧٠١١٢٣٤٥٦٧x",
        "7" * 200,
        None,
        77011234567,
    ],
)
def test_a_landline_a_foreign_number_or_junk_is_refused(written: object) -> None:
    with pytest.raises(rules.PhoneInvalid):
        rules.voter_phone(written)


def test_codes_are_six_digits_zero_padded_and_spread() -> None:
    codes = [rules.new_code() for _ in range(20000)]
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert any(code.startswith("0") for code in codes)  # ~10% do; padding kept
    first_digits = Counter(code[0] for code in codes)
    assert set(first_digits) == set("0123456789")
    assert max(first_digits.values()) < 2 * min(first_digits.values())


def test_a_code_is_stored_as_an_hmac_bound_to_its_verification() -> None:
    digest = rules.code_digest("key", "v-1", "012345")
    assert "012345" not in digest and len(digest) == 64
    assert rules.code_matches("key", "v-1", "012345", digest)
    assert not rules.code_matches("key", "v-1", "012346", digest)
    assert not rules.code_matches("key", "v-2", "012345", digest)
    assert not rules.code_matches("other", "v-1", "012345", digest)


def test_a_voter_is_the_hmac_of_the_phone_under_the_votes_key() -> None:
    one = rules.voter_hash("key", "+77011234567")
    assert one == rules.voter_hash("key", "+77011234567") and len(one) == 64
    assert "7011234567" not in one
    assert one != rules.voter_hash("key", "+77011234568")
    assert one != rules.voter_hash("other", "+77011234567")


@pytest.mark.parametrize("code", ["012345", "999999"])
def test_well_formed_codes(code: str) -> None:
    assert rules.code_well_formed(code)


@pytest.mark.parametrize("code", ["12345", "1234567", "12a456", "１２３４５６", 123456, None, " 12345"])
def test_malformed_codes(code: object) -> None:
    assert not rules.code_well_formed(code)


def _ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_one_code_a_minute_per_phone() -> None:
    assert rules.send_wait([], [], [], NOW) is None
    wait = rules.send_wait(_ago(0.5), [], [], NOW)
    assert wait == timedelta(seconds=30)
    assert rules.send_wait(_ago(1), [], [], NOW) is None


def test_five_codes_a_day_per_phone() -> None:
    sent = _ago(60, 120, 180, 240, 23 * 60)
    assert rules.send_wait(sent, [], [], NOW) == timedelta(minutes=60)  # the oldest leaves the day
    assert rules.send_wait(sent[:4], [], [], NOW) is None


def test_twenty_an_hour_per_address_and_ten_per_browser() -> None:
    by_address = _ago(*range(2, 22))  # 20 within the hour, the oldest 21 minutes ago
    assert rules.send_wait([], by_address, [], NOW) == timedelta(minutes=39)
    assert rules.send_wait([], by_address[:19], [], NOW) is None
    by_browser = _ago(*range(5, 15))
    assert rules.send_wait([], [], by_browser, NOW) == timedelta(minutes=46)
    assert rules.send_wait([], [], by_browser[:9], NOW) is None


def test_the_longest_wait_wins_and_retry_after_rounds_up() -> None:
    wait = rules.send_wait(_ago(0.9), [], _ago(*range(5, 15)), NOW)
    assert wait == timedelta(minutes=46)
    assert rules.retry_after_seconds(timedelta(seconds=0.2)) == 1
    assert rules.retry_after_seconds(timedelta(seconds=30.5)) == 31


def test_five_wrong_codes_in_thirty_minutes_lock_the_phone_for_thirty() -> None:
    four = _ago(29, 20, 10, 5)
    assert rules.locked_until(four, NOW) is None
    assert rules.tries_left(four, NOW) == 1
    five = [*four, NOW]
    assert rules.locked_until(five, NOW) == NOW + timedelta(minutes=30)
    assert rules.tries_left(five, NOW) == 0
    assert rules.locked_until(five, NOW + timedelta(minutes=30)) is None


def test_wrong_codes_spread_over_more_than_thirty_minutes_do_not_lock() -> None:
    spread = _ago(40, 30, 20, 10, 0)
    assert rules.locked_until(spread, NOW) is None
    assert rules.tries_left(spread, NOW) == 1


def test_contest_times_default_to_the_calendar_in_almaty() -> None:
    opens, closes = rules.default_times(2026, "regional")
    assert opens == datetime(2026, 10, 6, 0, 0, tzinfo=KAZAKHSTAN)
    assert closes == datetime(2026, 10, 14, 23, 59, 59, tzinfo=KAZAKHSTAN)
    assert opens.astimezone(UTC) == datetime(2026, 10, 5, 19, 0, tzinfo=UTC)
    opens, closes = rules.default_times(2026, "republican")
    assert (opens, closes) == (
        datetime(2026, 10, 21, tzinfo=KAZAKHSTAN),
        datetime(2026, 11, 20, 23, 59, 59, tzinfo=KAZAKHSTAN),
    )


def test_a_contest_is_upcoming_then_open_to_its_last_second_then_closed() -> None:
    opens, closes = rules.default_times(2026, "regional")
    second = timedelta(seconds=1)
    assert rules.contest_state(opens, closes, opens - second) == "upcoming"
    assert rules.contest_state(opens, closes, opens) == "open"
    assert rules.contest_state(opens, closes, closes + timedelta(milliseconds=999)) == "open"
    assert rules.contest_state(opens, closes, closes + second) == "closed"
    assert rules.times_may_change(opens, opens - second)
    assert not rules.times_may_change(opens, opens)


def test_contest_ids_and_scopes() -> None:
    assert rules.contest_id(2026, "regional", "almaty") == "2026-regional-almaty"
    assert rules.scope_fits("regional", "almaty", ["almaty", "astana"])
    assert not rules.scope_fits("regional", "national", ["almaty"])
    assert rules.scope_fits("republican", "national", ["almaty"])
    assert not rules.scope_fits("republican", "almaty", ["almaty"])


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("", "unknown"),
        (None, "unknown"),
        ("not an address", "unknown"),
    ],
)
def test_a_vote_keeps_the_network_never_the_address(address: str | None, network: str) -> None:
    assert rules.network_of(address) == network
