"""Hand-off rate to a local SMTP server: one connection per message (as notify sent before) against
connections kept open, one at a time and several at once, in alternating rounds of one run.

    .venv/bin/python bench/smtp.py [--n 400] [--rounds 3] [--connections 4]

Each round hands `--n` receipts (composed as notify composes them, Kazakh text) to an aiosmtpd
server in this process (the one notify's tests use), with `services.notify.operations.providers.SmtpMailer`:
- `per message`: `keep_open=False`: connect, EHLO, MAIL, RCPT, DATA, QUIT for every message;
- `kept`: one connection kept open, messages one after the other (a worker's event path);
- `kept xC`: C threads through one mailer of C connections (a sweep's burst).
The variants alternate inside every round, so a change in the machine's load reaches them alike.
It prints messages/s per variant (median and the rounds' range) and the connections the server
counted; the server runs on the same cores as the client, so the figures are a floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.notify.operations import compose  # noqa: E402
from services.notify.operations.providers import SmtpMailer  # noqa: E402
from services.notify.tests import servers  # noqa: E402
from shared import clock  # noqa: E402


def _letters(n: int, round_: int, variant: str) -> list:  # type: ignore[type-arg]
    return [
        compose.email(
            from_header="TOP 100 <noreply@top100.kz>",
            to_address=f"student{index}@example.kz",
            subject="Өтініміңіз қабылданды",
            text="Құрметті Әлихан Қайратұлы!\n\nӨтініміңіз қабылданды. Нөмірі: TOP-2026-0001.\n",
            language="kk",
            key=f"bench-{round_}-{variant}-{index}",
            at=clock.local_now(),
        )
        for index in range(n)
    ]


def _round(smtp: servers.Smtp, variant: str, letters: list, connections: int) -> tuple[float, int]:  # type: ignore[type-arg]
    url = f"smtp://127.0.0.1:{smtp.port}"
    before = smtp.handler.connections
    if variant == "per message":
        mailer, width = SmtpMailer(url, keep_open=False), 1
    elif variant == "kept":
        mailer, width = SmtpMailer(url, connections=1), 1
    else:
        mailer, width = SmtpMailer(url, connections=connections), connections
    started = time.perf_counter()
    with ThreadPoolExecutor(width) as pool:
        list(pool.map(mailer.send, letters))
    seconds = time.perf_counter() - started
    mailer.close()
    return len(letters) / seconds, smtp.handler.connections - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    variants = ("per message", "kept", f"kept x{args.connections}")
    rates: dict[str, list[float]] = {variant: [] for variant in variants}
    opened: dict[str, int] = {}
    with servers.smtp_server() as smtp:
        for round_ in range(args.rounds):
            for variant in variants:
                rate, count = _round(smtp, variant, _letters(args.n, round_, variant), args.connections)
                rates[variant].append(rate)
                opened[variant] = count
                print(f"round {round_ + 1} {variant:12s} {rate:7.0f} msg/s ({count} connections)", flush=True)
        total = len(smtp.handler.received)
    assert total == args.n * args.rounds * len(variants), total
    base = statistics.median(rates["per message"])
    for variant in variants:
        median = statistics.median(rates[variant])
        print(
            f"{variant:12s} median {median:7.0f} msg/s (rounds {min(rates[variant]):.0f}-"
            f"{max(rates[variant]):.0f}), {opened[variant]} connection(s) per round, x{median / base:.2f}"
        )


if __name__ == "__main__":
    main()
