"""Notify's JSON API: templates (admins), the delivery log (admins; chairs for their region), and the
gateways' signed delivery receipts (public, authenticated by their HMAC signature instead)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, request
from flask_smorest import Blueprint
from marshmallow import Schema

from services.notify import queries, rules
from services.notify.api import examples
from services.notify.operations import audit, receipts, template_store, templating
from services.notify.operations import unsubscribe as opting_out
from services.notify.operations.providers import gateways
from services.notify.schemas import (
    MessageListOut,
    MessageQuery,
    MessageSchema,
    PreviewIn,
    PreviewOut,
    ReceiptIn,
    ReceiptOut,
    TemplateDetailOut,
    TemplateIn,
    TemplateListOut,
    TemplateSchema,
    UnsubscribedOut,
)
from shared import bodies, identity
from shared.openapi import View, body, problems, public, query
from shared.problems import load_query
from shared.web import current_runtime

blp = Blueprint("notify_api", __name__, url_prefix="/api/v1", description="Templates, the log, receipts")
_messages = MessageSchema(many=True)
_templates = TemplateSchema(many=True)
#: What the operations on a message's template answer for a code that names no message.
_NO_MESSAGE = "No message with this code"


def _template_change(refused: str, at_fault: str, more: str = "") -> Callable[[View], View]:
    """An administrator's operation on a message's template with a JSON body (saving, previewing): its
    role and its problems. Its 422 names what it refuses that the body's schema allows: `refused` (a
    template, texts) with `at_fault` in `problems`, a rendering too costly, and `more` of its own."""
    s422 = (
        f"`invalid_json`, `invalid_body` (`errors` names each field at fault), or {refused} the schema "
        f"allows refused: template_refused (`problems`: {at_fault}), template_too_costly (its rendering "
        f"crosses a limit){more}"
    )

    def decorate(view: View) -> View:
        view = identity.roles("admin")(view)
        return problems(blp, 400, 401, 403, 404, 422, s404=_NO_MESSAGE, s422=s422)(view)

    return decorate


def _template_body(code: str, schema: Schema) -> dict[str, Any]:
    """The body of an operation on message `code`'s template, read only once the code names a
    message: an unknown code is a 404, whatever the body."""
    template_store.channels_of(code)
    return bodies.loaded(schema)


@blp.route("/messages", methods=["GET"])
@query(blp, MessageQuery)
@blp.response(200, MessageListOut, example=examples.MESSAGES)
@problems(blp, 401, 403, s403="Not an administrator or a chair, or a chair asking for another region")
@identity.roles(*rules.LOG_ROLES)
def list_messages() -> tuple[Response, int]:
    """The delivery log, newest first, filtered; contacts masked, each read in the audit log.

    A regional chair sees their own region's messages only."""
    who = identity.caller()
    query = queries.within_region(load_query(MessageQuery(), request.args), who.region)
    with current_runtime().db.unit_of_work() as session:
        messages = queries.messages(session, query)
        audit.listed(session, who, query, len(messages))
        return jsonify(items=_messages.dump(messages)), 200


@blp.route("/templates", methods=["GET"])
@blp.response(200, TemplateListOut, example=examples.TEMPLATES)
@problems(blp, 401, 403)
@identity.roles("admin")
def list_templates() -> tuple[Response, int]:
    """The newest version of every template, per message and channel."""
    with current_runtime().db.unit_of_work() as session:
        return jsonify(items=_templates.dump(template_store.latest_all(session))), 200


@blp.route("/templates/<code>", methods=["GET"])
@blp.response(200, TemplateDetailOut, example=examples.TEMPLATE)
@problems(blp, 401, 403, 404, s404=_NO_MESSAGE)
@identity.roles("admin")
def get_template(code: str) -> tuple[Response, int]:
    """A message's template: its channels and parameters, the current version and every version."""
    channels = template_store.channels_of(code)
    with current_runtime().db.unit_of_work() as session:
        template_store.seed(session)
        versions = template_store.history(session, code)
        current = {
            t.channel: t
            for t in versions
            if t.version == max(v.version for v in versions if v.channel == t.channel)
        }
        return jsonify(
            code=code,
            channels=list(channels),
            parameters=sorted(templating.sample(code)),
            current=_templates.dump(list(current.values())),
            versions=_templates.dump(versions),
        ), 200


@blp.route("/templates/<code>", methods=["PUT"])
@body(blp, TemplateIn, examples.TEMPLATE_IN)
@blp.response(201, TemplateSchema, example=examples.SAVED, description="The new version")
@_template_change(
    "a template",
    "each part at fault and why: empty in every language, an unknown parameter, broken Jinja, a subject "
    "of two lines, a channel the message is not sent on",
)
def put_template(code: str) -> tuple[Response, int]:
    """Save a new version of a message's template, checked first; the old versions are kept."""
    document = _template_body(code, TemplateIn())
    with current_runtime().db.unit_of_work() as session:
        saved = template_store.save_document(session, code, document, identity.caller().user_id)
        audit.record(
            session,
            identity.caller(),
            audit.TEMPLATE_SAVED,
            object=f"template:{code}/{saved.channel}",
            version=saved.version,
        )
        return jsonify(TemplateSchema().dump(saved)), 201


@blp.route("/templates/<code>/preview", methods=["POST"])
@body(blp, PreviewIn, examples.PREVIEW_IN)
@blp.response(200, PreviewOut, example=examples.PREVIEW)
@_template_change(
    "texts",
    "the language's parts at fault, or parameters that do not render",
    more=", channel_not_offered (the message is not sent on this channel)",
)
def preview(code: str) -> tuple[Response, int]:
    """Render texts as given (or the current version) with the parameters, samples for the missing."""
    document = _template_body(code, PreviewIn())
    with current_runtime().db.unit_of_work() as session:
        rendered = template_store.preview(session, code, document)
    return jsonify(PreviewOut().dump(rendered)), 200


@blp.route("/receipts/<provider>", methods=["POST"])
@public(blp)
@body(blp, ReceiptIn, examples.RECEIPT_IN)
@blp.response(200, ReceiptOut, example=examples.RECEIPT, description="Recorded")
@blp.alt_response(
    202, schema=ReceiptOut, example={"recorded": False}, description="No sent message has that id there"
)
@problems(blp, 401, 422, s401="No such gateway, or a signature that does not match the body")
@identity.public
def receipt(provider: str) -> tuple[Response, int]:
    """A gateway's delivery receipt, signed with its `receipt_secret` (X-Signature, HMAC-SHA256).

    Marks the message `delivered` or `failed` and announces it; a repeated receipt changes nothing."""
    configured = {g.name: g for g in gateways(current_runtime().settings.notify)}
    raw = request.get_data(cache=True)
    receipts.check_signed(configured.get(provider), raw, request.headers.get("X-Signature", ""))
    report = bodies.loaded(ReceiptIn())
    with current_runtime().db.unit_of_work() as session:
        found = receipts.record(
            session, provider, str(report["id"]), report["status"], report.get("reason") or ""
        )
    return jsonify(recorded=found), 200 if found else 202


@blp.route("/unsubscribe/<token>", methods=["POST"])
@public(blp)
@blp.response(200, UnsubscribedOut, example=examples.UNSUBSCRIBED)
@problems(blp, 404, s404="A token that is not one notify signed")
@identity.public
def unsubscribe(token: str) -> tuple[Response, int]:
    """RFC 8058 one-click unsubscribe (a mail client's POST, no cookie): no more optional messages."""
    runtime = current_runtime()
    address = opting_out.require_address(runtime.settings.secret_key, token)
    with runtime.db.unit_of_work() as session:
        opting_out.opt_out(session, address)
    return jsonify(unsubscribed=True), 200
