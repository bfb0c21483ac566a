"""The OpenAPI document of a service whose API people call with review's token or session (media,
notify), from flask-smorest: `/api/v1/openapi.json` and the docs page `/api/v1/docs`.

The views keep loading their own bodies and queries (`shared.bodies`, `shared.problems.load_query`):
flask-smorest documents them (`query`, `body`, `problems`) and never answers for them, and its error
handlers are not installed, so every problem keeps the one shape `shared.problems` answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields

from shared import apidocs, identity
from shared.problems import PROBLEM_JSON, STATUS_CODES, TYPE_BASE, ProblemMembers, by_field

BEARER, COOKIE = "bearerToken", "sessionCookie"


class ProblemOut(ProblemMembers):
    """RFC 9457 problem details, in the Accept-Language's kk, ru or en, with `code`, and `errors` (field
    to messages) on a 422."""

    errors = by_field()
    codes = by_field("the codes of `errors`' messages, by field (`field.required`)")
    problems = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "notify's refused template: each part at fault (`body.kk`) and why"},
    )


#: What each status means for these APIs (an operation adds its own words where it has more to say).
STATUSES = {
    400: "A form-style call signed in by the session cookie without its CSRF token",
    401: "Not signed in: no token, an expired or revoked one",
    403: "Signed in, but the role may not do this",
    404: "No such thing, or not one the caller may see",
    422: "`errors` names each field or parameter at fault, `codes` the codes of its messages; `code` "
    "`invalid_json` for a body that is not a JSON object, `invalid_body` for one whose fields are wrong, "
    "`invalid_query` for the query string (field.unstorable: a NUL character, which no text here may hold)",
}


#: What a body's 422 says of the rule every text of it keeps (`shared.bodies`), which no schema says.
UNSTORABLE = "json.unstorable: a text with a NUL character, which no text here may hold"


class ServiceApi(Api):
    """flask-smorest's Api documenting our problems, and leaving the answering of errors to
    `shared.web` (flask-smorest's own error handlers would answer in another shape)."""

    ERROR_SCHEMA = ProblemOut
    DEFAULT_ERROR_RESPONSE_NAME = "Problem"

    def _register_error_handlers(self) -> None:
        """None: see the class's docstring."""


def install(app: Flask, title: str, description: str, blueprints: tuple[Blueprint, ...]) -> ServiceApi:
    """Document `blueprints` at `/api/v1/openapi.json` and `/api/v1/docs`, both open to anyone."""
    app.config.update(apidocs.settings(title, description, [{BEARER: []}, {COOKIE: []}]))
    api = ServiceApi(app)
    apidocs.exact_nullable_objects(api)
    identity.public_blueprint(app.blueprints["api-docs"])
    api.spec.components.security_scheme(
        BEARER, {"type": "http", "scheme": "bearer", "description": "A token review issues at sign-in"}
    )
    api.spec.components.security_scheme(
        COOKIE, {"type": "apiKey", "in": "cookie", "name": identity.SESSION_COOKIE}
    )
    api.spec.components.response(
        ServiceApi.DEFAULT_ERROR_RESPONSE_NAME,
        {"description": "A problem (RFC 9457)", "content": {PROBLEM_JSON: {"schema": "ProblemOut"}}},
    )
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.register_blueprint(apidocs.blueprint())
    return api


View = Callable[..., Any]


def query(blp: Blueprint, schema: type[Schema], s422: str | None = None) -> Callable[[View], View]:
    """Document the query string `schema` loads (the view loads it itself) and its refusal, the 422
    `invalid_query` every query string may answer (`s422` says more of it)."""
    parameters = blp.doc(parameters=[{"in": "query", "schema": schema}])
    refused = problems(blp, 422, invalid="invalid_query", **({"s422": s422} if s422 else {}))
    return lambda view: parameters(refused(view))


def body(blp: Blueprint, schema: type[Schema], example: dict[str, Any]) -> Callable[[View], View]:
    """Document the JSON body `schema` loads (the view loads it itself), with an example."""
    content = {"application/json": {"schema": schema, "example": example}}
    return blp.doc(requestBody={"required": True, "content": content})


def public(blp: Blueprint) -> Callable[[View], View]:
    """Document an operation callers reach without signing in (its own check is in its description)."""
    return blp.doc(security=[])


def problems(
    blp: Blueprint, *statuses: int, invalid: str = "invalid_body", **words: str
) -> Callable[[View], View]:
    """Document the problems an operation may answer; `words` (`s404="..."`) say more of a status,
    `invalid` is the code of its 422 (`invalid_body` or `invalid_query`)."""

    def decorate(view: View) -> View:
        for status in statuses:
            description = words.get(f"s{status}", STATUSES[status])
            if status == 422 and invalid == "invalid_body" and UNSTORABLE not in description:
                description += f"; `invalid_json` {UNSTORABLE}"
            if status == 422 and invalid == "invalid_query" and "field.unstorable" not in description:
                description += "; field.unstorable: a parameter with a NUL character"
            code = invalid if status == 422 else STATUS_CODES[status]
            example: dict[str, Any] = {
                "type": TYPE_BASE + code,
                "title": description.split(":")[0],
                "status": status,
                "detail": description,
                "code": code,
            }
            if status == 422:
                example["errors"] = {"year": ["Invalid value."]}
            view = blp.alt_response(
                status, schema=ProblemOut, description=description, content_type=PROBLEM_JSON, example=example
            )(view)
        return view

    return decorate
