"""Benchmark of review's login: what one try costs, and that an unknown email costs the same.

    .venv/bin/python bench/login.py [--n 20] [--rounds 3]

Through the real app (Flask's test client, SQLite in a temporary folder, the login form with its
CSRF token), in alternating rounds: N tries with a known email and a wrong password, N with an
unknown email, N successful logins. Prints the median and spread (min-max) of each kind per round,
in milliseconds. The throttle is cleared between tries so that every try checks a password: the
argon2 verification (argon2-cffi's defaults: 64 MiB, 3 passes) is what the figures are made of, and
an unknown email must cost what a known one does, or the timing would tell who has an account.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import tempfile
import time
from collections.abc import Callable

from sqlalchemy import delete

from services.review import bootstrap
from services.review.app import create_app
from services.review.models import LoginAttempt
from services.review.operations import accounts
from shared import config, testing

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["TOP100_DATA_DIR"] = folder
        os.environ.pop("REVIEW_DATABASE_URL", None)
        with testing.migrated_runtime(bootstrap.SERVICE, config.load(bootstrap.SERVICE)) as runtime:
            with runtime.db.unit_of_work() as session:
                accounts.create(
                    session, email="known@example.kz", password=PASSWORD, role="admin", scope="national"
                )
            app = create_app(runtime)

            def clear() -> None:
                with runtime.db.unit_of_work() as session:
                    session.execute(delete(LoginAttempt))

            def try_once(email: str, password: str, status: int) -> Callable[[], float]:
                def run() -> float:
                    clear()
                    client = app.test_client()
                    token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
                    started = time.perf_counter()
                    answer = client.post(
                        "/login", data={"csrf_token": token, "email": email, "password": password}
                    )
                    elapsed = (time.perf_counter() - started) * 1000
                    assert answer.status_code == status, answer.status_code
                    return elapsed

                return run

            kinds = {
                "known email, wrong password": try_once("known@example.kz", "wrong password", 200),
                "unknown email": try_once("nobody@example.kz", "wrong password", 200),
                "right password": try_once("known@example.kz", PASSWORD, 303),
            }
            for round_number in range(1, options.rounds + 1):
                for name, run in kinds.items():
                    figures = [run() for _ in range(options.n)]
                    print(
                        f"round {round_number} {name:<28} median {statistics.median(figures):6.1f} ms "
                        f"(min {min(figures):6.1f}, max {max(figures):6.1f}) over {options.n} tries"
                    )


if __name__ == "__main__":
    main()
