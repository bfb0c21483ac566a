"""The problem (RFC 9457, `shared.problems.document`) as the services' OpenAPI documents describe it:
the members every problem has, and the two maps of a 422, in one declaration each service's
document adds its own words to (intake's `schemas.ProblemOut`, media's and notify's `shared.openapi`).
"""

from __future__ import annotations

from marshmallow import Schema, fields


def by_field(description: str | None = None) -> fields.Dict:
    """A 422's `errors` or `codes`: each field or parameter at fault to its messages (or their codes)."""
    metadata = {"description": description} if description else {}
    return fields.Dict(keys=fields.String(), values=fields.List(fields.String()), metadata=metadata)


class Problem(Schema):
    """The members every problem has; a service's own schema adds `errors`, `codes` and its extensions."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    code = fields.String()
