"""Signed-in callers for tests: a Bearer token per role and scope (`shared.identity.issue_token`)."""

from __future__ import annotations

from datetime import timedelta

from shared import clock
from shared.identity import Identity, issue_token
from shared.runtime import Runtime


def person(
    role: str, scope: str = "national", user_id: str | None = None, college: str | None = None
) -> Identity:
    user_id = user_id or f"{role}-{scope}"
    return Identity(
        user_id=user_id,
        email=f"{user_id}@example.kz",
        name=f"Мүше {user_id}",
        role=role,
        scope=scope,
        language="ru",
        generation=1,
        expires_at=clock.utcnow() + timedelta(hours=1),
        college=college,
    )


def token_headers(
    runtime: Runtime, role: str, scope: str = "national", **kwargs: str | None
) -> dict[str, str]:
    """The headers of a caller with `role` and `scope` (`user_id`, `college` may be given)."""
    token = issue_token(runtime.settings.secret_key, person(role, scope, **kwargs))
    return {"Authorization": f"Bearer {token}"}
