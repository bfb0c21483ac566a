"""The throttle on PostgreSQL under a burst: concurrent tries for one account are taken one at a
time, so a burst gets exactly 5 password checks and every other try is refused."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from services.review.models import LoginAttempt
from services.review.operations import accounts, signin
from services.review.tests.people import PASSWORD
from shared.runtime import Runtime


@pytest.mark.integration
def test_a_burst_of_concurrent_tries_gets_five_checks_and_no_more(pg_runtime: Runtime) -> None:
    with pg_runtime.db.unit_of_work() as session:
        accounts.create(session, email="burst@example.kz", password=PASSWORD, role="admin", scope="national")

    def one_try(number: int) -> str:
        with pg_runtime.db.unit_of_work() as session:
            outcome = signin.attempt(
                session, "secret", "burst@example.kz", "wrong password", f"198.51.100.{number}"
            )
        return "refused" if outcome.locked_until else "failed"

    with ThreadPoolExecutor(8) as pool:
        answers = Counter(pool.map(one_try, range(16)))
    assert answers == {"failed": 5, "refused": 11}
    with pg_runtime.db.unit_of_work() as session:
        kept = Counter(session.scalars(select(LoginAttempt.outcome)))
    assert kept == {"failed": 5, "refused": 11}
