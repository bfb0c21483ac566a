"""A decision's fingerprint: the SHA-256 of its canonical JSON, printed in its protocol's footer and
given in the API, so a printed protocol brought to an appeal can be matched to the record it came from.

Pure functions of a decision's fields (anything with a `models.Decision`'s attributes): no database.
The canonical JSON is the decision's recorded fields with sorted keys and no whitespace, the lists
of ids and emails sorted (their order carries no meaning), the moment in UTC to the microsecond and
the frozen ranking and scores (`record`) as they were stored. Changing what goes in changes every
fingerprint: a new field is a new fingerprint version, never an edit of this one.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

#: Printed beside the hash; the decision's id is shown by its first characters.
SHORT_ID = 8


def _moment(value: datetime) -> str:
    """One spelling per instant, whatever zone the database handed it back in."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fields_of(decision: Any) -> dict[str, Any]:
    """The recorded fields a fingerprint covers."""
    return {
        "id": decision.id,
        "year": decision.year,
        "stage": decision.stage,
        "scope": decision.scope,
        "advanced": sorted(decision.advanced),
        "not_advanced": sorted(decision.not_advanced),
        "quota": decision.quota,
        "justification": decision.justification,
        "members_present": sorted(email.lower() for email in decision.members_present),
        "place": decision.place,
        "language": decision.language,
        "chair": {"id": decision.chair_id, "email": decision.chair_email, "name": decision.chair_name},
        "supersedes": decision.supersedes,
        "reason": decision.reason,
        "decided_at": _moment(decision.decided_at),
        "record": decision.record or {},
    }


def canonical_json(decision: Any) -> str:
    """The decision as one exact string: sorted keys, no whitespace, letters as they are (UTF-8)."""
    return json.dumps(fields_of(decision), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(decision: Any) -> str:
    """The hex SHA-256 of `canonical_json(decision)` in UTF-8."""
    return hashlib.sha256(canonical_json(decision).encode("utf-8")).hexdigest()


def short_id(decision_id: str) -> str:
    return decision_id[:SHORT_ID]
